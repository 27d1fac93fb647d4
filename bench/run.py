"""The published benchmark: one command, one run, ``docs/benchmarks.md``.

    bench/run.sh                 # installs the bench extra, then runs this
    .venv/bin/python bench/run.py [--quick] [--sizes 10000,100000,1000000]

Part one (``bench.compare``): requests per second, p50 and p99 of this service (one
worker; response cache on and off), Datasette and a bare FastAPI endpoint on the
same machine, with equivalent requests. Part two (``bench.scale``): load time,
database size, worker memory and latencies with 10 thousand to 1 million synthetic
models. Then the targets are checked and the document written, with profiles of
what limits the targets that are not met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import compare, scale
from bench.harness import ROOT, check_cores, ensure_tool
from bench.report import Context, render

OUTPUT = ROOT / "docs" / "benchmarks.md"
RAW = ROOT / "bench" / "results" / "raw"  # git-ignored: the measurements of each run
COMMAND = "bench/run.sh"


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _wait_for_quiet(max_seconds: float) -> str:
    """Wait (bounded) until the 1-minute load average drops below 0.5; report it."""
    deadline = time.monotonic() + max_seconds
    while float(_loadavg().split()[0]) >= 0.5 and time.monotonic() < deadline:
        time.sleep(5)
    return _loadavg()


_IMPORTS = """
import json, re, sys
def rss():
    text = open("/proc/self/status").read()
    return int(re.search(r"VmRSS:\\s+(\\d+) kB", text).group(1)) / 1024
steps = [("Python", rss())]
import fastapi, pydantic, sqlalchemy, sqlmodel, uvicorn
steps.append(("+ FastAPI, Pydantic, SQLAlchemy, uvicorn", rss()))
import numpy
steps.append(("+ NumPy", rss()))
import scipy.stats
steps.append(("+ scipy.stats", rss()))
import api.app
steps.append(("+ the application", rss()))
print(json.dumps(steps))
"""


def _import_costs() -> list[tuple[str, float]]:
    """Resident memory of a new interpreter as the worker's layers are imported."""
    output = subprocess.run(
        [sys.executable, "-c", _IMPORTS], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [(name, float(mb)) for name, mb in json.loads(output)]


def main(argv: list[str] | None = None) -> int:
    """Run both parts and write the document."""
    parser = argparse.ArgumentParser(description="Run the benchmark, write docs/benchmarks.md")
    parser.add_argument("--quick", action="store_true", help="short runs, 10k rows (a smoke test)")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each wrk run")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up before each run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per server and request")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=120.0,
        help="wait up to this many seconds for an idle machine first",
    )
    parser.add_argument(
        "--render", type=Path, help="only write the document from a saved run's measurements"
    )
    args = parser.parse_args(argv)
    if args.render:
        context, comparison, scaled = pickle.loads(args.render.read_bytes())
        args.output.write_text(render(context, comparison, scaled), encoding="utf-8")
        _log(f"wrote {args.output} from {args.render}")
        return 0
    if args.quick:
        args.sizes, args.seconds, args.warmup, args.rounds = "10000", 2.0, 1.0, 1

    check_cores()
    ensure_tool("wrk", "wrk")
    started = dt.datetime.now(dt.UTC)
    load_before = _wait_for_quiet(args.wait_quiet)
    _log(f"load average {load_before}")
    clock = time.perf_counter()
    comparison = compare.run(
        seconds=args.seconds,
        warmup_seconds=args.warmup,
        connections=args.connections,
        rounds=args.rounds,
        log=_log,
    )
    sizes = tuple(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="dle-scale-") as tmp:
        scaled = scale.run(
            sizes,
            Path(tmp),
            repeats=50 if args.quick else 200,
            budget_seconds=3.0 if args.quick else 10.0,
            log=_log,
        )
    elapsed = time.perf_counter() - clock
    command = COMMAND + (" --quick" if args.quick else "")
    if args.sizes != "10000,100000,1000000" and not args.quick:
        command += f" --sizes {args.sizes}"
    context = Context(
        command=command,
        started=started.strftime("%Y-%m-%d %H:%M UTC"),
        minutes=elapsed / 60,
        commit=_git("rev-parse", "--short", "HEAD")
        + (
            " (with local changes)" if _git("status", "--porcelain", "--untracked-files=no") else ""
        ),
        cpu=_cpu_model(),
        cores=os.cpu_count() or 0,
        kernel=platform.release(),
        python=platform.python_version(),
        versions={
            name: metadata.version(name)
            for name in ("fastapi", "starlette", "uvicorn", "sqlalchemy", "pydantic", "datasette")
        },
        sqlite=__import__("sqlite3").sqlite_version,
        load_before=load_before,
        load_after=_loadavg(),
        import_rss=_import_costs(),
    )
    RAW.mkdir(parents=True, exist_ok=True)
    raw = RAW / f"run-{started.strftime('%Y%m%dT%H%M%SZ')}.pickle"
    raw.write_bytes(pickle.dumps((context, comparison, scaled)))
    _log(f"measurements saved in {raw} (re-render with --render {raw})")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(context, comparison, scaled), encoding="utf-8")
    _log(f"wrote {args.output} in {elapsed / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
