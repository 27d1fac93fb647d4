"""A real ``dle serve`` (uvicorn over HTTP on 127.0.0.1) on the full seed data, per backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import LiveServer, live_server


@pytest.fixture(scope="session")
def live(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service, started once per backend for the end-to-end tests."""
    with live_server(seeded_url, tmp_path_factory.mktemp("live")) as server:
        yield server
