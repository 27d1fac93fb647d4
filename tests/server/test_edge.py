"""A real ``dle serve`` against raw sockets: the caps, the head timeout, the refusals.

Every refusal is a problem+json answer with the application's fields and the
connection closed after it. The caps are the shipped defaults; the head timeout is
short (1 s) so that the tests wait little, and every wait is a poll with a generous
deadline (a socket timeout of 30 s), never a bet on speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.config import Settings
from api.db.migrate import upgrade
from seed.loader import load_seed
from tests.backends import fresh_database
from tests.conftest import SAMPLE_DIR
from tests.live_server import LiveServer, live_server
from tests.server.raw import closed_by_server, connect, get, read_answer

pytestmark = pytest.mark.slow

HEADER_TIMEOUT = 1
DEFAULTS = Settings()
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database("sqlite", tmp_path_factory.mktemp("edge")) as url:
        upgrade(url)
        load_seed(url, SAMPLE_DIR)
        yield url


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "DLE_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "DLE_KEEP_ALIVE_TIMEOUT_SECONDS": "60",
    }
    with live_server(database, tmp_path_factory.mktemp("edge-logs"), env=env) as running:
        yield running


def test_a_long_request_line_is_refused_with_414(server: LiveServer) -> None:
    with connect(server.base_url) as sock:
        target = "/v1/models?q=" + "a" * DEFAULTS.max_request_line_bytes
        sock.sendall(get(target))
        answer, rest = read_answer(sock)
        assert answer.status == 414
        assert answer.headers["connection"] == "close"
        assert "request line" in answer.problem()["detail"]
        assert closed_by_server(sock, rest)


def test_a_request_line_at_the_cap_reaches_the_application(server: LiveServer) -> None:
    with connect(server.base_url) as sock:
        path = "/" + "a" * (DEFAULTS.max_request_line_bytes - len("GET / HTTP/1.1\r\n"))
        sock.sendall(get(path))
        answer, _ = read_answer(sock)
        assert answer.status == 404  # the application's answer: no such resource
        assert answer.problem()["instance"] == path


def test_a_large_header_section_is_refused_with_431(server: LiveServer) -> None:
    with connect(server.base_url) as sock:
        cookie = b"a" * (DEFAULTS.max_header_bytes + 1)
        sock.sendall(get(extra=b"Cookie: " + cookie + b"\r\n"))
        answer, rest = read_answer(sock)
        assert answer.status == 431
        assert answer.headers["connection"] == "close"
        assert "header section" in answer.problem()["detail"]
        assert closed_by_server(sock, rest)


def test_a_header_section_under_the_cap_is_served(server: LiveServer) -> None:
    headers = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(24))
    with connect(server.base_url) as sock:
        sock.sendall(get(extra=headers))
        answer, _ = read_answer(sock)
        assert answer.status == 200


def test_a_64_mib_header_is_refused_without_being_read(server: LiveServer) -> None:
    """The server answers 431 and closes after about the cap; /health answers meanwhile."""
    total = 64 * MIB
    sent = 0
    with connect(server.base_url) as sock:

        def send_huge_header() -> None:
            nonlocal sent
            chunk = b"a" * (256 * 1024)
            try:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\nX-Huge: ")
                while sent < total:
                    sock.sendall(chunk)
                    sent += len(chunk)
            except OSError:  # reset or broken pipe: the server closed the connection
                pass

        sender = threading.Thread(target=send_huge_header)
        sender.start()
        health = httpx.get(f"{server.base_url}/health", timeout=30)
        answer, _ = read_answer(sock)
        sender.join(timeout=60)
        assert not sender.is_alive()
    assert health.status_code == 200
    assert answer.status == 431
    answer.problem()
    # What went out before the server closed: the cap plus what the two sockets'
    # buffers hold, far from the 64 MiB a buffering server would have taken.
    assert sent < total // 4, f"{sent} bytes were accepted"
    assert server.alive()


def test_a_slow_head_is_answered_408(server: LiveServer) -> None:
    with connect(server.base_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: te")
        answer, rest = read_answer(sock)  # waits for the timeout (the socket's is 30 s)
        assert answer.status == 408
        assert answer.headers["connection"] == "close"
        assert "not complete" in answer.problem()["detail"]
        assert closed_by_server(sock, rest)


def test_a_connection_that_sends_nothing_is_closed(server: LiveServer) -> None:
    with connect(server.base_url) as sock:
        assert closed_by_server(sock)


def test_a_keep_alive_connection_works_after_a_pause_then_times_out_a_slow_head(
    server: LiveServer,
) -> None:
    with connect(server.base_url) as sock:
        sock.sendall(get())
        first, rest = read_answer(sock)
        assert first.status == 200
        # Idle for longer than the head timeout: an idle connection is not a slow head.
        time.sleep(3 * HEADER_TIMEOUT)
        sock.sendall(get())
        second, rest = read_answer(sock, rest)
        assert second.status == 200
        # The next head starts, and stops: the timer runs again for it.
        sock.sendall(b"GET /health HTTP/1.1\r\n")
        third, rest = read_answer(sock, rest)
        assert third.status == 408
        assert closed_by_server(sock, rest)


def test_a_malformed_request_is_answered_400_problem(server: LiveServer) -> None:
    with connect(server.base_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1 extra\r\n\r\n")
        answer, rest = read_answer(sock)
        assert answer.status == 400
        assert answer.headers["connection"] == "close"
        answer.problem()
        assert closed_by_server(sock, rest)


def test_connections_over_the_limit_get_a_503_problem(database: str, tmp_path: Path) -> None:
    limit = 4
    env = {"DLE_MAX_CONNECTIONS": str(limit), "DLE_HEADER_TIMEOUT_SECONDS": "60"}
    with live_server(database, tmp_path, env=env) as running:
        held = [connect(running.base_url) for _ in range(limit)]
        try:
            with connect(running.base_url) as sock:
                sock.sendall(get())
                answer, rest = read_answer(sock)
                assert answer.status == 503
                assert answer.headers["retry-after"].isdigit()
                assert answer.problem()["instance"] == "/health"
                assert closed_by_server(sock, rest)
        finally:
            for sock in held:
                sock.close()


def test_two_workers_keep_the_caps(database: str, tmp_path: Path) -> None:
    """``--workers 2`` spawns processes: each gets the protocol class by name."""
    with live_server(database, tmp_path, workers=2) as running:
        for _ in range(4):
            with connect(running.base_url) as sock:
                sock.sendall(
                    get(extra=b"X-Big: " + b"a" * (2 * DEFAULTS.max_header_bytes) + b"\r\n")
                )
                answer, _ = read_answer(sock)
                assert answer.status == 431
