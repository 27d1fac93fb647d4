"""uvicorn's httptools protocol with caps on the request head and a timeout for it.

uvicorn (0.54) reads a request head for as long as the client sends it: httptools
buffers a header value in full before calling ``on_header`` (by repeated
concatenation, so a 64 MiB header costs seconds of CPU), and a connection that sends
half a head and then nothing stays open for good. ``EdgeProtocol`` changes that:

- **Caps.** ``data_received`` feeds the parser no more of a head than the caps allow
  (the request line plus the header section, and one byte to notice the excess), so a
  huge head is never buffered: the request line over its cap is answered 414 (checked
  in ``on_url``), the header section over its cap 431.
- **Head timeout.** A head has a deadline from when the connection is made, or from
  when a kept-alive connection receives the first bytes of its next request, until its
  headers are complete. One timer per connection checks it (finding a later head's
  deadline, it waits for that one). If a deadline passes, a started head gets a 408; a
  connection that sent nothing is closed (as uvicorn's keep-alive timeout does).
- **Keep-alive.** uvicorn closes a kept-alive connection when its timeout comes due;
  ``timeout_keep_alive_handler`` first checks that the connection is idle: not still
  writing out its last response (a large download), and with no next request waiting
  in the socket unread (the event loop runs due timers before it reads sockets again,
  so a request that arrived while the loop was busy would be dropped unanswered). Such
  a connection gets the whole timeout again. The head timer makes the same check.
- **The edge extension.** Every request's scope carries its arrival time and a way to
  write a recorded cache hit in one piece (``edge.py``).
- **One error shape.** Those refusals, the parser's 400 and the 503 of
  ``limit_concurrency`` are problem+json (``refusals.py``), and end the connection.

The hooks are uvicorn's: ``data_received``, ``on_message_begin``, ``on_url``,
``on_headers_complete``, ``on_message_complete``, ``send_400_response``,
``timeout_keep_alive_handler`` and ``_start_asgi_task`` (where uvicorn hands its
``service_unavailable`` app over).
tests/server/ checks that they still exist and behave, so an upgrade that moves them
fails there.
"""

from __future__ import annotations

import asyncio
import select
from asyncio import Handle
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httptools
from uvicorn._types import ASGI3Application
from uvicorn.config import Config
from uvicorn.protocols.http import flow_control
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from api.config import Settings, get_settings
from api.http.response_cache.wire import EDGE
from api.server import refusals
from api.server.edge import EdgeRequest

# " HTTP/1.1\r\n" after the target, one space before it: the request line is the
# method, the target and these.
_LINE_FRAME = len("  HTTP/1.1\r\n")


@dataclass(frozen=True)
class HeadLimits:
    """How long a request head may be, and how long it may take to arrive."""

    request_line_bytes: int
    header_bytes: int
    timeout_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> HeadLimits:
        return cls(
            settings.max_request_line_bytes,
            settings.max_header_bytes,
            settings.header_timeout_seconds,
        )

    @property
    def head_bytes(self) -> int:
        return self.request_line_bytes + self.header_bytes


@lru_cache(maxsize=1)
def configured_limits() -> HeadLimits:
    """The limits of this process's settings (each worker reads the environment)."""
    return HeadLimits.from_settings(get_settings())


class _HeadRefusedError(Exception):
    """Raised in a parser callback to stop the parser; the refusal is ``_refusal``."""


class EdgeProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` with head caps, a head timeout and problem+json refusals."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        limits: HeadLimits | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = limits or configured_limits()
        self._in_head = True  # until the current request's headers are complete
        self._head_bytes = 0  # bytes of the current head fed to the parser
        self._line_bytes = 0  # the request line, as far as it has been parsed
        # When the current head must be complete (None between heads), and the one timer
        # of the connection, which finds the deadline moved on and waits for it again
        # (arming and cancelling a timer for every request would cost each request both).
        self._head_deadline: float | None = None
        self._head_timer: Handle | None = None
        self._refusal: tuple[int, str] | None = None  # set by a callback that stopped the parser
        self._refused = False  # a refusal was decided: nothing more is read

    # The connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """uvicorn's ``data_received``, feeding a head no further than its caps."""
        if self._refused:
            return
        self._unset_keepalive_if_required()
        if self._in_head and self._head_deadline is None:
            self._start_head()  # the next request's head begins on a kept-alive connection
        view = memoryview(data)
        while view:
            if self._in_head:
                room = self.limits.head_bytes - self._head_bytes + 1
                piece, view = view[:room], view[room:]
                self._head_bytes += len(piece)
            else:  # a body (the app ignores it) or the rest after a complete head
                piece, view = view, view[len(view) :]
            if not self._feed(piece):
                return
            if self._in_head and self._head_bytes - self._line_bytes > self.limits.header_bytes:
                self._refuse(431, self._too_many_header_bytes())
                return

    def _feed(self, piece: memoryview) -> bool:
        """Parse ``piece``; whether to go on (uvicorn's error handling, refusals added)."""
        try:
            self.parser.feed_data(piece)
        except httptools.HttpParserError:
            if self._refusal is not None:
                self._refuse(*self._refusal)
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return False
        except httptools.HttpParserUpgrade:  # as uvicorn: nothing more is parsed
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return False
        return self.parser is not None and not self.transport.is_closing()

    def timeout_keep_alive_handler(self) -> None:
        """uvicorn's keep-alive timeout, which closes the connection, once it is idle
        (module docs); until then it waits the whole timeout again."""
        transport = self.transport
        if not transport.is_closing() and (
            transport.get_write_buffer_size() or self._bytes_waiting()
        ):
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
            return
        super().timeout_keep_alive_handler()

    def _bytes_waiting(self) -> bool:
        """Whether the socket holds bytes from the client that have not been read yet
        (or its end: the loop's next read takes the connection down then)."""
        sock = self.transport.get_extra_info("socket")
        if sock is None:
            return False
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN)
        return bool(poller.poll(0))

    # Parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._line_bytes = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._line_bytes = len(self.parser.get_method()) + len(self.url) + _LINE_FRAME
        if self._line_bytes > self.limits.request_line_bytes:
            self._stop(414, f"The request line is over {self.limits.request_line_bytes} bytes.")

    def on_headers_complete(self) -> None:
        # A head that ended within the bytes fed: its header lines, "name: value\r\n".
        header_bytes = sum(len(name) + len(value) + 4 for name, value in self.headers)
        if header_bytes > self.limits.header_bytes:
            self._stop(431, self._too_many_header_bytes())
        self._in_head = False
        self._head_deadline = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True  # what follows on this connection is the next head
        self._head_bytes = 0
        self._line_bytes = 0

    # Refusals

    def _stop(self, status: int, detail: str) -> None:
        """In a parser callback: stop the parser; ``_feed`` then refuses the request."""
        self._refusal = (status, detail)
        raise _HeadRefusedError

    def _too_many_header_bytes(self) -> str:
        return f"The header section is over {self.limits.header_bytes} bytes."

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "The request is not valid HTTP/1.1.")

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        if app is flow_control.service_unavailable:  # limit_concurrency: uvicorn's 503
            app = refusals.service_unavailable
        # The request's arrival, and recorded cache hits in one piece (api/server/edge.py),
        # beside any extension uvicorn offers. (uvicorn types an extension's value as a
        # dict; this one is an object, the ``Edge`` of api/http/response_cache/wire.py.)
        extensions = cycle.scope.setdefault("extensions", {})
        extensions[EDGE] = EdgeRequest(cycle)  # type: ignore[assignment]
        super()._start_asgi_task(cycle, app)

    def _refuse(self, status: int, detail: str) -> None:
        """Answer ``status`` as a problem and close; read nothing more."""
        self._refused = True
        self._stop_head_timer()
        if status != 400:  # uvicorn logged the 400 already
            self.logger.warning("Request refused with %d: %s", status, detail)
        if self.cycle is not None and not self.cycle.response_complete:
            # A pipelined head behind a response still being written: finish that
            # response, then close instead of writing into the middle of it.
            self.cycle.keep_alive = False
            return
        if not self.transport.is_closing():
            default_headers = self.server_state.default_headers
            self.transport.write(refusals.raw_response(status, detail, default_headers))
            self.transport.close()

    # The head timer

    def _start_head(self) -> None:
        """A head begins: it must be complete within the timeout."""
        self._head_deadline = self.loop.time() + self.limits.timeout_seconds
        if self._head_timer is None:
            self._head_timer = self.loop.call_at(self._head_deadline, self._head_timer_fired)

    def _stop_head_timer(self) -> None:
        self._head_deadline = None
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timer_fired(self) -> None:
        self._head_timer = None
        deadline = self._head_deadline
        if deadline is None or self.transport.is_closing():
            return  # between heads: the next one arms the timer again
        if deadline > self.loop.time():  # a later head's deadline: wait for that
            self._head_timer = self.loop.call_at(deadline, self._head_timer_fired)
            return
        if self._bytes_waiting():  # sent in time, not read yet: the read decides
            self._head_timer = self.loop.call_soon(self._head_timer_fired)
            return
        self._head_timed_out()

    def _head_timed_out(self) -> None:
        if not self._in_head:
            return
        if self._head_bytes == 0:  # nothing of a request arrived: just close
            self.transport.close()
            return
        seconds = f"{self.limits.timeout_seconds:g}"
        self._refuse(408, f"The request head was not complete within {seconds} s.")
