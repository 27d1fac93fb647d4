"""The load test: a realistic mix against ``dle serve --workers 2``, with re-seeds mid-run.

    python bench/load.py                      # both backends, both variants, 60 s each
    python bench/load.py --seconds 10 --backends sqlite --output /tmp/load.md   # a quick look

For each backend (SQLite, PostgreSQL) and each variant of bench/load_mix.py (``mix``:
realistic requests, mostly cache hits; ``busting``: random valid numbers in every
request, mostly misses), it starts ``dle serve --workers 2`` on a freshly migrated
and seeded database and runs ``wrk`` (64 connections, 60 s by default). During the
run, in this process:

- a re-seeder alternates ``dle seed`` between the shipped data and a copy with a few
  models fewer (another data version), every ``--reseed-every`` seconds;
- a checker asks for a list page again and again and checks that the data version of
  the header, the data version of the body and the total agree (one data version per
  answer, never a mixture);
- a sampler reads the resident memory of the worker processes twice a second.

The verdicts: zero socket errors, zero 5xx (and no other non-2xx: every request of the
mix is valid), every re-seed landed, zero mixed answers, and each worker's memory at
the end within 10% of its plateau (its resident memory halfway through the run). The
results go to ``docs/benchmarks-load.md``; raw figures to ``bench/results/raw/``.
The server, wrk and this process share the machine's cores (no pinning: this is a
robustness test, not a throughput benchmark).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ensure_tool, free_port, parse_wrk
from bench.load_mix import Template, busting_mix, expand, fixed_mix, render_lua
from bench.load_report import render

ROOT = Path(__file__).resolve().parent.parent
DLE = str(Path(sys.executable).with_name("dle"))
SEED_DIR = ROOT / "seed" / "data"
MODELS_CSV = "epoch_notable_ai_models.csv"
DROPPED_MODELS = 7


def second_seed(work: Path) -> Path:
    """A copy of the shipped seed with a few models fewer (none a milestone links to)."""
    target = work / "seed-b"
    shutil.copytree(SEED_DIR, target)
    milestones = (SEED_DIR / "milestones.toml").read_text(encoding="utf-8").lower()
    with (SEED_DIR / MODELS_CSV).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    kept, dropped = [], 0
    for row in reversed(body):  # the oldest models, which no milestone names
        words = re.sub(r"[^a-z0-9]+", "-", row[0].lower()).strip("-")
        if dropped < DROPPED_MODELS and words and words not in milestones:
            dropped += 1
            continue
        kept.append(row)
    with (target / MODELS_CSV).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *reversed(kept)])
    return target


def dle(*args: str, url: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a dle command against ``url``."""
    return subprocess.run(
        [DLE, *args],
        env={**os.environ, "DLE_DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextmanager
def database(backend: str, work: Path, postgres_url: str) -> Iterator[str]:
    """A new empty database of ``backend``, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{work / f'load-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dle_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (uvicorn's workers, spawned by multiprocessing)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` in MiB, None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else None


def workers_of(server: subprocess.Popen[str]) -> list[int]:
    """The worker processes (those that import the app; not multiprocessing helpers)."""
    pids = []
    for pid in descendants(server.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"resource_tracker" not in command:
            pids.append(pid)
    return pids


class Background:
    """The re-seeder, the consistency checker and the memory sampler of one run."""

    def __init__(self, base: str, url: str, seeds: list[tuple[Path, int]], every: float):
        self.base, self.url, self.seeds, self.every = base, url, seeds, every
        self.stop = threading.Event()
        self.started = time.monotonic()
        self.reseeds: list[dict[str, Any]] = []
        self.checks = 0
        self.mixed: list[str] = []
        self.check_errors: list[str] = []
        self.versions: dict[str, int] = {}
        self.memory: list[tuple[float, int, float]] = []
        self.workers: list[int] = []
        self.totals = {total for _, total in seeds}

    def _reseed(self) -> None:
        turn = 1
        while not self.stop.wait(self.every):
            seed_dir, _ = self.seeds[turn % len(self.seeds)]
            began = time.monotonic()
            done = dle("seed", "--seed-dir", str(seed_dir), url=self.url, timeout=120)
            last = (done.stdout.strip().splitlines() or [""])[0]
            self.reseeds.append(
                {
                    "at_s": round(began - self.started, 1),
                    "seconds": round(time.monotonic() - began, 2),
                    "exit": done.returncode,
                    "output": last if done.returncode == 0 else done.stderr.strip()[-300:],
                }
            )
            turn += 1

    def _check(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.is_set():
                try:
                    response = client.get("/v1/models", params={"limit": 1, "fields": "slug"})
                except httpx.HTTPError as exc:
                    self.check_errors.append(type(exc).__name__)
                    continue
                self.checks += 1
                if response.status_code != 200:
                    self.check_errors.append(str(response.status_code))
                    continue
                body = response.json()
                header = response.headers.get("x-data-version")
                version = body["meta"]["data_version"]
                self.versions[version] = self.versions.get(version, 0) + 1
                total = body["total"]
                if header != version or total not in self.totals:
                    self.mixed.append(f"header {header}, body {version}, total {total}")
                elif response.headers.get("x-total-count") != str(total):
                    self.mixed.append(f"X-Total-Count {response.headers.get('x-total-count')}")

    def _sample(self) -> None:
        while not self.stop.wait(0.5):
            at = time.monotonic() - self.started
            for pid in self.workers:
                value = rss_mb(pid)
                if value is not None:
                    self.memory.append((at, pid, value))

    def __enter__(self) -> Background:
        self.threads = [
            threading.Thread(target=target, daemon=True)
            for target in (self._reseed, self._check, self._sample)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=180)


def memory_verdict(samples: list[tuple[float, int, float]], seconds: float) -> dict[str, Any]:
    """Per worker: plateau (resident memory halfway), end, peak, and end / plateau."""
    out: dict[str, Any] = {}
    for pid in sorted({pid for _, pid, _ in samples}):
        own = [(at, value) for at, p, value in samples if p == pid]
        mid = min(own, key=lambda item: abs(item[0] - seconds / 2))[1]
        end = own[-1][1]
        out[str(pid)] = {
            "plateau_mb": round(mid, 1),
            "end_mb": round(end, 1),
            "peak_mb": round(max(value for _, value in own), 1),
            "ratio": round(end / mid, 3),
        }
    return out


# The busting variant fills the response cache with distinct answers; a bound it reaches
# within the run shows memory levelling off (the default, 64 MiB a worker, would take
# longer than a run to fill at the rate two cores compute misses).
BUSTING_CACHE_BYTES = 16 * 1024 * 1024


def server_env(variant: str) -> dict[str, str]:
    """Settings of the server for ``variant`` (the defaults, but for the busting cache)."""
    env = {"DLE_ALLOW_WRITABLE_ROLE": "true"}
    if variant == "busting":
        env["DLE_CACHE_MAX_BYTES"] = str(BUSTING_CACHE_BYTES)
    return env


def check_mix(base: str, mix: list[Template]) -> None:
    """Every request of the mix answers 200 before the load starts."""
    with httpx.Client(base_url=base, timeout=60) as client:
        for template in mix:
            path = expand(template)
            status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"the mix holds a request that answers {status}: {path}")


def run_one(
    wrk: str, backend: str, variant: str, url: str, seeds: list[tuple[Path, int]], args: Any
) -> dict[str, Any]:
    """One server, one variant, one wrk run with the background threads."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = args.raw_dir / f"load-{backend}-{variant}.log"
    command = [DLE, "serve", "--port", str(port), "--workers", str(args.workers)]
    command += ["--no-access-log", "--log-level", "warning"]
    with log.open("w") as handle:
        server = subprocess.Popen(
            command,
            # The benchmark's PostgreSQL databases belong to the server's superuser.
            env={**os.environ, **server_env(variant), "DLE_DATABASE_URL": url},
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"dle serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=60) as client:
            mix = fixed_mix(client) if variant == "mix" else busting_mix()
        check_mix(base, mix)
        script = args.raw_dir / f"load-{variant}.lua"
        script.write_text(render_lua(mix))
        load = [wrk, f"-t{args.threads}", f"-c{args.connections}", "--timeout", "10s"]
        load += ["-s", str(script)]
        if args.warmup:  # caches, pools and the thread pool fill before the measured run
            subprocess.run([*load, f"-d{args.warmup}s", base], capture_output=True, check=True)
        load += [f"-d{args.seconds}s", "--latency", base]
        with Background(base, url, seeds, args.reseed_every) as background:
            background.workers = workers_of(server)
            output = subprocess.run(load, capture_output=True, text=True, check=True).stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    wrk_result = parse_wrk(output)
    counts_line = re.search(r"LOADMIX (\{.*\})", output)
    statuses = json.loads(counts_line.group(1)) if counts_line else {}
    sockets = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    log_text = log.read_text()
    return {
        "backend": backend,
        "variant": variant,
        "requests": wrk_result.requests,
        "requests_per_second": round(wrk_result.requests_per_second, 1),
        "p50_ms": round(wrk_result.p50_ms, 2),
        "p99_ms": round(wrk_result.p99_ms, 2),
        "statuses": statuses,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
        "reseeds": background.reseeds,
        "checks": background.checks,
        "check_errors": background.check_errors,
        "mixed": background.mixed,
        "versions_seen": background.versions,
        "memory": memory_verdict(background.memory, args.seconds),
        "tracebacks_in_log": log_text.count("Traceback"),
        "mix_size": len(mix),
        "wrk": output,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=20, help="seconds of unmeasured load")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reseed-every", type=float, default=12.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--variants", default="mix,busting")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "DLE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks-load.md")
    parser.add_argument("--raw-dir", type=Path, default=ROOT / "bench" / "results" / "raw")
    args = parser.parse_args()
    args.raw_dir.mkdir(parents=True, exist_ok=True)
    wrk = ensure_tool("wrk", "wrk")
    began = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="dle-load-") as tmp:
        work = Path(tmp)
        seed_b = second_seed(work)
        with (SEED_DIR / MODELS_CSV).open(newline="", encoding="utf-8") as handle:
            full = sum(1 for _ in csv.reader(handle)) - 1
        seeds = [(SEED_DIR, full), (seed_b, full - DROPPED_MODELS)]
        for backend in args.backends.split(","):
            for variant in args.variants.split(","):
                with database(backend, work, args.postgres_url) as url:
                    for step in (("migrate",), ("seed", "--seed-dir", str(SEED_DIR))):
                        done = dle(*step, url=url)
                        if done.returncode != 0:
                            raise SystemExit(f"dle {step[0]} failed: {done.stderr}")
                    print(f"{backend} / {variant}: {args.seconds} s ...", flush=True)
                    result = run_one(wrk, backend, variant, url, seeds, args)
                    results.append(result)
                    print(json.dumps({k: v for k, v in result.items() if k != "wrk"}), flush=True)
    meta = {
        "started": began.strftime("%Y-%m-%d %H:%M UTC"),
        "minutes": round((dt.datetime.now(dt.UTC) - began).total_seconds() / 60, 1),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "args": {k: str(v) for k, v in vars(args).items() if k not in ("postgres_url",)},
    }
    raw = args.raw_dir / f"load-{began.strftime('%Y%m%dT%H%M%S')}.json"
    raw.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    args.output.write_text(render(meta, results))
    print(f"wrote {args.output} (raw: {raw})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
