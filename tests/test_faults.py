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
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from api.db.migrate import upgrade
from seed.loader import load_seed
from tests.backends import require
from tests.conftest import SAMPLE_DIR
from tests.live_server import free_port, live_server, wait_for

pytestmark = pytest.mark.slow

POSTGRES_LIB = Path("/usr/lib/postgresql")
OS_USER = "postgres"
# Generous on purpose: a timeout means the server hung, which is the failure looked for.
CLIENT_TIMEOUT = httpx.Timeout(10.0)
PARTITION_CLIENT_TIMEOUT = httpx.Timeout(20.0)
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
    """A throw-away PostgreSQL cluster on ``host``:``port``, optionally in a network namespace."""

    bin_dir: Path
    root: Path
    port: int
    host: str = "127.0.0.1"
    netns: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/dle"

    def _run(self, *args: str, in_netns: bool = False) -> None:
        # initdb refuses to run as root; run the server tools as the postgres OS user.
        prefix = ["runuser", "-u", OS_USER, "--"] if os.geteuid() == 0 else []
        if in_netns and self.netns:
            prefix = ["ip", "netns", "exec", self.netns, *prefix]
        done = subprocess.run(
            [*prefix, *args], cwd=self.root, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"

    def init(self, client_network: str | None = None) -> None:
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
        if client_network:
            with (self.data_dir / "pg_hba.conf").open("a", encoding="utf-8") as hba:
                hba.write(f"host all all {client_network} trust\n")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses={self.host} "
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
            in_netns=True,
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()


@contextmanager
def _private_postgres(
    host: str = "127.0.0.1", netns: str | None = None, client_network: str | None = None
) -> Iterator[PrivatePostgres]:
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
    port = free_port() if netns is None else 5432
    server = PrivatePostgres(bin_dir, root, port, host, netns)
    try:
        server.init(client_network)
        server.start()
        admin = create_engine(
            f"postgresql+psycopg://postgres@{host}:{port}/postgres", isolation_level="AUTOCOMMIT"
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


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL on 127.0.0.1 and a free port."""
    with _private_postgres() as server:
        yield server


@dataclass(frozen=True)
class Link:
    """A veth pair between this host and a network namespace, which the test can cut."""

    netns: str
    inner: str
    network: str
    host_address: str
    server_address: str

    def _ip(self, *args: str) -> None:
        subprocess.run(
            ["ip", "netns", "exec", self.netns, "ip", *args], check=True, capture_output=True
        )

    def cut(self) -> None:
        """Packets to the server are dropped silently from now on: no reset, no refusal."""
        self._ip("address", "del", f"{self.server_address}/30", "dev", self.inner)

    def heal(self) -> None:
        self._ip("address", "add", f"{self.server_address}/30", "dev", self.inner)


@contextmanager
def _network_namespace() -> Iterator[Link]:
    """A private network namespace on an address of the benchmarking range 198.18.0.0/15."""
    require(
        os.geteuid() == 0 and shutil.which("ip") is not None,
        "the partition test needs root and iproute2 (ip netns)",
    )
    token = uuid.uuid4()
    suffix = token.hex[:6]
    netns, outer, inner = f"dle-{suffix}", f"dle{suffix}a", f"dle{suffix}b"
    base = (token.int >> 8) % 64 * 4
    prefix = f"198.18.{token.int % 256}"
    link = Link(netns, inner, f"{prefix}.{base}/30", f"{prefix}.{base + 1}", f"{prefix}.{base + 2}")
    steps = [
        ["ip", "netns", "add", netns],
        ["ip", "link", "add", outer, "type", "veth", "peer", "name", inner],
        ["ip", "link", "set", inner, "netns", netns],
        ["ip", "address", "add", f"{link.host_address}/30", "dev", outer],
        ["ip", "link", "set", outer, "up"],
        ["ip", "netns", "exec", netns, "ip", "address", "add", f"{link.server_address}/30",
         "dev", inner],
        ["ip", "netns", "exec", netns, "ip", "link", "set", inner, "up"],
        ["ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up"],
    ]  # fmt: skip
    try:
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            require(done.returncode == 0, f"cannot set up a network namespace: {done.stderr}")
        yield link
    finally:
        subprocess.run(["ip", "link", "del", outer], capture_output=True)
        subprocess.run(["ip", "netns", "del", netns], capture_output=True)


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


def test_network_partition_gives_503_not_a_hang(tmp_path: Path) -> None:
    """The database host vanishes without a word (no reset, no refusal), then comes back.

    The pooled connection's next use must fail after the TCP user timeout (equal to the
    connect timeout), and the reconnection after the connect timeout, rather than after
    the kernel's retransmission timeout of many minutes. Each engine that touches the
    database on the way (response cache check, request) may pay both, hence a client
    timeout of several connect timeouts: still far from a hang.
    """
    settings = {"DLE_DB_CONNECT_TIMEOUT_SECONDS": "2"}
    with (
        _network_namespace() as link,
        _private_postgres(link.server_address, link.netns, link.network) as database,
        live_server(database.url, tmp_path, env=settings) as server,
        httpx.Client(base_url=server.base_url, timeout=PARTITION_CLIENT_TIMEOUT) as client,
    ):
        before = client.get("/v1/models", params={"limit": 5})
        assert before.status_code == 200, before.text

        link.cut()
        _assert_problem_503(client.get("/v1/models", params={"limit": 5}))
        _assert_problem_503(client.get("/ready"))
        assert client.get("/health").status_code == 200

        link.heal()

        def recovered() -> httpx.Response | None:
            response = client.get("/ready")
            return response if response.status_code == 200 else None

        wait_for(recovered, timeout=30, what="/ready to pass after the network came back")
        after = client.get("/v1/models", params={"limit": 5})
        assert after.status_code == 200
        assert after.json()["items"] == before.json()["items"]
        assert server.alive()
