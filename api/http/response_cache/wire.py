"""What the fast hit path asks of the server edge, and the header lines it hands it.

``dle serve``'s protocol offers every request the ``EDGE`` scope extension
(``api/server/edge.py``), an object with

* ``arrived_ns``: when the request's head was complete (``time.monotonic_ns``), so that
  a generation read that started later answers for this request too (the probes);
* ``write(status, lines, body)``: a recorded cache hit written in one piece, its header
  lines encoded once when it was recorded (``header_lines``). A hit then costs no
  per-header work and no ASGI messages; under any other server the recorded messages
  go out as ASGI messages, as before. Both put the same bytes on the wire.

The lines are what uvicorn's httptools protocol writes for the same headers: names in
lower case, ``name: value`` in the order given. An answer the server must frame itself
gets no lines (``header_lines`` returns None) and takes the ASGI path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from starlette.types import Scope

# The key of the scope extension, ``scope["extensions"][EDGE]``.
EDGE = "dle.edge"


class Edge(Protocol):
    """The server edge's view of one request (module docs)."""

    arrived_ns: int

    def write(self, status: int, lines: bytes, body: bytes) -> bool:
        """Write the whole answer; False (nothing written) when the ASGI messages must
        be sent instead."""
        ...


# RFC 9110: a field name is a token; a field value has no CR, LF, NUL or other controls
# but tab (the checks uvicorn makes when it writes headers).
_NOT_TOKEN = re.compile(b'[\x00-\x1f\x7f()<>@,;:\\[\\]={} \t\\\\"]')
_NOT_FIELD_VALUE = re.compile(b"[\x00-\x08\x0a-\x1f\x7f]")


def edge_of(scope: Scope) -> Edge | None:
    """The request's ``EDGE`` extension, if its server offers one."""
    extensions = scope.get("extensions")
    edge: Edge | None = extensions.get(EDGE) if extensions else None
    return edge


def arrival(scope: Scope) -> int | None:
    """When the request arrived, if the server edge says (``Edge.arrived_ns``)."""
    edge = edge_of(scope)
    return edge.arrived_ns if edge is not None else None


# Headers that change how the server frames the message or the connection.
_FRAMING = frozenset({b"connection", b"transfer-encoding"})
# Statuses that have no body, hence need no Content-Length.
_BODILESS = frozenset({204, 304})


def header_lines(status: int, headers: Iterable[tuple[bytes, bytes]]) -> bytes | None:
    """``name: value\\r\\n`` for each header (names in lower case), or None when the
    server must frame the answer itself: a ``Connection`` or ``Transfer-Encoding``
    header, no ``Content-Length`` on a status with a body, or a name or value that is
    not valid HTTP."""
    lines: list[bytes] = []
    length = False
    for raw_name, value in headers:
        name = raw_name.lower()
        if _NOT_TOKEN.search(name) or _NOT_FIELD_VALUE.search(value) or name in _FRAMING:
            return None
        length = length or name == b"content-length"
        lines += (name, b": ", value, b"\r\n")
    if not length and status not in _BODILESS:
        return None
    return b"".join(lines)
