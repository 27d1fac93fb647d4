"""A damaged SQLite file: 503 problem details, /ready fails, one log line per cause."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from api.db.migrate import upgrade
from seed.loader import load_seed
from tests.conftest import SEED_DIR, make_client

ROUTES = ["/v1/models?limit=5", "/v1/models.csv", "/v1/milestones", "/v1/timeline"]
PAGE = 4096


@pytest.fixture
def seeded_copy(tmp_path: Path) -> Path:
    """A database of its own (never the session's shared one), seeded and complete."""
    path = tmp_path / "dle.sqlite3"
    upgrade(f"sqlite:///{path}")
    load_seed(f"sqlite:///{path}", SEED_DIR)
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


def _overwrite_pages(path: Path, first_page: int) -> None:
    rng = random.Random(7)
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as handle:
        for page in range(first_page, pages):
            handle.seek(page * PAGE)
            handle.write(rng.randbytes(PAGE))


def _assert_plain_503(response_text: str, status: int, headers: dict[str, str]) -> None:
    assert status == 503
    assert headers["content-type"] == "application/problem+json"
    assert "retry-after" in headers
    for internal in ("Traceback", "Error", "sqlite", "malformed", "SELECT"):
        assert internal not in response_text


@pytest.mark.parametrize("first_page", [0, 1], ids=["not-a-database", "malformed"])
def test_damaged_file_is_503_and_unready(
    seeded_copy: Path, first_page: int, caplog: pytest.LogCaptureFixture
) -> None:
    _overwrite_pages(seeded_copy, first_page)
    caplog.set_level(logging.WARNING)
    with make_client(f"sqlite:///{seeded_copy}") as client:
        for _ in range(3):
            for route in ROUTES:
                response = client.get(route)
                _assert_plain_503(response.text, response.status_code, dict(response.headers))
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert "damaged" in ready.json()["detail"]
        assert "Error" not in ready.text
    damaged = [r for r in caplog.records if "is damaged" in r.getMessage()]
    assert len(damaged) == 1, [r.getMessage() for r in damaged]
    assert str(seeded_copy) in damaged[0].getMessage()


def test_ready_runs_the_check_and_a_reseed_clears_it(seeded_copy: Path) -> None:
    """/ready finds the damage itself (no data route needed), and forgets it once the
    file is replaced by a good one."""
    url = f"sqlite:///{seeded_copy}"
    with make_client(url) as client:
        assert client.get("/ready").status_code == 200
    good = seeded_copy.read_bytes()
    _overwrite_pages(seeded_copy, 1)
    with make_client(url) as client:
        ready = client.get("/ready")
        assert ready.status_code == 503 and "damaged" in ready.json()["detail"]
        seeded_copy.write_bytes(good)
        assert client.get("/ready").status_code == 200


def test_unreachable_ready_names_no_exception(tmp_path: Path) -> None:
    with make_client(f"sqlite:///{tmp_path / 'absent.sqlite3'}") as client:
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["detail"] == "the database is unreachable"
