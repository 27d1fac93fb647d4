"""Server-side rendering of a Vega-Lite specification to SVG or PNG.

vl-convert renders offline: it embeds Vega and Vega-Lite (the versions the embed page
serves, ``api.pages.vendor``) in a JavaScript runtime of its own, with no browser and no
network (``allowed_base_urls=[]``: a specification can load nothing). Its runtime takes
seconds to start in a process and renders in tenths of a second afterwards, so
``Renderer.start`` warms it in a background thread when the application starts: the
server accepts requests meanwhile, and a rendering asked for before the runtime is warm
is a 503 problem with ``Retry-After`` at once instead of a request waiting for it.
Renderings run in worker threads, one at a time (the runtime renders one figure at a
time anyway), so the event loop never waits for one and queued renderings hold no
thread of the shared pool.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Final

import anyio
import anyio.to_thread
import vl_convert

from api.errors import ServiceUnavailableError

VL_VERSION: Final = "6.4"
RETRY_AFTER_SECONDS: Final = 2
_WARM_UP_SPEC: Final = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "data": {"values": [{"x": 1, "y": 10}, {"x": 2, "y": 1000}]},
    "mark": "point",
    "title": "warm-up",
    "encoding": {
        "x": {"field": "x", "type": "quantitative"},
        "y": {"field": "y", "type": "quantitative", "scale": {"type": "log"}},
    },
}

log = logging.getLogger(__name__)


def render_svg(spec: dict[str, Any]) -> bytes:
    """The SVG of ``spec`` (blocking)."""
    svg: str = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[])
    return svg.encode()


def render_png(spec: dict[str, Any]) -> bytes:
    """The PNG of ``spec``, its size in pixels (blocking)."""
    png: bytes = vl_convert.vegalite_to_png(spec, vl_version=VL_VERSION, allowed_base_urls=[])
    return png


class Renderer:
    """Renders specifications off the event loop once warmed (see the module docs)."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._limiter: anyio.CapacityLimiter | None = None
        self.warm_up_seconds: float | None = None
        self.error: str | None = None

    @property
    def ready(self) -> bool:
        """Whether the runtime is warm."""
        return self._ready.is_set()

    def start(self) -> None:
        """Warm the runtime in a background thread (returns at once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._warm, name="chart-warm-up", daemon=True)
            self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        """Block until warm (for tools and tests, never a request); whether it is."""
        return self._ready.wait(timeout)

    def _warm(self) -> None:
        began = time.perf_counter()
        try:
            render_svg(_WARM_UP_SPEC)
            render_png(_WARM_UP_SPEC)
        except Exception as error:  # the service still serves everything else
            self.error = f"{type(error).__name__}: {error}"
            log.exception("the chart renderer failed to start")
            return
        self.warm_up_seconds = time.perf_counter() - began
        self._ready.set()

    def check(self) -> None:
        """A 503 problem with ``Retry-After`` while the runtime is not warm."""
        if self.error is not None:
            raise ServiceUnavailableError(f"The chart renderer failed to start: {self.error}")
        if not self.ready:
            raise ServiceUnavailableError(
                "The chart renderer is starting; retry in a moment.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    async def render(self, spec: dict[str, Any], fmt: str) -> bytes:
        """``spec`` as ``svg`` or ``png``, rendered in a worker thread."""
        self.check()
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(1)
        function = render_svg if fmt == "svg" else render_png
        return await anyio.to_thread.run_sync(function, spec, limiter=self._limiter)
