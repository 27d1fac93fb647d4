"""EdgeProtocol's hooks into uvicorn: still where the override expects them.

The live tests (test_edge.py) check the behaviour; these name what an uvicorn upgrade
could move, so that the failure says which hook is gone.
"""

from __future__ import annotations

import inspect

from uvicorn.protocols.http import flow_control, httptools_impl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.config import Settings
from api.server import refusals
from api.server.protocol import EdgeProtocol, HeadLimits
from api.server.run import APP, uvicorn_options

HOOKS = {
    "connection_made": ["self", "transport"],
    "connection_lost": ["self", "exc"],
    "data_received": ["self", "data"],
    "on_message_begin": ["self"],
    "on_url": ["self", "url"],
    "on_headers_complete": ["self"],
    "on_message_complete": ["self"],
    "send_400_response": ["self", "msg"],
    "_start_asgi_task": ["self", "cycle", "app"],
    "_unset_keepalive_if_required": ["self"],
    "timeout_keep_alive_handler": ["self"],
    "_should_upgrade": ["self"],
    "handle_websocket_upgrade": ["self"],
    "_unsupported_upgrade_warning": ["self"],
}


def test_the_overridden_and_used_methods_exist_in_uvicorn() -> None:
    for name, parameters in HOOKS.items():
        method = getattr(HttpToolsProtocol, name, None)
        assert method is not None, f"uvicorn's HttpToolsProtocol has no {name} any more"
        assert list(inspect.signature(method).parameters) == parameters, name


def test_uvicorn_still_answers_the_concurrency_limit_with_service_unavailable() -> None:
    # EdgeProtocol recognises uvicorn's 503 app by identity in _start_asgi_task.
    assert httptools_impl.service_unavailable is flow_control.service_unavailable
    source = inspect.getsource(HttpToolsProtocol.on_headers_complete)
    assert "app = service_unavailable" in source
    assert "self._start_asgi_task(self.cycle, app)" in source


def test_the_protocol_keeps_the_state_it_reads() -> None:
    # Per-request attributes of HttpToolsProtocol that EdgeProtocol reads.
    source = inspect.getsource(HttpToolsProtocol.__init__) + inspect.getsource(
        HttpToolsProtocol.on_message_begin
    )
    attributes = ("self.parser", "self.cycle", "self.headers", "self.url", "self.loop")
    for attribute in (*attributes, "self.timeout_keep_alive_task", "self.timeout_keep_alive"):
        assert attribute in source, attribute


def test_limits_come_from_the_settings() -> None:
    settings = Settings(
        max_request_line_bytes=1000, max_header_bytes=5000, header_timeout_seconds=2.5
    )
    limits = HeadLimits.from_settings(settings)
    assert limits == HeadLimits(1000, 5000, 2.5)
    assert limits.head_bytes == 6000


def test_uvicorn_gets_the_protocol_and_the_connection_bounds() -> None:
    settings = Settings(max_connections=100, backlog=64, keep_alive_timeout_seconds=7)
    options = uvicorn_options(settings, host="0.0.0.0", port=8000, workers=2)
    assert options["http"] is EdgeProtocol
    assert issubclass(EdgeProtocol, HttpToolsProtocol)
    assert options["limit_concurrency"] == 100
    assert options["backlog"] == 64
    assert options["timeout_keep_alive"] == 7
    assert options["proxy_headers"] is False  # api/http/forwarded.py reads them
    assert options["server_header"] is False
    assert APP == "api.app:app"


def test_the_raw_refusal_is_a_problem_with_the_security_headers() -> None:
    raw = refusals.raw_response(431, "too big", [(b"date", b"Thu, 01 Jan 2026 00:00:00 GMT")])
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 431 Request Header Fields Too Large"
    headers = dict(line.split(b": ", 1) for line in lines[1:])
    assert headers[b"content-type"] == b"application/problem+json"
    assert headers[b"connection"] == b"close"
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"date"].startswith(b"Thu")
    assert int(headers[b"content-length"]) == len(body)
    assert body == (
        b'{"type":"about:blank","title":"Request Header Fields Too Large",'
        b'"status":431,"detail":"too big"}'
    )
