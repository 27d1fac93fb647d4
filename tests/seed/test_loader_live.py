"""``dle seed`` against a running ``dle serve`` on SQLite: under read load, and killed.

A re-seed must land while downloads stream (the readers never block the writer, nor
the writer them), every response must read one data version, and a seed killed in
the middle of its write must leave the server serving the old data, by itself.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bench.synthetic import write_seed_dir
from tests.live_server import ROOT, LiveServer, dle_command, live_server, run_dle, wait_for

pytestmark = pytest.mark.slow

READERS = 12
CLIENT_TIMEOUT = httpx.Timeout(60.0)
# Every data route, with a download where the route has one.
DATA_ROUTES = [
    "/v1/models?limit=3",
    "/v1/models.csv?min_parameters=1",
    "/v1/milestones",
    "/v1/timeline",
    "/v1/eras",
    "/v1/meta",
]


@dataclass
class Observed:
    """What the readers saw: (data version, rows) per download, and every failure."""

    downloads: list[tuple[str, int, int]] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _read_csv(client: httpx.Client, base: str, seen: Observed) -> None:
    response = client.get(f"{base}/v1/models.csv")
    if response.status_code != 200:
        with seen.lock:
            seen.failures.append(f"csv {response.status_code}: {response.text[:200]}")
        return
    rows = sum(1 for _ in csv.reader(io.StringIO(response.text))) - 1
    with seen.lock:
        seen.downloads.append(
            (response.headers["x-data-version"], int(response.headers["x-total-count"]), rows)
        )


def _read_json(client: httpx.Client, base: str, seen: Observed) -> None:
    response = client.get(f"{base}/v1/models?limit=5")
    if response.status_code != 200:
        with seen.lock:
            seen.failures.append(f"json {response.status_code}: {response.text[:200]}")
        return
    body_version = response.json()["meta"]["data_version"]
    with seen.lock:
        seen.versions.append((response.headers["x-data-version"], body_version))


def _load(base: str, seen: Observed, stop: threading.Event) -> list[threading.Thread]:
    def reader(index: int) -> None:
        read: Callable[[httpx.Client, str, Observed], None] = (
            _read_json if index % 4 == 3 else _read_csv
        )
        with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
            done = time.monotonic()
            while not stop.is_set():
                started = time.monotonic()
                try:
                    read(client, base, seen)
                except httpx.HTTPError as exc:
                    # How long the client had left its connection idle says which timer
                    # of the server's it met, if any.
                    with seen.lock:
                        seen.failures.append(
                            f"transport: {exc!r} on {exc.request.url.path},"
                            f" {started - done:.2f} s after the previous answer"
                        )
                done = time.monotonic()

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
    for thread in threads:
        thread.start()
    return threads


def _served_version(server: LiveServer) -> str | None:
    response = httpx.get(f"{server.base_url}/ready", timeout=CLIENT_TIMEOUT)
    return response.json()["data_version"] if response.status_code == 200 else None


@pytest.fixture(scope="module")
def seed_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two synthetic seed folders of different sizes (so a mixture shows in the counts)."""
    root = tmp_path_factory.mktemp("seeds")
    return write_seed_dir(root / "a", 8_000, seed=1), write_seed_dir(root / "b", 6_000, seed=2)


def _seeded(tmp_path: Path, seed_dir: Path) -> str:
    url = f"sqlite:///{tmp_path / 'dle.sqlite3'}"
    run_dle("migrate", database_url=url)
    run_dle("seed", "--seed-dir", str(seed_dir), database_url=url)
    return url


def test_reseed_lands_under_download_load(tmp_path: Path, seed_dirs: tuple[Path, Path]) -> None:
    first, second = seed_dirs
    url = _seeded(tmp_path, first)
    seen, stop = Observed(), threading.Event()
    with live_server(url, tmp_path) as server:
        old = wait_for(lambda: _served_version(server), timeout=30, what="/ready")
        threads = _load(server.base_url, seen, stop)
        try:
            # The load is on: several downloads have completed, others are streaming.
            wait_for(lambda: len(seen.downloads) >= 3 or None, timeout=120, what="the load")
            seed = subprocess.run(
                [*dle_command(), "seed", "--seed-dir", str(second)],
                env={**os.environ, "DLE_DATABASE_URL": url},
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert seed.returncode == 0, f"the seed failed under load:\n{seed.stderr}"
            new = wait_for(
                lambda: next((v for v in [_served_version(server)] if v != old), None),
                timeout=30,
                what="the new data version",
            )
            # Downloads that started after the commit read the new data.
            wait_for(
                lambda: any(d[0] == new for d in seen.downloads) or None,
                timeout=120,
                what="a download of the new data",
            )
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
    assert not seen.failures, seen.failures[:5]
    counts = {version: total for version, total, _ in seen.downloads}
    assert set(counts) == {old, new}
    assert counts == {old: 8_000, new: 6_000}
    for version, total, rows in seen.downloads:
        assert rows == total == counts[version], (version, total, rows)
    assert seen.versions and all(header == body for header, body in seen.versions)


def _data_release(path: Path) -> str:
    """The data version committed in the file (what a reader must see)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT data_version FROM data_release").fetchone()
    finally:
        connection.close()
    assert row is not None
    return str(row[0])


def _killed_mid_write(url: str, seed_dir: Path, path: Path) -> None:
    """Start ``dle seed`` and SIGKILL it once its -wal (or -journal) file is growing."""
    seed = subprocess.Popen(
        [*dle_command(), "seed", "--seed-dir", str(seed_dir)],
        env={**os.environ, "DLE_DATABASE_URL": url},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    logs = [Path(f"{path}-wal"), Path(f"{path}-journal")]

    def written() -> int:
        return max((log.stat().st_size for log in logs if log.exists()), default=0)

    try:
        deadline = time.monotonic() + 120
        first = 0
        while seed.poll() is None and time.monotonic() < deadline:
            size = written()
            if first and size > first:
                break
            first = first or size
            time.sleep(0.001)
        assert seed.poll() is None, "the seed finished before it could be killed"
    finally:
        seed.send_signal(signal.SIGKILL)
        seed.wait(timeout=30)


def test_a_seed_killed_mid_write_leaves_the_server_serving(
    tmp_path: Path, seed_dirs: tuple[Path, Path]
) -> None:
    first, second = seed_dirs
    url = _seeded(tmp_path, first)
    path = tmp_path / "dle.sqlite3"
    with live_server(url, tmp_path) as server:
        old = wait_for(lambda: _served_version(server), timeout=30, what="/ready")
        _killed_mid_write(url, second, path)
        # A kill during the commit's last write can land after the commit frame: then the
        # new version is the committed one. Either way the server serves what is committed.
        committed = _data_release(path)
        with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
            ready = client.get(f"{server.base_url}/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["data_version"] == committed
            for route in DATA_ROUTES:
                response = client.get(f"{server.base_url}{route}")
                assert response.status_code == 200, (route, response.text)
                assert response.headers.get("x-data-version") in (committed, None), route
        # The next seed lands, and the server serves it.
        run_dle("seed", "--seed-dir", str(first if committed != old else second), database_url=url)
        landed = _data_release(path)
        assert landed != committed
        wait_for(lambda: _served_version(server) == landed or None, timeout=30, what="reseed")
