"""The serving engine's pool: under load a request queues for a connection, it does not
fail as fast as an unreachable database does."""

from __future__ import annotations

import threading

import pytest

from api.db.engine import make_engine
from tests.conftest import make_client

pytestmark = pytest.mark.postgres


def test_the_pool_wait_is_its_own_setting(seeded_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite files are served by SQLAlchemy's default pool")
    with make_client(seeded_url, db_connect_timeout_seconds=1, db_pool_timeout_seconds=7) as client:
        assert client.app.state.engine.pool.timeout() == 7  # type: ignore[attr-defined]
    engine = make_engine(seeded_url, read_only=True, connect_timeout=2)
    assert engine.pool.timeout() == 2  # type: ignore[attr-defined]  # the default
    engine.dispose()


def test_a_request_waits_for_a_busy_pool_instead_of_failing(seeded_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite files are served by SQLAlchemy's default pool")
    with make_client(
        seeded_url, db_connect_timeout_seconds=1, db_pool_timeout_seconds=60, cache_max_entries=0
    ) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        held = [engine.connect() for _ in range(10)]  # every pooled connection is busy
        answers: list[int] = []
        waiting = threading.Thread(
            target=lambda: answers.append(client.get("/v1/models?limit=1").status_code)
        )
        waiting.start()
        # The request is queued for a connection: it has not answered while all are held
        # (waiting far longer than the connect timeout that used to bound this wait).
        waiting.join(timeout=3)
        assert waiting.is_alive() and not answers
        held.pop().close()  # one connection comes free: the queued request gets it
        waiting.join(timeout=60)
        for connection in held:
            connection.close()
        assert answers == [200]
