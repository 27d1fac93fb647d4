"""Throughput of the list endpoint on SQLite and PostgreSQL, with one and two workers.

    .venv/bin/python bench/throughput_workers.py            # writes docs/benchmarks-workers.md

In one run: the full seed data is loaded into a fresh SQLite file and a fresh
PostgreSQL database; for each backend and worker count, ``dle serve`` starts on a free
port of 127.0.0.1, ``wrk`` warms it up, then measures ``GET /v1/models?limit=50`` for a
fixed duration at a fixed concurrency. Each configuration is measured with the response
cache on (the default) and off (``DLE_CACHE_MAX_ENTRIES=0``: every request queries the
database). The server and wrk share the machine's cores; nothing is pinned, since the
point is what a second worker adds.

Needs wrk (installed with apt-get when missing and running as root) and a PostgreSQL
server: ``DLE_BENCH_POSTGRES_URL`` (default: the local server as postgres).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

if __package__ in (None, ""):  # run as a script: python bench/throughput_workers.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import parse_wrk

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "benchmarks-workers.md"
PATH = "/v1/models?limit=50"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Result:
    backend: str
    workers: int
    cache: bool
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian's packages if it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: apt-get install -y wrk")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is still missing after apt-get install")
    return found


def dle(*args: str, url: str) -> None:
    command = [str(Path(sys.executable).with_name("dle")), *args]
    subprocess.run(
        command,
        env={**os.environ, "DLE_DATABASE_URL": url},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("dle serve exited during start-up")
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sys.exit(f"dle serve did not become ready within {timeout} s")


def measure(
    wrk: str, url: str, backend: str, workers: int, cache: bool, args: argparse.Namespace
) -> Result:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The benchmark's PostgreSQL databases belong to the server's superuser.
    env = {**os.environ, "DLE_DATABASE_URL": url, "DLE_ALLOW_WRITABLE_ROLE": "true"}
    if not cache:
        env["DLE_CACHE_MAX_ENTRIES"] = "0"
    command = [str(Path(sys.executable).with_name("dle")), "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_ready(base, process)
        check = httpx.get(base + PATH, timeout=10)
        check.raise_for_status()
        assert len(check.json()["items"]) == 50, "the page must hold 50 models"
        load = [wrk, "-t", str(args.threads), "-c", str(args.connections), "--timeout", "10s"]
        subprocess.run([*load, "-d", args.warmup, base + PATH], check=True, capture_output=True)
        done = subprocess.run(
            [*load, "-d", args.duration, "--latency", base + PATH],
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
    wrk_result = parse_wrk(done.stdout)
    rps, p50, p99 = wrk_result.requests_per_second, wrk_result.p50_ms, wrk_result.p99_ms
    total, errors = wrk_result.requests, wrk_result.errors
    result = Result(backend, workers, cache, rps, p50, p99, total, errors)
    print(
        f"{backend:10} workers={workers} cache={'on' if cache else 'off':3} "
        f"{rps:9.1f} req/s  p50 {p50:.2f} ms  p99 {p99:.2f} ms  errors {errors}",
        flush=True,
    )
    return result


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def describe_machine(load_before: str) -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "api", "seed", "migrations"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if commit and dirty:
        commit += " plus uncommitted changes to the package"
    return [
        f"- Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}",
        f"- Load average (1, 5, 15 min) just before the run: {load_before} (anything above 0"
        " is other work competing for the cores; the run's own load is not included)",
        f"- Python {platform.python_version()}; {wrk_version.splitlines()[0].strip()}",
        f"- Commit {commit or 'unknown'}; run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
    ]


def write_report(
    results: list[Result], args: argparse.Namespace, postgres_version: str, load_before: str
) -> None:
    def cell(backend: str, workers: int, cache: bool) -> Result:
        return next(
            r for r in results if (r.backend, r.workers, r.cache) == (backend, workers, cache)
        )

    lines = [
        "# Throughput with one and two workers, SQLite and PostgreSQL",
        "",
        f"`GET {PATH}` (the default sort, 50 models of the full data set), measured with wrk:",
        f"{args.connections} connections, {args.threads} threads, {args.warmup} warm-up, then "
        f"{args.duration}. Server and load generator share the machine's cores (unpinned).",
        "Cache on: the default configuration (repeated requests are answered from the",
        "response cache). Cache off: `DLE_CACHE_MAX_ENTRIES=0`, every request queries the",
        "database.",
        "",
        "On a machine with few cores, wrk, the workers and (for PostgreSQL) the database",
        "server share them: a second worker can only add the CPU time the others leave",
        "free, and runs on a busy shared machine vary by tens of percent. Compare rows of",
        "one run, not runs.",
        "",
        "Produced by `.venv/bin/python bench/throughput_workers.py` "
        f"(`--duration {args.duration} --warmup {args.warmup} "
        f"--connections {args.connections}`), all rows in one run.",
        "",
        *describe_machine(load_before),
        f"- PostgreSQL: {postgres_version} (local, over TCP on 127.0.0.1)",
        "",
        "| backend | cache | workers | requests/s | p50 ms | p99 ms | requests | errors |"
        " 2 workers / 1 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for backend in ("sqlite", "postgresql"):
        for cache in (True, False):
            one = cell(backend, 1, cache)
            for workers in (1, 2):
                r = cell(backend, workers, cache)
                ratio = (
                    f"{r.requests_per_second / one.requests_per_second:.2f}" if workers == 2 else ""
                )
                lines.append(
                    f"| {backend} | {'on' if cache else 'off'} | {workers} | "
                    f"{r.requests_per_second:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
                    f"{r.requests:,} | {r.errors} | {ratio} |"
                )
    lines.append("")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--warmup", default="2s")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    wrk = ensure_wrk()
    load_before = _load()
    server = os.environ.get("DLE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"dle_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        postgres_version = str(connection.execute(text("SHOW server_version")).scalar())
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    work = Path(tempfile.mkdtemp(prefix="dle-bench-workers-"))
    urls = {
        "sqlite": f"sqlite:///{work / 'bench.sqlite3'}",
        "postgresql": make_url(server).set(database=name).render_as_string(hide_password=False),
    }
    try:
        for url in urls.values():
            dle("migrate", url=url)
            dle("seed", url=url)
        results = [
            measure(wrk, url, backend, workers, cache, args)
            for backend, url in urls.items()
            for cache in (True, False)
            for workers in (1, 2)
        ]
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(work, ignore_errors=True)
    write_report(results, args, postgres_version, load_before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
