"""Real ``dle serve`` processes for end-to-end tests: free port, start, wait, stop.

The server binds 127.0.0.1 on a port the OS picked, logs to a file (shown when a test
fails), and is stopped when the context ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS chose it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def dle_command() -> list[str]:
    """The installed ``dle`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("dle")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "api.cli"]


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Poll ``check`` until it returns something other than None, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def run_dle(*args: str, database_url: str, timeout: float = 120) -> str:
    """Run a ``dle`` command against ``database_url``; its output, or fail with stderr."""
    done = subprocess.run(
        [*dle_command(), *args],
        env={**os.environ, "DLE_DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"dle {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


@dataclass
class LiveServer:
    """A running ``dle serve`` process."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        """Whether the server process is still running."""
        return self.process.poll() is None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # the server runs in its own process group: take its workers down with it
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextmanager
def live_server(
    database_url: str,
    log_dir: Path,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    startup_timeout: float = 60,
) -> Iterator[LiveServer]:
    """Start ``dle serve`` on a free port and wait until ``/health`` answers."""
    port = free_port()
    log_path = log_dir / f"dle-serve-{port}.log"
    command = [
        *dle_command(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env={**os.environ, "DLE_DATABASE_URL": database_url, **(env or {})},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(process, f"http://127.0.0.1:{port}", log_path)
    try:

        def healthy() -> bool | None:
            if not server.alive():
                raise AssertionError(f"dle serve exited early:\n{server.log()}")
            try:
                return httpx.get(f"{server.base_url}/health", timeout=2).status_code == 200 or None
            except httpx.TransportError:
                return None

        wait_for(healthy, timeout=startup_timeout, what="dle serve to answer /health")
        yield server
    except BaseException:
        sys.stderr.write(f"--- dle serve log ({log_path}) ---\n{server.log()}\n")
        raise
    finally:
        _stop(process)
