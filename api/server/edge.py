"""The ``EDGE`` scope extension (``api/http/response_cache/wire.py``) on uvicorn's
httptools cycle: when the request arrived, and a recorded cache hit written in one piece.

``EdgeRequest.write`` does what ``RequestResponseCycle.send`` does for one
``http.response.start`` with those headers and one final ``http.response.body``, with
the header lines encoded when the answer was recorded instead of checked and encoded
again for every hit, and in one write instead of two ASGI messages: the status line,
the server's default headers (the date), the recorded lines, ``connection: close`` when
the connection is not kept, the body (none for HEAD); then the response is complete
(a pipelined request may start, a closing connection closes), with uvicorn's access
log line if the access log is on.

It declines (returns False, having written nothing) when the response has started, the
client is gone or writing is paused: the ASGI messages then go as usual.
"""

from __future__ import annotations

from time import monotonic_ns

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, RequestResponseCycle
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

# Bodies up to this size go out in one write with their head; larger ones after it,
# uncopied.
LARGE_BODY_BYTES = 64 * 1024

# The encoded default headers, for the list they were encoded from: uvicorn makes a new
# list when the date changes (once a second).
_defaults: tuple[list[tuple[bytes, bytes]] | None, bytes] = (None, b"")


def default_lines(headers: list[tuple[bytes, bytes]]) -> bytes:
    """The server's default headers as HTTP/1.1 lines (uvicorn writes them first)."""
    global _defaults
    source, lines = _defaults
    if source is not headers:
        lines = b"".join(name.lower() + b": " + value + b"\r\n" for name, value in headers)
        _defaults = (headers, lines)
    return lines


class EdgeRequest:
    """One request's ``EDGE`` extension: its arrival (now, when it is made, as the
    request's head is complete) and ``write`` on its cycle (module docs)."""

    __slots__ = ("arrived_ns", "cycle")

    def __init__(self, cycle: RequestResponseCycle) -> None:
        self.arrived_ns = monotonic_ns()
        self.cycle = cycle

    def write(self, status: int, lines: bytes, body: bytes) -> bool:
        """The answer written on the cycle's connection, or False when the ASGI messages
        must be sent instead."""
        cycle = self.cycle
        if cycle.response_started or cycle.disconnected or cycle.flow.write_paused:
            return False
        cycle.response_started = True
        cycle.waiting_for_100_continue = False
        scope = cycle.scope
        if cycle.access_log:
            cycle.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(scope),
                scope["method"],
                get_path_with_query_string(scope),
                scope["http_version"],
                status,
            )
        closing = b"" if cycle.keep_alive else b"connection: close\r\n"
        payload = b"" if scope["method"] == "HEAD" else body
        head = (STATUS_LINE[status], default_lines(cycle.default_headers), lines, closing, b"\r\n")
        if len(payload) <= LARGE_BODY_BYTES:
            cycle.transport.write(b"".join((*head, payload)))
        else:  # a large body (a download) is not copied to join it to its head
            cycle.transport.write(b"".join(head))
            cycle.transport.write(payload)
        cycle.response_complete = True
        cycle.message_event.set()
        if not cycle.keep_alive:
            cycle.transport.close()
        cycle.on_response()
        return True
