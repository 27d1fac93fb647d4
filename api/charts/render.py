"""Server-side rendering of a Vega-Lite specification to SVG or PNG.

vl-convert renders offline: it embeds Vega and Vega-Lite (the versions the embed page
serves, ``api.pages.vendor``) in a JavaScript runtime of its own, with no browser and no
network (a specification may load nothing). It holds the interpreter lock while it
renders, so it runs in a process of its own (``api.charts.worker``), one per server
worker, and a request waits for its image on a pipe in a worker thread: the event loop
never waits for a rendering.

Its runtime takes seconds to start and renders in tenths of a second afterwards, so
``Renderer.start`` starts the process when the application starts, in the background:
the server accepts requests meanwhile, and an image asked for before the runtime is warm
is a 503 problem with ``Retry-After`` at once, instead of a request waiting for a runtime
to start. Renderings run one at a time (the runtime draws one figure at a time anyway),
so queued ones hold no thread of the shared pool. If the process dies, the request that
saw it gets a 503 and a new process is started.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, Final

import anyio
import anyio.to_thread
import orjson

from api.charts.worker import read_message, write_message
from api.errors import ServiceUnavailableError

RETRY_AFTER_SECONDS: Final = 2
_PROJECT: Final = str(Path(__file__).resolve().parents[2])
_KINDS: Final = {"svg": b"s", "png": b"p"}

log = logging.getLogger(__name__)


class RenderError(Exception):
    """The runtime could not render a specification."""


class Renderer:
    """A rendering process, warmed in the background (see the module docs)."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._starting = False
        self._limiter: anyio.CapacityLimiter | None = None
        self.warm_up_seconds: float | None = None
        self.error: str | None = None

    @property
    def ready(self) -> bool:
        """Whether the runtime is warm."""
        return self._ready.is_set()

    @property
    def pid(self) -> int | None:
        """The rendering process's id (for measurements)."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start and warm the rendering process in a background thread (returns at once)."""
        with self._lock:
            if self._starting or self._ready.is_set():
                return
            self._starting = True
        threading.Thread(target=self._spawn, name="chart-renderer", daemon=True).start()

    def wait_ready(self, timeout: float) -> bool:
        """Block until warm (for tools and tests, never a request); whether it is."""
        return self._ready.wait(timeout)

    def _spawn(self) -> None:
        began = time.perf_counter()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([_PROJECT, os.environ.get("PYTHONPATH", "")]),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "api.charts.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert process.stdout is not None
        message = read_message(process.stdout)
        with self._lock:
            self._starting = False
            if message is None or message[0] != b"R":
                self.error = f"the rendering process exited with {process.wait()}"
                log.error("the chart renderer failed to start: %s", self.error)
                return
            self._process = process
            self.error = None
            self.warm_up_seconds = time.perf_counter() - began
            self._ready.set()

    def close(self) -> None:
        """Stop the rendering process (at shutdown)."""
        with self._lock:
            process, self._process = self._process, None
            self._ready.clear()
        if process is not None:
            _stop(process)

    def check(self) -> None:
        """A 503 problem with ``Retry-After`` while the runtime is not warm."""
        if not self.ready:
            state = "failed to start" if self.error else "is starting"
            raise ServiceUnavailableError(
                f"The chart renderer {state}; retry in a moment.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    def render_sync(self, spec: dict[str, Any], fmt: str) -> bytes:
        """``spec`` as ``svg`` or ``png`` (blocking: call it from a worker thread)."""
        with self._lock:
            process = self._process
            if process is None or process.stdin is None or process.stdout is None:
                raise RenderError("the chart renderer is not running")
            try:
                write_message(process.stdin, _KINDS[fmt], orjson.dumps(spec))
                answer = read_message(process.stdout)
            except OSError:
                answer = None
            if answer is None:  # the process died: start another one
                self._process = None
                self._ready.clear()
        if answer is None:
            _stop(process)
            self.start()
            raise RenderError("the chart renderer stopped; a new one is starting")
        kind, body = answer
        if kind != b"O":
            raise RenderError(body.decode(errors="replace"))
        return body

    async def render(self, spec: dict[str, Any], fmt: str) -> bytes:
        """``spec`` as ``svg`` or ``png``, waited for in a worker thread."""
        self.check()
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(1)
        try:
            return await anyio.to_thread.run_sync(
                self.render_sync, spec, fmt, limiter=self._limiter
            )
        except RenderError as error:
            raise ServiceUnavailableError(
                f"The chart could not be rendered: {error}",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            ) from error


def _stop(process: subprocess.Popen[bytes]) -> None:
    stdin: IO[bytes] | None = process.stdin
    if stdin is not None:
        with contextlib.suppress(OSError):
            stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
