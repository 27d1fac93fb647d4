"""The database goes away under a running server, then comes back.

A private PostgreSQL instance (its own data directory, port and socket directory) is
started for this test, so stopping it disturbs nobody else's server. A real
``dle serve`` process serves it; the test stops PostgreSQL (requests must answer 503
problem details promptly, ``/ready`` must fail), starts it again, and waits for the same
server process to recover on its own.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from api.migrate import upgrade
from seed.loader import load_seed
from tests.backends import require
from tests.conftest import SAMPLE_DIR
from tests.live_server import free_port, live_server, wait_for

pytestmark = pytest.mark.slow

POSTGRES_LIB = Path("/usr/lib/postgresql")
OS_USER = "postgres"
# Generous on purpose: a timeout means the server hung, which is the failure looked for.
CLIENT_TIMEOUT = httpx.Timeout(10.0)
PROBLEM_JSON = "application/problem+json"


def _postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian layout)."""
    found = [
        path.parent
        for path in POSTGRES_LIB.glob("*/bin/initdb")
        if path.parent.parent.name.isdigit() and (path.parent / "pg_ctl").exists()
    ]
    return max(found, key=lambda p: int(p.parent.name), default=None)


def _os_user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@dataclass
class PrivatePostgres:
    """A throw-away PostgreSQL cluster on 127.0.0.1:``port``."""

    bin_dir: Path
    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/dle"

    def _run(self, *args: str) -> None:
        # initdb refuses to run as root; run the server tools as the postgres OS user.
        prefix = ["runuser", "-u", OS_USER, "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*prefix, *args], cwd=self.root, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.root / "postgres.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private PostgreSQL with database ``dle``, migrated and seeded (sample)."""
    bin_dir = _postgres_bin()
    require(
        bin_dir is not None, f"the fault test needs PostgreSQL's server binaries in {POSTGRES_LIB}"
    )
    require(_os_user_exists(OS_USER), f"the fault test needs the '{OS_USER}' OS user")
    assert bin_dir is not None
    # Not under pytest's tmp_path: its parents are private to root, and the server
    # runs as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="dle-faults-"))
    if os.geteuid() == 0:
        shutil.chown(root, OS_USER, OS_USER)
    server = PrivatePostgres(bin_dir, root, free_port())
    try:
        server.init()
        server.start()
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/postgres",
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE dle"))
        admin.dispose()
        upgrade(server.url)
        load_seed(server.url, SAMPLE_DIR)
        yield server
    finally:
        if server.running():
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def _assert_problem_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == 503
    assert body["title"]
    assert "Traceback" not in response.text


def test_database_outage_gives_503_and_recovers_without_restart(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    settings = {"DLE_DB_CONNECT_TIMEOUT_SECONDS": "2", "DLE_DB_STATEMENT_TIMEOUT_MS": "5000"}
    with (
        live_server(private_postgres.url, tmp_path, env=settings) as server,
        httpx.Client(base_url=server.base_url, timeout=CLIENT_TIMEOUT) as client,
    ):
        ready = client.get("/ready")
        assert ready.status_code == 200, ready.text
        version = ready.json()["data_version"]
        before = client.get("/v1/models", params={"limit": 5})
        assert before.status_code == 200
        # a detail request too, so the pool holds connections that are about to die
        slug = before.json()["items"][0]["slug"]
        assert client.get(f"/v1/models/{slug}").status_code == 200

        private_postgres.stop("fast")

        for path in ("/v1/models?limit=5", f"/v1/models/{slug}", "/v1/models/facets", "/ready"):
            _assert_problem_503(client.get(path))
        # the process itself is fine, and says so
        assert client.get("/health").status_code == 200
        # still failing fast, not hanging, on a second round
        _assert_problem_503(client.get("/v1/models"))

        private_postgres.start()

        def recovered() -> httpx.Response | None:
            response = client.get("/ready")
            return response if response.status_code == 200 else None

        ready = wait_for(recovered, timeout=30, what="/ready to pass again")
        assert ready.json()["data_version"] == version
        after = client.get("/v1/models", params={"limit": 5})
        assert after.status_code == 200
        assert after.json()["items"] == before.json()["items"]

        # A restart between two requests is invisible: pooled connections to the old
        # server are checked before use and replaced.
        private_postgres.stop("fast")
        private_postgres.start()
        again = client.get("/v1/models", params={"limit": 5})
        assert again.status_code == 200, again.text
        assert again.json()["items"] == before.json()["items"]
        assert server.alive(), "the server must recover without a restart"


@pytest.fixture
def unresponsive_database() -> Iterator[str]:
    """A URL whose server accepts TCP connections and then never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # the kernel completes handshakes; nobody ever reads
        port = listener.getsockname()[1]
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/dle"


def test_unresponsive_database_gives_503_not_a_hang(
    unresponsive_database: str, tmp_path: Path
) -> None:
    """The connect timeout bounds the wait: a 503 arrives long before the client gives up."""
    settings = {"DLE_DB_CONNECT_TIMEOUT_SECONDS": "2"}
    with (
        live_server(unresponsive_database, tmp_path, env=settings) as server,
        httpx.Client(base_url=server.base_url, timeout=CLIENT_TIMEOUT) as client,
    ):
        for path in ("/ready", "/v1/models"):
            _assert_problem_503(client.get(path))
        assert client.get("/health").status_code == 200
