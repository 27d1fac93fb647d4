"""The probes share a read only with requests that arrived before it started."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from time import monotonic_ns

import pytest
from sqlalchemy import create_engine, text

from api.config import Settings
from api.http.response_cache.probe import PostgresGenerationProbe, SQLiteGenerationProbe
from tests.backends import fresh_database
from tests.live_server import wait_for


def sqlite_copy(seeded_url: str, tmp_path: Path) -> Path:
    """A copy of the seeded SQLite database to commit to (skips on PostgreSQL)."""
    if not seeded_url.startswith("sqlite"):
        pytest.skip("the SQLite probe")
    path = tmp_path / "copy.sqlite3"
    with (
        sqlite3.connect(seeded_url.removeprefix("sqlite:///")) as source,
        sqlite3.connect(path) as copy,
    ):
        source.backup(copy)
    return path


def test_sqlite_requests_that_arrived_before_a_read_share_it(
    seeded_url: str, tmp_path: Path
) -> None:
    path = sqlite_copy(seeded_url, tmp_path)
    probe = SQLiteGenerationProbe(path)
    try:
        burst = monotonic_ns()  # a burst of requests arrives
        first = asyncio.run(probe.read(burst))  # the first of them reads
        assert first is not None and probe.reads == 1
        assert asyncio.run(probe.read(burst)) == first  # the others share its read
        assert probe.reads == 1
        assert asyncio.run(probe.read()) == first  # no arrival known: a read of its own
        assert probe.reads == 2
        with sqlite3.connect(path) as writer:
            writer.execute("UPDATE data_release SET loaded_at = '2030-01-01 00:00:00'")
        # A request that arrived after the commit came after the last read began.
        later = asyncio.run(probe.read(monotonic_ns()))
        assert probe.reads == 3
        assert later is not None and later != first and later.endswith("2030-01-01 00:00:00")
    finally:
        probe.close()


def test_sqlite_a_failed_read_is_never_shared(tmp_path: Path) -> None:
    probe = SQLiteGenerationProbe(tmp_path / "missing.sqlite3")
    arrived = monotonic_ns()
    assert asyncio.run(probe.read(arrived)) is None
    assert asyncio.run(probe.read(arrived)) is None
    assert probe.reads == 2


def test_postgres_a_finished_read_answers_the_requests_that_arrived_before_it() -> None:
    probe = PostgresGenerationProbe(Settings(database_url="postgresql+psycopg://u@127.0.0.1/x"))
    state = {"generation": "g1"}
    trips: list[str] = []

    async def round_trip() -> str | None:
        trips.append(state["generation"])
        return state["generation"]

    probe._round_trip = round_trip  # type: ignore[method-assign]

    async def scenario() -> list[str | None]:
        early = monotonic_ns()
        tokens = [await probe.read(early), await probe.read(early)]  # one trip for both
        assert len(trips) == 1
        state["generation"] = "g2"  # a seed commits
        tokens.append(await probe.read(monotonic_ns()))  # arrived after: a trip of its own
        tokens.append(await probe.read())  # no arrival: a trip too
        return tokens

    assert asyncio.run(scenario()) == ["g1", "g1", "g2", "g2"]
    assert len(trips) == 3


def test_postgres_probe_sees_a_commit_and_connects_again_after_losing_its_connection(
    tmp_path: Path,
) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(
                text("CREATE TABLE data_release (data_version text, loaded_at timestamptz)")
            )
            connection.execute(text("INSERT INTO data_release VALUES ('v1', '2030-01-02 03:04')"))
        probe = PostgresGenerationProbe(Settings(database_url=url))

        def backend_gone(pid: int) -> bool | None:
            with admin.connect() as connection:
                query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
                return connection.execute(query, {"pid": pid}).scalar_one() == 0 or None

        async def scenario() -> list[str | None]:
            tokens = [await probe.read()]
            with admin.connect() as connection:  # a seed commits
                connection.execute(text("UPDATE data_release SET data_version = 'v2'"))
            tokens.append(await probe.read())
            assert probe._connection is not None
            pid = probe._connection.pgconn.backend_pid
            with admin.connect() as connection:  # the database ends the probe's session
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            wait_for(lambda: backend_gone(pid), timeout=10, what="the session to end")
            tokens.append(await probe.read())  # that read fails: the cache is bypassed
            tokens.append(await probe.read())  # the next one connects again
            return tokens

        try:
            first, second, lost, again = asyncio.run(scenario())
        finally:
            probe.close()
            admin.dispose()
    assert first is not None and first.startswith("v1@2030-01-02 03:04")
    assert second is not None and second.startswith("v2@2030-01-02 03:04")
    assert lost is None
    assert again == second
