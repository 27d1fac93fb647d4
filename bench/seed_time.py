"""Time ``dle seed`` on the full seed data: first load into a migrated, empty database,
then the idempotent second run. SQLite always; PostgreSQL when DLE_TEST_POSTGRES_URL
names a server. Writes docs/benchmarks-seed.md.

    .venv/bin/python bench/seed_time.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DLE = [sys.executable, "-m", "api.cli"]


def run(args: list[str], url: str) -> tuple[float, float | None]:
    """Wall time of the command, and the load time it reports itself (seed only)."""
    env = {**os.environ, "DLE_DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [*DLE, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    reported = re.search(r" in ([0-9.]+) s", done.stdout)
    return wall, float(reported.group(1)) if reported else None


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / f'seed-{uuid.uuid4().hex[:8]}.sqlite3'}"


def postgres_url(server: str) -> tuple[str, str]:
    name = f"dle_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False), name


def drop(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def measure(backend: str, runs: int, folder: Path) -> tuple[list[float], list[float], list[float]]:
    first: list[float] = []
    loader: list[float] = []
    second: list[float] = []
    server = os.environ.get("DLE_TEST_POSTGRES_URL")
    for _ in range(runs):
        name = None
        if backend == "sqlite":
            url = sqlite_url(folder)
        else:
            assert server
            url, name = postgres_url(server)
        try:
            run(["migrate"], url)
            wall, reported = run(["seed"], url)
            first.append(wall)
            loader.append(reported or float("nan"))
            second.append(run(["seed"], url)[0])
        finally:
            if name and server:
                drop(server, name)
    return first, loader, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-seed.md")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("DLE_TEST_POSTGRES_URL") else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            first, loader, second = measure(backend, args.runs, Path(tmp))
            rows.append(
                f"| {backend} | {statistics.median(first):.2f} | {min(first):.2f} | "
                f"{statistics.median(loader):.2f} | {statistics.median(second):.2f} |"
            )
    table = "\n".join(
        [
            "| database | first `dle seed`, median (s) | first, best (s) "
            "| of which loading, median (s) | second (unchanged), median (s) |",
            "| --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    doc = f"""# Seed time

`dle seed` over the full seed data (976 models, 4 eras, 118 milestones) into a freshly
migrated database, as a whole command (process start and imports included), {args.runs}
runs each; "loading" is the time `dle seed` reports for reading, validating and writing.
The second run finds the same data version and writes nothing.

Command:

```
DLE_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
  .venv/bin/python bench/seed_time.py --runs {args.runs}
```

{table}
"""
    args.out.write_text(doc, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
