"""``EdgeRequest``: a recorded answer written in one piece is the bytes, the state and the
log line of uvicorn's cycle sending the same answer as ASGI messages."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from api.http.response_cache.wire import header_lines
from api.server.edge import EdgeRequest
from tests.http.test_wire import HEADERS, Transport

BODY = b"{}"
DEFAULTS = [(b"date", b"Thu, 03 Dec 2026 14:31:58 GMT")]
NOT_MODIFIED = [(b"etag", b'"v-1"'), (b"vary", b"Accept-Encoding")]


class Cycle:
    """A uvicorn cycle on a transport that keeps what is written, and what it logs."""

    def __init__(self, method: str = "GET", keep_alive: bool = True) -> None:
        self.transport = Transport()
        self.completed = 0
        self.logged: list[str] = []
        logger = logging.getLogger(f"tests.edge.access.{id(self)}")
        logger.propagate = False
        logger.handlers = [_Keep(self.logged)]
        logger.setLevel(logging.INFO)
        self.cycle = RequestResponseCycle(
            scope={  # type: ignore[typeddict-item]
                "type": "http",
                "method": method,
                "http_version": "1.1",
                "path": "/v1/models",
                "query_string": b"limit=2",
                "client": ("127.0.0.1", 5000),
            },
            transport=self.transport,  # type: ignore[arg-type]
            flow=FlowControl(self.transport),  # type: ignore[arg-type]
            logger=logging.getLogger("tests.edge"),
            access_logger=logger,
            access_log=True,
            default_headers=DEFAULTS,
            message_event=asyncio.Event(),
            expect_100_continue=False,
            keep_alive=keep_alive,
            on_response=self._complete,
        )

    def _complete(self) -> None:
        self.completed += 1

    def state(self) -> tuple[object, ...]:
        cycle = self.cycle
        return (
            self.transport.written,
            self.transport.closed,
            cycle.response_started,
            cycle.response_complete,
            cycle.message_event.is_set(),
            self.completed,
            self.logged,
        )


class _Keep(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


def sent(cycle: Cycle, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    async def send() -> None:
        start = {"type": "http.response.start", "status": status, "headers": headers}
        await cycle.cycle.send(start)  # type: ignore[arg-type]
        await cycle.cycle.send({"type": "http.response.body", "body": body})

    asyncio.run(send())


@pytest.mark.parametrize(
    ("method", "keep_alive", "status", "headers", "body"),
    [
        ("GET", True, 200, HEADERS, BODY),
        ("GET", False, 200, HEADERS, BODY),  # the connection closes after it
        ("HEAD", True, 200, HEADERS, b""),
        ("GET", True, 304, NOT_MODIFIED, b""),
        ("GET", True, 200, [(b"content-length", b"200000")], b"x" * 200_000),  # a download
    ],
)
def test_written_in_one_piece_as_uvicorn_sends_it(
    method: str, keep_alive: bool, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    by_messages, in_one_piece = Cycle(method, keep_alive), Cycle(method, keep_alive)
    sent(by_messages, status, headers, body)
    lines = header_lines(status, headers)
    assert lines is not None
    assert EdgeRequest(in_one_piece.cycle).write(status, lines, body)
    assert in_one_piece.state() == by_messages.state()
    assert in_one_piece.logged and in_one_piece.transport.written.endswith(b"\r\n\r\n" + body)


def test_it_declines_when_the_asgi_messages_must_go() -> None:
    lines = header_lines(200, HEADERS)
    assert lines is not None
    started = Cycle()
    started.cycle.response_started = True
    paused = Cycle()
    paused.cycle.flow.write_paused = True
    gone = Cycle()
    gone.cycle.disconnected = True
    for cycle in (started, paused, gone):
        assert not EdgeRequest(cycle.cycle).write(200, lines, BODY)
        assert cycle.transport.written == b"" and not cycle.cycle.response_complete


def test_the_arrival_is_when_the_request_was_handed_over() -> None:
    before = time.monotonic_ns()
    edge = EdgeRequest(Cycle().cycle)
    assert before <= edge.arrived_ns <= time.monotonic_ns()
