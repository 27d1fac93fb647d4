"""Chart rendering: cold and warm render times (SVG, PNG) and the memory it costs.

    .venv/bin/python -m bench.charts [--database-url URL] [--repeat 7]

Against a seeded database (default: a fresh SQLite copy of the seed data in a temporary
folder). Two parts:

1. In this process, on the ``parameters`` chart's specification (every model with a
   value, the era fits, the records, the labels): a fresh rendering process is started
   and timed until warm; then the chart's first render (cold) and the median of
   ``--repeat`` more (warm), for SVG and PNG.
2. A real ``dle serve`` (one worker): the resident memory (VmRSS) of the worker after
   answering JSON requests only, of its rendering process once warm, and of both after
   drawing every chart of the catalogue; and the time of an uncached chart request
   (building the specification from the database, then rendering) against a cached one.

It prints a Markdown table and the machine's load average (the figures are only as quiet
as the machine). Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from api.charts.render import Renderer
from tests.live_server import free_port, run_dle, wait_for

ROOT = Path(__file__).resolve().parent.parent


def rss_kib(pid: int) -> int:
    """Resident memory of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def children(pid: int) -> list[int]:
    """The child processes of ``pid``."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def timed(function: Any, *args: Any) -> float:
    began = time.perf_counter()
    function(*args)
    return time.perf_counter() - began


def in_process(spec: dict[str, Any], repeat: int) -> dict[str, float]:
    renderer = Renderer()
    began = time.perf_counter()
    renderer.start()
    assert renderer.wait_ready(300), renderer.error
    out = {"runtime start (process + warm-up)": time.perf_counter() - began}
    for fmt in ("svg", "png"):
        out[f"{fmt}: first render of the chart (cold)"] = timed(renderer.render_sync, spec, fmt)
        warm = [timed(renderer.render_sync, spec, fmt) for _ in range(repeat)]
        out[f"{fmt}: warm render, median of {repeat}"] = statistics.median(warm)
    renderer.close()
    return out


def served(url: str, repeat: int) -> tuple[dict[str, float], dict[str, int]]:
    port = free_port()
    env = {**os.environ, "DLE_DATABASE_URL": url}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/dle"), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:

            def healthy() -> bool | None:
                try:
                    return client.get("/health").status_code == 200 or None
                except httpx.TransportError:
                    return None

            wait_for(healthy, timeout=120, what="/health")
            for path in ("/v1/models?limit=500", "/v1/trends/parameters/eras", "/v1/stats/summary"):
                client.get(path).raise_for_status()

            def warm() -> bool | None:
                return client.get("/v1/charts/timeline.svg?width=200").status_code == 200 or None

            wait_for(warm, timeout=300, what="the chart renderer")
            worker, renderer = server.pid, children(server.pid)[0]
            memory = {"worker, JSON only": rss_kib(worker), "renderer, warm": rss_kib(renderer)}
            times: dict[str, list[float]] = {"svg": [], "png": []}
            for i in range(repeat):
                for fmt in times:  # a new width each time: never answered from the cache
                    began = time.perf_counter()
                    client.get(f"/v1/charts/parameters.{fmt}?width={700 + i}").raise_for_status()
                    times[fmt].append(time.perf_counter() - began)
            began = time.perf_counter()
            client.get(f"/v1/charts/parameters.svg?width={700}").raise_for_status()
            cached = time.perf_counter() - began
            for chart in client.get("/v1/charts").json()["charts"]:
                for link in ("spec", "svg", "png"):
                    client.get(chart["links"][link]).raise_for_status()
            memory["worker, after every chart"] = rss_kib(worker)
            memory["renderer, after every chart"] = rss_kib(renderer)
            memory["worker + renderer, after every chart"] = (
                memory["worker, after every chart"] + memory["renderer, after every chart"]
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = {
        f"HTTP {fmt}, uncached (spec from the database + render), median of {repeat}": (
            statistics.median(values)
        )
        for fmt, values in times.items()
    }
    out["HTTP svg, cached"] = cached
    return out, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url
        if url is None:
            url = f"sqlite:///{folder}/bench.sqlite3"
            run_dle("migrate", database_url=url)
            run_dle("seed", database_url=url)
        from fastapi.testclient import TestClient

        from api.app import create_app
        from api.config import Settings

        with TestClient(create_app(Settings(database_url=url))) as client:
            spec = client.get("/v1/charts/parameters").json()
        load_before = os.getloadavg()
        timings = in_process(spec, args.repeat)
        http, memory = served(url, args.repeat)
        load_after = os.getloadavg()
    print("| measurement | seconds |\n| --- | --- |")
    for name, value in {**timings, **http}.items():
        print(f"| {name} | {value:.3f} |")
    print("\n| process | resident memory (MiB) |\n| --- | --- |")
    for name, kib in memory.items():
        print(f"| {name} | {kib / 1024:.0f} |")
    print(f"\n1-minute load average: {load_before[0]:.1f} before, {load_after[0]:.1f} after")


if __name__ == "__main__":
    main()
