"""Recorded cache hits through a real ``dle serve``: written by the edge in one piece,
the same answers as the application's, and never stale."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from api.db.migrate import upgrade
from seed.loader import load_seed
from tests.backends import fresh_database
from tests.conftest import SAMPLE_DIR
from tests.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow

PAGE = "/v1/models?sort=name&limit="


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database("sqlite", tmp_path_factory.mktemp("edge-hits")) as url:
        upgrade(url)
        load_seed(url, SAMPLE_DIR)
        yield url


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(database, tmp_path_factory.mktemp("edge-hits-logs")) as running:
        yield running


def _without_date(response: httpx.Response) -> list[tuple[str, str]]:
    return [(n, v) for n, v in response.headers.multi_items() if n != "date"]


def test_a_recorded_hit_is_the_answer_the_application_gave(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        client.get(PAGE + "2")  # a miss: stored
        through = client.get(PAGE + "2")  # a hit through the chain: recorded
        recorded = [client.get(PAGE + "2") for _ in range(3)]
        assert through.headers["x-cache"] == "HIT"
        for answer in recorded:
            assert answer.content == through.content
            assert _without_date(answer) == _without_date(through)
        head = client.head(PAGE + "2")
        assert head.content == b"" and _without_date(head) == _without_date(through)
        etag = through.headers["etag"]
        revalidated = [client.get(PAGE + "2", headers={"if-none-match": etag}) for _ in range(3)]
        assert {r.status_code for r in revalidated} == {304}
        assert all(r.content == b"" for r in revalidated)
        assert _without_date(revalidated[2]) == _without_date(revalidated[0])


def test_a_recorded_hit_closes_a_connection_that_asked_for_it(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        for _ in range(3):
            client.get(PAGE + "3")
    with httpx.Client(base_url=server.base_url, headers={"connection": "close"}) as client:
        answer = client.get(PAGE + "3")
        assert answer.status_code == 200 and answer.headers["connection"] == "close"
        assert answer.headers["x-cache"] == "HIT"


def test_a_commit_is_seen_by_the_next_request(server: LiveServer, database: str) -> None:
    path = database.removeprefix("sqlite:///")
    with httpx.Client(base_url=server.base_url) as client:
        for _ in range(3):
            assert client.get(PAGE + "4").status_code == 200
        for stamp in ("2031-01-01 00:00:00", "2032-01-01 00:00:00"):
            with sqlite3.connect(path) as writer:
                writer.execute("UPDATE data_release SET loaded_at = ?", (stamp,))
            # The first request after the commit: computed again, not the recorded hit.
            assert client.get(PAGE + "4").headers["x-cache"] == "MISS"
            assert client.get(PAGE + "4").headers["x-cache"] == "HIT"
