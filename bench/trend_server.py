"""A running API on a freshly seeded temporary database, for the scripts that write the
trend documents (docs/backtests.md, docs/reproductions.md) from the API's own answers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.harness import ROOT, free_port, get


def _dle() -> list[str]:
    script = Path(sys.executable).with_name("dle")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


class Api:
    """GET JSON from the running server."""

    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        """The JSON body of ``path?params``; fails loudly on anything but 200."""
        query = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
        url = f"{self.base}{path}" + (f"?{query}" if query else "")
        status, _, body = get(url, timeout=120)
        if status != 200:
            raise RuntimeError(f"{url}: {status} {body[:300]!r}")
        result: dict[str, Any] = json.loads(body)
        return result


@contextmanager
def seeded_api() -> Iterator[Api]:
    """Migrate and seed a temporary SQLite database, serve it, yield a client, stop."""
    with tempfile.TemporaryDirectory(prefix="dle-docs-") as tmp:
        url = f"sqlite:///{tmp}/seeded.db"
        env = {**os.environ, "DLE_DATABASE_URL": url}
        for command in (["migrate"], ["seed"]):
            subprocess.run([*_dle(), *command], env=env, cwd=ROOT, check=True, capture_output=True)
        port = free_port()
        log = Path(tmp) / "serve.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [*_dle(), "serve", "--port", str(port), "--log-level", "warning"],
                env=env,
                cwd=ROOT,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            api = Api(f"http://127.0.0.1:{port}")
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"dle serve exited: {log.read_text()[-2000:]}")
                try:
                    if get(f"{api.base}/ready", timeout=5)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("dle serve did not become ready within 120 s")
                time.sleep(0.2)
            yield api
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
