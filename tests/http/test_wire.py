"""A recorded answer's header lines: the bytes uvicorn writes for the same headers."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from api.http.response_cache.wire import EDGE, arrival, header_lines

HEADERS = [
    (b"Content-Type", b"application/json"),
    (b"content-length", b"2"),
    (b"etag", b'"v-1"'),
    (b"link", b'<http://api.test/v1/models?a=1>; rel="next"'),
]


class Transport:
    """Keeps what is written."""

    def __init__(self) -> None:
        self.written = b""
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def uvicorn_writes(status: int, headers: list[tuple[bytes, bytes]]) -> bytes:
    """The header lines uvicorn's httptools cycle writes for ``headers``."""
    transport = Transport()

    async def start() -> None:
        cycle = RequestResponseCycle(
            scope={"method": "GET", "http_version": "1.1"},  # type: ignore[typeddict-item]
            transport=transport,  # type: ignore[arg-type]
            flow=FlowControl(transport),  # type: ignore[arg-type]
            logger=logging.getLogger("test"),
            access_logger=logging.getLogger("test"),
            access_log=False,
            default_headers=[],
            message_event=asyncio.Event(),
            expect_100_continue=False,
            keep_alive=True,
            on_response=lambda: None,
        )
        await cycle.send({"type": "http.response.start", "status": status, "headers": headers})

    asyncio.run(start())
    _status_line, _, rest = transport.written.partition(b"\r\n")
    return rest.removesuffix(b"\r\n")


def test_the_lines_are_what_uvicorn_writes() -> None:
    assert header_lines(200, HEADERS) == uvicorn_writes(200, HEADERS)
    not_modified = [(b"etag", b'"v-1"'), (b"vary", b"Accept-Encoding")]
    assert header_lines(304, not_modified) == uvicorn_writes(304, not_modified)


@pytest.mark.parametrize(
    "headers",
    [
        [(b"content-type", b"text/plain")],  # no length: the server would chunk it
        [*HEADERS, (b"connection", b"close")],
        [*HEADERS, (b"transfer-encoding", b"chunked")],
        [*HEADERS, (b"x-bad", b"one\r\nset-cookie: two")],
        [*HEADERS, (b"bad name", b"x")],
    ],
)
def test_an_answer_the_server_must_frame_or_refuse_has_no_lines(
    headers: list[tuple[bytes, bytes]],
) -> None:
    assert header_lines(200, headers) is None


def test_the_arrival_is_the_edges_when_there_is_one() -> None:
    class Edge:
        arrived_ns = 1234

    scope: dict[str, Any] = {"type": "http", "extensions": {EDGE: Edge()}}
    assert arrival(scope) == 1234
    assert arrival({"type": "http"}) is None
    assert arrival({"type": "http", "extensions": {}}) is None
