"""How the service behaves as the data grows: synthetic models, 10 thousand to 1 million.

For each size: generate the seed files (``bench.synthetic``), migrate a new SQLite
file and load it with the real loader (``seed.loader.load_seed``, in a child process
whose peak memory is recorded), then serve it with ``dle serve`` (one worker, CPU 0)
and time sequential requests from CPU 1 on one keep-alive connection:

* **cold**: the first request of each kind after the server started (no response
  cache entry, no remembered total; the operating system's file cache is as the load
  left it);
* **computed**: repeated requests with the response cache off
  (``DLE_CACHE_MAX_ENTRIES=0``): every request runs its queries (list totals are
  still remembered per data version, as in production);
* **cached**: repeated requests with the response cache on.

The resident memory of the worker is read from /proc after its requests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import synthetic
from bench.harness import (
    BIN,
    ROOT,
    Latencies,
    ProfileSummary,
    Server,
    free_port,
    get,
    measure_latency,
    profile,
    server,
    summarize_profile,
)

LIST = (
    "/v1/models?domain=Language&sort=-publication_date&limit=50"
    "&fields=name,publication_date,parameters,domains"
)
DEEP_BASE = "/v1/models?sort=-publication_date&limit=50&fields=name,publication_date,parameters"
FACETS = "/v1/models/facets?facet=domain&start=2020-01-01"
TREND = "/v1/trends/parameters?start=2010-01-01"
QUERIES = ("list", "cursor, depth 50", "cursor, deep", "facets", "trend")

_LOAD_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
from api.db.migrate import upgrade
from seed.loader import load_seed
url, seed_dir = sys.argv[1], Path(sys.argv[2])
upgrade(url)
started = time.perf_counter()
report = load_seed(url, seed_dir)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "models": report.counts["models"],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


@dataclass
class QueryTiming:
    """Latencies of one kind of request at one size."""

    path: str
    cold_ms: float
    computed: Latencies
    cached: Latencies
    cold_status: int


@dataclass
class SizeResult:
    """Everything measured at one size."""

    rows: int
    generate_seconds: float
    load_seconds: float
    loader_peak_rss_mb: float
    database_mb: float
    deep_depth: int
    rss_idle_mb: float = 0.0
    rss_computed_mb: float = 0.0
    rss_cached_mb: float = 0.0
    queries: dict[str, QueryTiming] = field(default_factory=dict)
    trend_profile: ProfileSummary | None = None


def _load(url: str, seed_dir: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", _LOAD_SCRIPT, url, str(seed_dir)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    loaded: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return loaded


def _paths(base: str, rows: int) -> dict[str, str]:
    """The request of each kind; cursors are taken from the server itself."""
    first = json.loads(get(base + DEEP_BASE)[2])
    depth = rows // 2
    before_deep = json.loads(get(base + f"{DEEP_BASE}&offset={depth - 50}")[2])
    return {
        "list": LIST,
        "cursor, depth 50": f"{DEEP_BASE}&cursor={first['next_cursor']}",
        "cursor, deep": f"{DEEP_BASE}&cursor={before_deep['next_cursor']}",
        "facets": FACETS,
        "trend": TREND,
    }


def measure_size(
    rows: int,
    workdir: Path,
    *,
    repeats: int,
    budget_seconds: float,
    log: Callable[[str], None],
    profile_trend: bool = False,
) -> SizeResult:
    """Generate, load and time one size (see the module documentation); with
    ``profile_trend``, also sample the server with py-spy while it computes trends."""
    seed_dir = workdir / f"seed-{rows}"
    database = workdir / f"scale-{rows}.sqlite3"
    url = f"sqlite:///{database}"
    log(f"{rows} rows: generating")
    started = time.perf_counter()
    synthetic.write_seed_dir(seed_dir, rows)
    generated = time.perf_counter() - started
    log(f"{rows} rows: loading")
    loaded = _load(url, seed_dir)
    if int(loaded["models"]) != rows:
        raise RuntimeError(f"loaded {loaded['models']} models, expected {rows}")
    result = SizeResult(
        rows=rows,
        generate_seconds=generated,
        load_seconds=loaded["seconds"],
        loader_peak_rss_mb=loaded["peak_rss_mb"],
        database_mb=database.stat().st_size / 1e6,
        deep_depth=rows // 2,
    )
    shutil.rmtree(seed_dir)
    command = [str(BIN / "dle"), "serve", "--workers", "1", "--no-access-log"]
    timings: dict[str, dict[str, object]] = {name: {} for name in QUERIES}
    paths: dict[str, str] = {}
    for mode, env in (("computed", {"DLE_CACHE_MAX_ENTRIES": "0"}), ("cached", {})):
        port = free_port()
        log(f"{rows} rows: {mode}")
        with server(
            f"scale-{rows}-{mode}",
            [*command, "--port", str(port)],
            port=port,
            env={"DLE_DATABASE_URL": url, **env},
            ready_path="/health",
            log_dir=workdir,
        ) as running:
            if mode == "computed":
                result.rss_idle_mb = running.rss_mb()
            if not paths:
                paths = _paths(running.base, rows)
            for name in QUERIES:
                begin = time.perf_counter()
                status, _, _ = get(running.base + paths[name])
                cold = (time.perf_counter() - begin) * 1000
                if mode == "computed":
                    timings[name].update(cold=cold, status=status)
                timings[name][mode] = measure_latency(
                    running.base, paths[name], count=repeats, budget_seconds=budget_seconds
                )
            rss = running.rss_mb()
            if mode == "computed":
                result.rss_computed_mb = rss
                if profile_trend:
                    result.trend_profile = _profile_trend(running, paths["trend"], workdir)
            else:
                result.rss_cached_mb = rss
    for name in QUERIES:
        timing = timings[name]
        result.queries[name] = QueryTiming(
            path=paths[name],
            cold_ms=float(timing["cold"]),  # type: ignore[arg-type]
            computed=timing["computed"],  # type: ignore[arg-type]
            cached=timing["cached"],  # type: ignore[arg-type]
            cold_status=int(timing["status"]),  # type: ignore[call-overload]
        )
    database.unlink()
    return result


def _profile_trend(running: Server, path: str, workdir: Path) -> ProfileSummary | None:
    """py-spy samples while the server computes the trend fit again and again."""
    raw = workdir / "trend-profile.txt"
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            get(running.base + path)

    thread = threading.Thread(target=load)
    thread.start()
    try:
        ok = profile(running.pid, 8, raw)
    finally:
        stop.set()
        thread.join()
    return summarize_profile(raw, top=15) if ok else None


def run(
    sizes: tuple[int, ...],
    workdir: Path,
    *,
    repeats: int,
    budget_seconds: float,
    log: Callable[[str], None],
) -> list[SizeResult]:
    """Measure every size, smallest first."""
    largest = max(sizes)
    return [
        measure_size(
            rows,
            workdir,
            repeats=repeats,
            budget_seconds=budget_seconds,
            log=log,
            profile_trend=rows == largest,
        )
        for rows in sorted(sizes)
    ]
