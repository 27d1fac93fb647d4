"""Time of `./scripts/serve` from launch until GET /ready answers 200 (stdlib only).

For each variant, a temporary `git clone` of this repository (a fresh .venv): the first
start (creates .venv and installs), then --runs second starts with nothing changed.
Variants: this checkout's HEAD ("new") and --old-commit ("old", the scripts before the
lock and the install stamp). Every server is stopped by terminating its process group;
every wait is bounded.

    python3 bench/serve_start.py --runs 5 --write docs/benchmarks-setup.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, then SIGKILL after a bounded wait."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def start_time(clone: Path, port: int, timeout: float, log: Path) -> float:
    """Seconds from launching ./scripts/serve until /ready answers 200."""
    assert not ready(port), f"port {port} already answers"
    with log.open("ab") as out:
        began = time.perf_counter()
        process = subprocess.Popen(
            ["./scripts/serve", "--port", str(port)],
            cwd=clone,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while time.perf_counter() - began < timeout:
                if ready(port):
                    return time.perf_counter() - began
                if process.poll() is not None:
                    raise RuntimeError(f"./scripts/serve exited {process.returncode}; see {log}")
                time.sleep(0.05)
            raise RuntimeError(f"/ready did not answer within {timeout} s; see {log}")
        finally:
            stop(process)


def measure(name: str, commit: str, runs: int, port: int, timeout: float) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"dle-serve-start-{name}-"))
    try:
        clone = work / "repo"
        git("clone", "--quiet", str(ROOT), str(clone))
        git("checkout", "--quiet", commit, cwd=clone)
        log = work / "serve.log"
        first = start_time(clone, port, timeout, log)
        print(f"{name}: first start {first:.2f} s", file=sys.stderr)
        second = []
        for i in range(runs):
            second.append(start_time(clone, port + 1 + i, timeout, log))
            print(f"{name}: second start {second[-1]:.2f} s", file=sys.stderr)
        # The install step alone (what the scripts run before `dle`), nothing changed.
        install = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(
                ["bash", "-c", 'EXTRAS="" source scripts/_venv.sh'],
                cwd=clone,
                check=True,
                capture_output=True,
                timeout=timeout,
            )
            install.append(time.perf_counter() - began)
        print(f"{name}: install step {statistics.median(install):.2f} s", file=sys.stderr)
        return {
            "variant": name,
            "commit": git("rev-parse", "--short", commit),
            "first_s": round(first, 2),
            "second_s": [round(s, 2) for s in second],
            "second_median_s": round(statistics.median(second), 2),
            "install_step_median_s": round(statistics.median(install), 2),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def markdown(results: list[dict[str, object]], runs: int) -> str:
    lines = [
        "# Benchmark: time to a served `/ready` with `./scripts/serve`",
        "",
        "From launching `./scripts/serve --port N` until `GET /ready` answers 200, in a",
        "temporary `git clone` of the repository: the first start (fresh `.venv`: creates it,",
        f"installs, migrates, seeds), then the median of {runs} second starts with nothing",
        "changed. `old` is the scripts before the lock files and the install stamp (they",
        "upgraded pip and reinstalled the package on every start). User-level download",
        "caches (pip's, uv's) were warm for both, as on any machine that installed once.",
        "",
        "    python3 bench/serve_start.py --runs 5 --write docs/benchmarks-setup.md",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared), Python",
        f"{platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "The last column times the install step alone (`source scripts/_venv.sh`, nothing",
        "changed; median of the same number of runs): the rest of a second start is",
        "`dle migrate` + `dle seed` (old; skipped by the new `scripts/serve` while nothing",
        "changed) and the server's own start-up, which varies on shared cores.",
        "",
        "| variant | commit | first start (s) | second start, median (s) | second starts (s) "
        "| install step, median (s) |",
        "| --- | --- | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        second = ", ".join(f"{s:.2f}" for s in r["second_s"])  # type: ignore[attr-defined]
        lines.append(
            f"| {r['variant']} | `{r['commit']}` | {r['first_s']:.2f} | "
            f"{r['second_median_s']:.2f} | {second} | {r['install_step_median_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--old-commit", default="644d39d")
    parser.add_argument("--new-commit", default="HEAD")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per start")
    parser.add_argument("--only", choices=["new", "old"])
    parser.add_argument("--write", type=Path, help="a Markdown report to write")
    args = parser.parse_args()
    variants = [("new", args.new_commit), ("old", args.old_commit)]
    results = [
        measure(name, commit, args.runs, args.port + 100 * i, args.timeout)
        for i, (name, commit) in enumerate(variants)
        if args.only in (None, name)
    ]
    print(json.dumps(results, indent=2))
    if args.write:
        args.write.write_text(markdown(results, args.runs), encoding="utf-8")


if __name__ == "__main__":
    main()
