"""The parts of the throughput benchmark beyond one repeated request.

* **Distinct pages**: every request a page nobody asked for before (a response-cache
  miss), the same pages for this service and Datasette: a Lua script for ``wrk`` walks
  ``DISTINCT_STEP`` pages from a starting index given to each run, so that no two runs
  (warm-up included) share a page.
* **PostgreSQL**: the same service on a PostgreSQL database seeded with the same
  data, to compare cache hits with SQLite's.
* **CPU of a cold download**: the server's own CPU time (``/proc``) for full CSV
  downloads computed afresh (response cache off).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.harness import Server, cpu_seconds, get

# Pages: a start date (one of DAYS consecutive days from 1980) and a page size growing
# every DAYS pages; page i is distinct from every other.
DAYS = 15_000
FIRST_DAY = dt.date(1980, 1, 1)
# Pages each run may take: more than any server here answers in one run.
DISTINCT_STEP = 20_000
OUR_PAGE = "/v1/models?domain=Language&start={date}&sort=-publication_date,-slug&limit={limit}"
THEIR_PAGE = (
    "/bench/models.json?domains__arraycontains=Language&publication_date__gte={date}"
    "&_sort_desc=publication_date&_size={limit}"
)


def page(index: int) -> tuple[str, int]:
    """The start date and the page size of distinct page ``index``."""
    day = FIRST_DAY + dt.timedelta(days=index % DAYS)
    return day.isoformat(), 10 + 5 * (index // DAYS)


def distinct_script(workdir: Path, our_suffix: str, their_suffix: str) -> Path:
    """The Lua script: ``wrk ... -- ours|theirs FIRST`` requests pages FIRST, FIRST+1, ..."""
    dates = ",".join(
        json.dumps((FIRST_DAY + dt.timedelta(days=d)).isoformat()) for d in range(DAYS)
    )
    templates = {
        "ours": OUR_PAGE.replace("{date}", "%s").replace("{limit}", "%d") + our_suffix,
        "theirs": THEIR_PAGE.replace("{date}", "%s").replace("{limit}", "%d") + their_suffix,
    }
    script = workdir / "distinct.lua"
    script.write_text(
        f"local dates = {{{dates}}}\n"
        f"local templates = {{ours = {json.dumps(templates['ours'])}, "
        f"theirs = {json.dumps(templates['theirs'])}}}\n"
        "local template, counter = templates.ours, 0\n"
        "function init(args)\n"
        "  template = templates[args[1]]\n"
        "  counter = tonumber(args[2])\n"
        "end\n"
        "function request()\n"
        "  local i = counter\n"
        "  counter = counter + 1\n"
        f"  local date = dates[(i % {DAYS}) + 1]\n"
        f"  local limit = 10 + 5 * math.floor(i / {DAYS})\n"
        "  return wrk.format('GET', template:format(date, limit))\n"
        "end\n",
        encoding="utf-8",
    )
    return script


def postgres_server_url() -> str:
    """The PostgreSQL server the benchmark creates its database on."""
    return os.environ.get(
        "DLE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )


@contextmanager
def postgres_database(seed_dir: Path) -> Iterator[str | None]:
    """A new PostgreSQL database, migrated and seeded; None when no server answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from api.db.migrate import upgrade
    from seed.loader import load_seed

    server = postgres_server_url()
    name = f"dle_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        admin.dispose()
        yield None
        return
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        load_seed(url, seed_dir)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def download_cpu_ms(running: Server, path: str, requests: int = 20) -> tuple[float, int]:
    """Server CPU per request (ms) for ``requests`` sequential downloads of ``path``, and
    the body's size; the server must compute each one (its response cache off)."""
    status, _, body = get(running.base + path)
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    before = cpu_seconds(running.pid)
    for _ in range(requests):
        get(running.base + path)
    return (cpu_seconds(running.pid) - before) / requests * 1000, len(body)
