"""Shared fixtures: databases migrated and seeded once per session, per backend."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from api.app import create_app
from api.config import Settings
from api.db.migrate import upgrade
from seed.loader import load_seed
from tests.backends import fresh_database

warnings.filterwarnings("ignore", message=".*httpx2.*")

# The suite creates its PostgreSQL databases, and serves them, as the test server's
# superuser. The server's refusal of a serving role that can write (api/db/roles.py) is
# tested on its own, with this turned off, in tests/db/test_postgres_roles.py.
os.environ["DLE_ALLOW_WRITABLE_ROLE"] = "true"

from fastapi.testclient import TestClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seed" / "data"
SAMPLE_DIR = Path(__file__).resolve().parent / "fixtures" / "sample_seed"

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend the suite runs on."""
    name: str = request.param
    return name


def _seeded(backend: str, tmp_dir: Path, seed_dir: Path) -> Iterator[str]:
    with fresh_database(backend, tmp_dir) as url:
        upgrade(url)
        load_seed(url, seed_dir)
        yield url


@pytest.fixture(scope="session")
def seeded_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with the full seed data, shared read-only by the session's tests."""
    yield from _seeded(backend, tmp_path_factory.mktemp("full"), SEED_DIR)


@pytest.fixture(scope="session")
def sample_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with the small sample data set, for exact-JSON assertions."""
    yield from _seeded(backend, tmp_path_factory.mktemp("sample"), SAMPLE_DIR)


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A new empty database for tests that write (migrations, the loader)."""
    with fresh_database(backend, tmp_path) as url:
        yield url


def make_client(url: str, **settings: object) -> TestClient:
    """A test client of an app serving ``url``."""
    app: FastAPI = create_app(Settings(database_url=url, **settings))  # type: ignore[arg-type]
    return TestClient(app)


def charts_ready(test_client: TestClient) -> TestClient:
    """``test_client`` once its chart renderer is warm (it warms in the background)."""
    renderer = test_client.app.state.chart_renderer  # type: ignore[attr-defined]
    assert renderer.wait_ready(120), f"the chart renderer did not start: {renderer.error}"
    return test_client


@pytest.fixture(scope="session")
def client(seeded_url: str) -> Iterator[TestClient]:
    """A client of the app serving the full seed data (its chart renderer warm)."""
    with make_client(seeded_url) as test_client:
        yield charts_ready(test_client)


@pytest.fixture(scope="session")
def sample_client(sample_url: str) -> Iterator[TestClient]:
    """A client of the app serving the sample data set (its chart renderer warm)."""
    with make_client(sample_url) as test_client:
        yield charts_ready(test_client)
