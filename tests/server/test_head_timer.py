"""The head timeout costs a kept-alive connection one timer, not one per request."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from api.server.protocol import EdgeProtocol, HeadLimits
from tests.http.test_wire import Transport

REQUEST = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


async def _ok(scope: Any, receive: Any, send: Any) -> None:
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
    )
    await send({"type": "http.response.body", "body": b"ok"})


def test_requests_on_a_kept_alive_connection_share_one_head_timer() -> None:
    async def scenario() -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        armed: list[float] = []
        call_at = loop.call_at

        def counted(when: float, callback: Any, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
            if getattr(callback, "__name__", "") in {"_head_timer_fired", "_head_timed_out"}:
                armed.append(when)
            return call_at(when, callback, *args, **kwargs)

        loop.call_at = counted  # type: ignore[method-assign]
        config = Config(app=_ok, http="httptools", lifespan="off", access_log=False)
        config.load()
        protocol = EdgeProtocol(config, ServerState(), {}, loop, limits=HeadLimits(8192, 32768, 5))
        transport = Transport()
        protocol.connection_made(transport)  # type: ignore[arg-type]
        for _ in range(20):
            protocol.data_received(REQUEST)
            while protocol.cycle is None or not protocol.cycle.response_complete:
                await asyncio.sleep(0)
        protocol.connection_lost(None)
        loop.call_at = call_at  # type: ignore[method-assign]
        return len(armed), transport.written.count(b"HTTP/1.1 200 OK")

    armed, answered = asyncio.run(scenario())
    assert answered == 20
    assert armed == 1
