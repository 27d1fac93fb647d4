"""The keep-alive and head timers close a connection only when it is idle.

The event loop runs its due timers before it reads the sockets again, so a timer can
come due with the client's next request already in the socket, unread (a request that
arrived while the loop was busy). And a response is complete, for uvicorn, when it is
queued, not when it has been written out. Each test here runs a real server (uvicorn,
uvloop, ``EdgeProtocol``) in a thread, holds its loop in a callback until the
connection is in that state, and fires the timer there, as the loop would.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from uvicorn.config import Config
from uvicorn.server import ServerState

from api.server.protocol import EdgeProtocol, HeadLimits
from tests.live_server import wait_for
from tests.server.raw import read_answer

REQUEST = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"
LARGE = b"GET /large HTTP/1.1\r\nHost: test\r\n\r\n"
# More than the kernel's socket buffers take on loopback, so some stays in the server's.
LARGE_BYTES = 64 * 1024 * 1024
HEAD_SECONDS = 0.5


async def _app(scope: Any, receive: Any, send: Any) -> None:
    body = b"x" * LARGE_BYTES if scope["path"] == "/large" else b"ok"
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _QuickHeads(EdgeProtocol):
    """``EdgeProtocol`` with a short head timeout."""

    def __init__(
        self, config: Config, server_state: ServerState, app_state: dict[str, Any], _loop: Any
    ) -> None:
        limits = HeadLimits(8192, 32768, HEAD_SECONDS)
        super().__init__(config, server_state, app_state, _loop, limits=limits)


@contextmanager
def _server() -> Iterator[uvicorn.Server]:
    config = uvicorn.Config(
        _app,
        host="127.0.0.1",
        port=0,
        loop="uvloop",
        http=_QuickHeads,
        lifespan="off",
        log_level="warning",
        timeout_keep_alive=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or None, timeout=30, what="the server")
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _connect(server: uvicorn.Server) -> tuple[socket.socket, EdgeProtocol]:
    port = server.servers[0].sockets[0].getsockname()[1]
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    connections = server.server_state.connections
    protocol = wait_for(lambda: next(iter(connections), None), timeout=10, what="the connection")
    assert isinstance(protocol, EdgeProtocol)
    return sock, protocol


def _readable(protocol: EdgeProtocol, seconds: float) -> bool:
    poller = select.poll()
    poller.register(protocol.transport.get_extra_info("socket").fileno(), select.POLLIN)
    return bool(poller.poll(seconds * 1000))


def _while_the_loop_waits(
    protocol: EdgeProtocol, client: Callable[[], None], fire: Callable[[], None]
) -> None:
    """Hold the server's loop in a callback; there, after ``client`` has sent, and its
    bytes are in the server's socket, fire the timer (``fire``)."""
    holding, sent, fired = threading.Event(), threading.Event(), threading.Event()

    def in_loop() -> None:
        holding.set()
        assert sent.wait(10)
        assert _readable(protocol, 10), "the request did not reach the server's socket"
        fire()
        fired.set()

    protocol.loop.call_soon_threadsafe(in_loop)
    assert holding.wait(10)
    client()
    sent.set()
    assert fired.wait(20)


def _keep_alive_comes_due(protocol: EdgeProtocol) -> None:
    task = protocol.timeout_keep_alive_task
    assert task is not None, "the keep-alive timer is armed after a response"
    task.cancel()
    protocol.timeout_keep_alive_handler()


def test_a_request_waiting_unread_when_the_keep_alive_timeout_comes_due_is_answered() -> None:
    with _server() as server:
        sock, protocol = _connect(server)
        with sock:
            sock.sendall(REQUEST)
            assert read_answer(sock)[0].status == 200
            wait_for(lambda: protocol.timeout_keep_alive_task, timeout=10, what="keep-alive")
            _while_the_loop_waits(
                protocol, lambda: sock.sendall(REQUEST), lambda: _keep_alive_comes_due(protocol)
            )
            answer, _ = read_answer(sock)
            assert answer.status == 200 and answer.body == b"ok"


def test_a_response_still_being_written_out_is_not_an_idle_connection() -> None:
    with _server() as server:
        sock, protocol = _connect(server)
        with sock:
            sock.sendall(LARGE)  # and nothing read yet: the response waits in the buffers
            wait_for(lambda: protocol.timeout_keep_alive_task, timeout=30, what="the response")
            buffered: list[int] = []

            def comes_due() -> None:
                buffered.append(protocol.transport.get_write_buffer_size())
                _keep_alive_comes_due(protocol)

            done = threading.Event()
            protocol.loop.call_soon_threadsafe(lambda: (comes_due(), done.set()))
            assert done.wait(10)
            assert buffered[0] > 0, "the response was written out before the timer came due"
            large, after = read_answer(sock)
            assert large.status == 200 and len(large.body) == LARGE_BYTES
            sock.sendall(REQUEST)  # the next request on the same connection
            answer, _ = read_answer(sock, after)
            assert answer.status == 200 and answer.body == b"ok"


def test_a_head_waiting_unread_when_its_deadline_passes_is_answered() -> None:
    with _server() as server:
        sock, protocol = _connect(server)
        with sock:

            def deadline_passes() -> None:
                deadline = protocol._head_deadline
                assert deadline is not None, "a head's deadline runs from the connection"
                time.sleep(max(0.0, deadline - protocol.loop.time()) + 0.01)
                protocol._head_timer_fired()

            _while_the_loop_waits(protocol, lambda: sock.sendall(REQUEST), deadline_passes)
            answer, _ = read_answer(sock)
            assert answer.status == 200 and answer.body == b"ok"
