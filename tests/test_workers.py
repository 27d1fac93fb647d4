"""``dle serve --workers 2``: every worker serves the current data, before and after a re-seed.

The test finds out which worker process accepted each connection (the server side of
the socket, looked up in /proc), so "every worker" is checked, not assumed. After
``dle seed`` has committed changed data, no worker may answer with the old version:
a per-process cache that outlived the data would show up here.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import Connection
from sqlmodel import Session, col, select

from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.provenance import current_data_version
from api.tables import MLModel
from seed.loader import SeedSource, WriteContext, default_sources, load_seed
from tests.backends import fresh_database, require
from tests.conftest import SAMPLE_DIR
from tests.live_server import LiveServer, live_server, run_dle, wait_for

pytestmark = pytest.mark.slow

WORKERS = 2
MODEL_NAME = "DALL·E 2"
MODELS_CSV = "epoch_notable_ai_models.csv"
CHANGED_PARAMETERS = 4_200_000_000.0
REQUESTS = 48


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name (2nd field) is parenthesised and may hold spaces
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            children.append(int(entry.name))
    return children


def _worker_pids(server: LiveServer) -> list[int] | None:
    """uvicorn's worker processes (multiprocessing children), once all have started."""
    workers = []
    for child in _children(server.process.pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            workers.append(child)
    return sorted(workers) if len(workers) == WORKERS else None


def _server_socket_inode(server_port: int, client_port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                return inode
    return None


def _owner(connection: HTTPConnection, server_port: int, workers: list[int]) -> int | None:
    """The worker process holding the server side of ``connection``."""
    assert connection.sock is not None
    inode = _server_socket_inode(server_port, connection.sock.getsockname()[1])
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:
                continue
    return None


def _get_json(connection: HTTPConnection, path: str) -> dict[str, Any]:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, body
    data: dict[str, Any] = orjson.loads(body)
    return data


def _connection_per_worker(server: LiveServer, workers: list[int]) -> dict[int, HTTPConnection]:
    """An open keep-alive connection to each worker (opens connections until each is hit)."""
    port = int(server.base_url.rsplit(":", 1)[1])
    found: dict[int, HTTPConnection] = {}
    spare: list[HTTPConnection] = []

    def one_more_round() -> bool | None:
        batch = [HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(8)]
        for connection in batch:
            connection.connect()
        for connection in batch:
            _get_json(connection, "/health")  # the connection has been accepted and served
            owner = _owner(connection, port, workers)
            assert owner is not None, "a connection no worker holds"
            if owner in found:
                spare.append(connection)
            else:
                found[owner] = connection
        return True if len(found) == len(workers) else None

    try:
        wait_for(one_more_round, timeout=30, what="a connection accepted by every worker")
    finally:
        for connection in spare:
            connection.close()
    return found


def _observe(connection: HTTPConnection, slug: str) -> tuple[str, float, str]:
    """(data version of a list page, DALL·E 2's parameters in its detail, /ready's version)."""
    page = _get_json(connection, "/v1/models?limit=50")
    detail = _get_json(connection, f"/v1/models/{slug}")
    ready = _get_json(connection, "/ready")
    assert detail["meta"]["data_version"] == page["meta"]["data_version"]
    return page["meta"]["data_version"], detail["parameters"], ready["data_version"]


def _burst(base_url: str, slug: str) -> set[tuple[int, str, float]]:
    """Concurrent requests on new connections: the set of (status, version, parameters)."""

    def one(_: int) -> tuple[int, str, float]:
        response = httpx.get(
            f"{base_url}/v1/models/{slug}", headers={"Connection": "close"}, timeout=10
        )
        body = response.json()
        return response.status_code, body["meta"]["data_version"], body["parameters"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        return set(pool.map(one, range(REQUESTS)))


def _changed_seed(tmp_path: Path) -> Path:
    """A copy of the sample seed with one model's parameter count changed."""
    seed_dir = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, seed_dir)
    path = seed_dir / MODELS_CSV
    with path.open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    hits = [row for row in rows if row["Model"].strip() == MODEL_NAME]
    assert len(hits) == 1
    assert float(hits[0]["Parameters"]) != CHANGED_PARAMETERS
    hits[0]["Parameters"] = repr(CHANGED_PARAMETERS)
    with path.open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return seed_dir


def test_workers_share_no_stale_state(empty_url: str, tmp_path: Path) -> None:
    require(sys.platform == "linux", "the worker check reads /proc (Linux)")
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    changed = _changed_seed(tmp_path)

    with live_server(empty_url, tmp_path, workers=WORKERS) as server:
        workers = wait_for(lambda: _worker_pids(server), timeout=30, what="two workers")
        found = httpx.get(f"{server.base_url}/v1/models", params={"q": "DALL"}, timeout=10)
        slug = found.json()["items"][0]["slug"]

        # Before: every worker answers, all with one data version.
        connections = _connection_per_worker(server, workers)
        before = {pid: _observe(connection, slug) for pid, connection in connections.items()}
        for connection in connections.values():
            connection.close()
        old_version, old_parameters, _ = before[workers[0]]
        assert old_parameters != CHANGED_PARAMETERS
        assert set(before.values()) == {(old_version, old_parameters, old_version)}
        assert _burst(server.base_url, slug) == {(200, old_version, old_parameters)}

        # Re-seed through the real command while the server runs.
        output = run_dle("seed", "--seed-dir", str(changed), database_url=empty_url)
        assert "data version" in output

        # After: each worker (the same processes as before) serves only the new data.
        fresh = _connection_per_worker(server, workers)
        after = {pid: _observe(connection, slug) for pid, connection in fresh.items()}
        new_version = after[workers[0]][0]
        assert new_version != old_version
        assert set(after.values()) == {(new_version, CHANGED_PARAMETERS, new_version)}
        for connection in fresh.values():
            connection.close()
        assert _burst(server.base_url, slug) == {(200, new_version, CHANGED_PARAMETERS)}
        assert _worker_pids(server) == workers, "no worker was restarted"


class _SignalAfterWrite:
    """A seed source that sets ``written`` once its rows are written, before the commit."""

    def __init__(self, inner: SeedSource, written: threading.Event) -> None:
        self.inner = inner
        self.written = written
        self.files = inner.files
        self.issues = inner.issues
        self.notices = inner.notices

    def data_sources(self) -> list[dict[str, Any]]:
        return self.inner.data_sources()

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        counts = self.inner.write(connection, context)
        self.written.set()
        return counts


def test_a_serving_session_reads_one_snapshot(backend: str, tmp_path: Path) -> None:
    """A re-seed committed during a request is invisible to that request.

    PostgreSQL: the serving transactions are repeatable read. SQLite: the serving
    session holds a read transaction, so the seed's commit waits for it to end. Either
    way the data version a response reports always matches the rows in it.
    """
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        load_seed(url, SAMPLE_DIR)
        changed = _changed_seed(tmp_path)
        sources = default_sources(changed)
        written = threading.Event()
        sources[-1] = _SignalAfterWrite(sources[-1], written)
        engine = make_engine(url, read_only=True)
        parameters = select(col(MLModel.parameters)).where(col(MLModel.name) == MODEL_NAME)
        errors: list[BaseException] = []

        def reseed() -> None:
            try:
                load_seed(url, changed, sources=sources)
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

        writer = threading.Thread(target=reseed)
        try:
            with Session(engine) as session:
                version = current_data_version(session)
                original = session.execute(parameters).scalar_one()
                writer.start()
                assert written.wait(timeout=60), "the re-seed never wrote its rows"
                # Give the commit the chance to land; on PostgreSQL it does (and the
                # snapshot hides it), on SQLite it waits for this session to end.
                writer.join(timeout=0.5 if backend == "sqlite" else 60)
                assert current_data_version(session) == version
                assert session.execute(parameters).scalar_one() == original
            writer.join(timeout=60)
            assert not writer.is_alive()
            assert not errors, errors
            with Session(engine) as session:
                assert current_data_version(session) != version
                assert session.execute(parameters).scalar_one() == CHANGED_PARAMETERS
        finally:
            engine.dispose()
