"""What the benchmarks share: pinned server processes, wrk runs, latency samples, py-spy.

Servers run on CPU 0 and the load generator on CPU 1 (``taskset``), so that they do
not compete for a core; every server binds 127.0.0.1 on a port the OS picked and is
stopped (its whole process group) when the block using it ends.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVER_CPU = 0
CLIENT_CPU = 1


def free_port() -> int:
    """A port the OS reports free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ensure_tool(name: str, package: str) -> str:
    """The path of ``name``, installed from Debian's packages when missing (as root)."""
    found = shutil.which(name)
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit(f"{name} is missing: apt-get install -y {package}")
    subprocess.run(["apt-get", "install", "-y", package], check=False, capture_output=True)
    if not shutil.which(name):
        subprocess.run(["apt-get", "update"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", package], check=True, capture_output=True)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"could not install {package}")
    return found


def check_cores() -> None:
    """Two CPUs are needed: one for the server, one for the load generator."""
    available = os.sched_getaffinity(0)
    if not {SERVER_CPU, CLIENT_CPU} <= available:
        raise SystemExit(f"needs CPUs {SERVER_CPU} and {CLIENT_CPU}; this process has {available}")


@dataclass
class Server:
    """A running server process."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The process id (uvicorn with one worker serves in this process)."""
        return self.process.pid

    def rss_mb(self) -> float:
        """Resident memory of the serving process, MB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else float("nan")


@contextmanager
def server(
    name: str,
    command: Sequence[str],
    *,
    port: int,
    env: Mapping[str, str] | None = None,
    ready_path: str = "/",
    log_dir: Path,
    timeout: float = 120.0,
) -> Iterator[Server]:
    """Start ``command`` pinned to the server CPU, wait until ``ready_path`` answers 200."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            ["taskset", "-c", str(SERVER_CPU), *command],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(name, process, port, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
            try:
                status, _, _ = get(running.base + ready_path, timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer {ready_path} within {timeout} s")
            time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def get(
    url: str, headers: Mapping[str, str] | None = None, timeout: float = 60
) -> tuple[int, dict[str, str], bytes]:
    """One GET on a new connection: status, headers (lower-case names), body."""
    match = re.match(r"http://([^/:]+):(\d+)(/.*)?$", url)
    if not match:
        raise ValueError(url)
    connection = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=timeout)
    try:
        connection.request("GET", match.group(3) or "/", headers=dict(headers or {}))
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@dataclass(frozen=True)
class Latencies:
    """Sequential request latencies, milliseconds."""

    samples: tuple[float, ...]
    statuses: tuple[int, ...]

    @property
    def p50(self) -> float:
        """Median."""
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        """99th percentile (nearest rank)."""
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.99 * len(ordered) + 0.5) - 1)]

    @property
    def errors(self) -> int:
        """Answers other than 200."""
        return sum(1 for status in self.statuses if status != 200)


def measure_latency(
    base: str, path: str, *, count: int, budget_seconds: float, minimum: int = 5
) -> Latencies:
    """Up to ``count`` sequential GETs on one keep-alive connection (stops after the
    budget once ``minimum`` are done); this process runs on the client CPU."""
    os.sched_setaffinity(0, {CLIENT_CPU})
    match = re.match(r"http://([^/:]+):(\d+)$", base)
    assert match
    connection = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=120)
    samples: list[float] = []
    statuses: list[int] = []
    started = time.perf_counter()
    try:
        while len(samples) < count:
            begin = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            samples.append((time.perf_counter() - begin) * 1000)
            statuses.append(response.status)
            if len(samples) >= minimum and time.perf_counter() - started > budget_seconds:
                break
    finally:
        connection.close()
    return Latencies(tuple(samples), tuple(statuses))


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run reports."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    seconds: float


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, latency percentiles, request and error counts from wrk's report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output)
    assert total
    seconds = float(total.group(2)) * {"s": 1.0, "ms": 0.001, "m": 60.0}.get(total.group(3), 1.0)
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    sockets = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return WrkResult(rps, p50, p99, int(total.group(1)), errors, seconds)


def run_wrk(
    wrk: str,
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: Sequence[str] = (),
    script: Path | None = None,
    script_args: Sequence[str] = (),
) -> WrkResult:
    """One wrk run (one thread) pinned to the client CPU; ``script`` (Lua) with its
    arguments chooses each request's path."""
    command = ["taskset", "-c", str(CLIENT_CPU), wrk, "-t1", f"-c{connections}"]
    command += [f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    tail = ["--", *script_args] if script_args else []
    output = subprocess.run(
        [*command, url, *tail], check=True, capture_output=True, text=True
    ).stdout
    return parse_wrk(output)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- profiles ------------------------------------------------------------------------

_IDLE_LEAVES = ("Condition.wait", "Queue.get", "lock.acquire", "select (selectors", "_run_once")
_GROUPS = (
    ("sqlite3 / driver (SQL execution)", ("do_execute", "'execute' of 'sqlite3", "fetchall")),
    ("api (project code)", ("/api/",)),
    ("sqlalchemy (statement building, compiling, results)", ("sqlalchemy",)),
    ("fastapi / starlette (routing, dependencies, validation)", ("fastapi", "starlette")),
    ("pydantic", ("pydantic",)),
    ("uvicorn / httptools / asyncio (HTTP, event loop)", ("uvicorn", "httptools", "asyncio")),
    ("anyio (thread pool)", ("anyio",)),
)


def profile(pid: int, seconds: float, output: Path) -> bool:
    """py-spy samples of ``pid`` (raw, folded stacks) of the thread holding the GIL: where
    the Python work goes (C code running without the GIL, such as SQLite's own work,
    is not sampled); False when py-spy is unavailable."""
    spy = shutil.which("py-spy") or str(BIN / "py-spy")
    if not Path(spy).exists():
        return False
    command = [spy, "record", "-p", str(pid), "-d", f"{seconds:g}", "-r", "250", "--gil"]
    command += ["-f", "raw"]
    result = subprocess.run(
        [*command, "-o", str(output), "--nonblocking"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0 and output.exists()


@dataclass(frozen=True)
class ProfileSummary:
    """Where the busy samples of a profile were."""

    samples: int
    by_layer: list[tuple[str, float]]
    top_functions: list[tuple[str, float]]
    top_self: list[tuple[str, float]]


# Frames on the way into every request or thread: entry points, not findings.
_ENTRY_POINTS = (
    "<module>",
    "Thread._bootstrap",
    "WorkerThread.run",
    "Runner.run",
    "asyncio_run",
    "Server.run",
    "run (uvicorn/main.py",
    "(api/cli.py",
    "run_until_complete",
    "_run_sync_endpoint",
)


def _frame_name(frame: str) -> str:
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    short = where
    for marker in ("site-packages/", "/work/", "lib/python3"):
        if marker in where:
            short = where.split(marker, 1)[1]
    return f"{name} ({short})"


def summarize_profile(raw: Path, top: int = 12) -> ProfileSummary:
    """Busy samples by layer (the innermost matching frame decides), the functions most
    often on the stack (inclusive share, entry points left out) and the innermost
    frames (self share)."""
    busy = 0
    layers: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if any(marker in frames[-1] for marker in _IDLE_LEAVES):
            continue
        busy += count
        layer = "other"
        for frame in reversed(frames):
            group = next((g for g, marks in _GROUPS if any(m in frame for m in marks)), None)
            if group:
                layer = group
                break
        layers[layer] += count
        leaves[_frame_name(frames[-1])] += count
        for name in {_frame_name(f) for f in frames}:
            if not any(entry in name for entry in _ENTRY_POINTS):
                inclusive[name] += count
    share = (lambda n: 100.0 * n / busy) if busy else (lambda n: 0.0)
    return ProfileSummary(
        busy,
        [(name, share(n)) for name, n in layers.most_common()],
        [(name, share(n)) for name, n in inclusive.most_common(top)],
        [(name, share(n)) for name, n in leaves.most_common(8)],
    )
