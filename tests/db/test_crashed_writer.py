"""A SQLite writer killed in the middle of its transaction: the server keeps serving.

The writer is a real process on the writable engine whose small page cache spills its
uncommitted changes to disk (the WAL, or a rollback journal); it says so and is then
killed with SIGKILL, at that known point. A server that was running before and one
started after must both serve the old data, and the next seed must land.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from api.db.migrate import upgrade
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, SEED_DIR, make_client
from tests.live_server import ROOT

CRASHING_WRITER = """
import sys, time
from api.db.writable import make_writable_engine
from api.tables import metadata
engine = make_writable_engine(sys.argv[1])
with engine.begin() as connection:
    connection.exec_driver_sql("PRAGMA cache_size = 20")  # spill early: 20 pages
    for table in reversed(metadata.sorted_tables):
        connection.execute(table.delete())
    connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'torn'")
    print("written", flush=True)
    time.sleep(600)
"""


def _kill_mid_write(url: str) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "written"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)


@pytest.fixture
def seeded_file(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "dle.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    load_seed(url, SEED_DIR)
    return url, path


def _logs(path: Path) -> dict[str, int]:
    return {
        suffix: Path(f"{path}{suffix}").stat().st_size
        for suffix in ("-wal", "-journal")
        if Path(f"{path}{suffix}").exists()
    }


def _assert_serves(client_url: str, version: str) -> None:
    with make_client(client_url) as client:
        ready = client.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["data_version"] == version
        models = client.get("/v1/models?limit=1")
        assert models.status_code == 200, models.text
        assert models.json()["meta"]["data_version"] == version
        assert client.get("/v1/models.csv").status_code == 200


def test_a_writer_killed_mid_write_leaves_the_old_data(seeded_file: tuple[str, Path]) -> None:
    url, path = seeded_file
    with make_client(url) as running:
        version = running.get("/ready").json()["data_version"]
        _kill_mid_write(url)
        assert any(size > 0 for size in _logs(path).values()), "nothing was spilled"
        # The server that was running, and one started now, both serve the old data.
        assert running.get("/ready").status_code == 200
        assert running.get("/v1/models?limit=1").json()["meta"]["data_version"] == version
    _assert_serves(url, version)
    # The next seed lands (and takes over the file's lock and log).
    report = load_seed(url, SAMPLE_DIR)
    assert report.changed
    _assert_serves(url, report.data_version)


def test_a_server_recovers_the_wal_index_after_a_crash(seeded_file: tuple[str, Path]) -> None:
    """The shared-memory index left by the dead writer is gone too: a reader rebuilds it."""
    url, path = seeded_file
    version = load_seed(url, SAMPLE_DIR).data_version
    _kill_mid_write(url)
    Path(f"{path}-shm").unlink(missing_ok=True)
    _assert_serves(url, version)
