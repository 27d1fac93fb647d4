"""Throughput of this service against Datasette and the framework's floor, one machine.

Every server serves the real seed data (976 models) on CPU 0, one process; ``wrk``
runs on CPU 1 with one thread, a fixed number of connections and a fixed duration,
after a warm-up run of the same request. The requests are made equivalent and the
equivalence is checked before measuring (same rows in the same order, same fields,
same counts); a mismatch stops the benchmark.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench import datasette_db, hits
from bench.harness import (
    BIN,
    ROOT,
    ProfileSummary,
    Server,
    WrkResult,
    ensure_tool,
    free_port,
    get,
    profile,
    run_wrk,
    server,
    summarize_profile,
)

SEED_DIR = ROOT / "seed" / "data"
LIST_FIELDS = (
    "name",
    "publication_date",
    "parameters",
    "training_compute_flop",
    "training_dataset_size",
    "domains",
    "organizations",
)
# Datasette orders ties of its sort column by primary key in the same direction; ids
# follow (date, slug), so ``-publication_date,-slug`` is exactly Datasette's order.
LIST_SUFFIX = f"&fields={','.join(LIST_FIELDS)}"
DATASETTE_SUFFIX = (
    "".join(f"&_col={name}" for name in ("slug", *LIST_FIELDS)) + "&_nosuggest=1&_shape=objects"
)
OUR_LIST = "/v1/models?domain=Language&sort=-publication_date,-slug&limit=50" + LIST_SUFFIX
DATASETTE_LIST = (
    "/bench/models.json?domains__arraycontains=Language&_sort_desc=publication_date&_size=50"
    + DATASETTE_SUFFIX
)
# The full download (every model, every summary field).
OUR_CSV = "/v1/models.csv"
# The distinct page compared between the servers: before page 0 (limit 5), never run.
DISTINCT_CHECK = 2000
ONE_SLUG = "gpt-3-175b-davinci"
OUR_FACETS = "/v1/models/facets?facet=domain&start=2020-01-01"
DATASETTE_FACETS = (
    "/bench/models.json?publication_date__gte=2020-01-01&_facet_array=domains&_size=0&_nosuggest=1"
)
OUR_TREND = "/v1/trends/parameters?start=2010-01-01"


@dataclass
class Measurement:
    """One (server, request) cell: every round, and the median round as its result."""

    server: str
    request: str
    path: str
    rounds: list[WrkResult]
    body_bytes: int

    @property
    def result(self) -> WrkResult:
        """The round with the median throughput."""
        ordered = sorted(self.rounds, key=lambda r: r.requests_per_second)
        return ordered[(len(ordered) - 1) // 2]

    @property
    def requests(self) -> int:
        """Requests of all rounds."""
        return sum(r.requests for r in self.rounds)

    @property
    def errors(self) -> int:
        """Errors of all rounds."""
        return sum(r.errors for r in self.rounds)


@dataclass
class Comparison:
    """Everything the throughput part found."""

    seconds: float
    warmup_seconds: float
    connections: int
    rounds: int = 1
    measurements: list[Measurement] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    contract: list[str] = field(default_factory=list)
    profiles: dict[str, ProfileSummary] = field(default_factory=dict)
    trend_available: bool = False
    datasette_version: str = ""
    probe_microseconds: float = 0.0
    postgres: bool = False
    download_cpu_ms: float = 0.0
    download_bytes: int = 0

    def find(self, server: str, request: str) -> Measurement | None:
        """The measurement of ``request`` on ``server``, if made."""
        return next(
            (m for m in self.measurements if m.server == server and m.request == request), None
        )


def _json(base: str, path: str) -> Any:
    status, _, body = get(base + path)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
    return json.loads(body)


def _our_app(env: dict[str, str], url: str) -> tuple[list[str], dict[str, str]]:
    command = [str(BIN / "dle"), "serve", "--workers", "1", "--no-access-log"]
    return command, {"DLE_DATABASE_URL": url, **env}


def _seed(workdir: Path) -> str:
    from api.db.migrate import upgrade
    from seed.loader import load_seed

    url = f"sqlite:///{workdir / 'service.sqlite3'}"
    upgrade(url)
    load_seed(url, SEED_DIR)
    return url


def probe_cost(database: Path, reads: int = 20_000) -> float:
    """Mean time of the response cache's data-generation check on SQLite, microseconds."""
    import asyncio
    import time

    from api.http.response_cache.probe import SQLiteGenerationProbe

    probe = SQLiteGenerationProbe(database)

    async def read_many() -> float:
        assert await probe.read() is not None
        started = time.perf_counter()
        for _ in range(reads):
            await probe.read()
        return (time.perf_counter() - started) / reads * 1e6

    try:
        return asyncio.run(read_many())
    finally:
        probe.close()


def check_equivalence(ours: str, datasette: str) -> tuple[list[str], int]:
    """Compare the answers of both servers; returns what was checked and the model id
    of ``ONE_SLUG`` in Datasette's table."""
    checks = []
    page = _json(ours, OUR_LIST)
    rows = _json(datasette, DATASETTE_LIST)
    our_slugs = [item["slug"] for item in page["items"]]
    their_slugs = [row["slug"] for row in rows["rows"]]
    if our_slugs != their_slugs:
        raise RuntimeError(f"list pages differ: {our_slugs[:5]} vs {their_slugs[:5]}")
    for item, row in zip(page["items"], rows["rows"], strict=True):
        for name in LIST_FIELDS:
            theirs = row[name]
            if name in datasette_db.LIST_FIELDS:
                theirs = json.loads(theirs)
            if item[name] != theirs:
                raise RuntimeError(f"{item['slug']}.{name}: {item[name]!r} vs {theirs!r}")
    if page["total"] != rows["filtered_table_rows_count"]:
        raise RuntimeError(f"totals differ: {page['total']} vs {rows['filtered_table_rows_count']}")
    checks.append(
        f"list: the same {len(our_slugs)} models in the same order, the same "
        f"{len(LIST_FIELDS)} fields, the same total ({page['total']})"
    )

    model = _json(ours, f"/v1/models/{ONE_SLUG}")
    lookup = _json(datasette, f"/bench/models.json?slug__exact={quote(ONE_SLUG)}&_shape=objects")
    model_id = lookup["rows"][0]["id"]
    row = _json(datasette, f"/bench/models/{model_id}.json?_shape=objects")["rows"][0]
    compared = 0
    for name, value in row.items():
        if name in model:
            theirs = json.loads(value) if name in datasette_db.LIST_FIELDS else value
            if model[name] != theirs:
                raise RuntimeError(f"{ONE_SLUG}.{name}: {model[name]!r} vs {theirs!r}")
            compared += 1
    if model.get("frontier") != bool(row["frontier_model"]):
        raise RuntimeError("frontier flag differs")
    checks.append(f"one model: {ONE_SLUG} (id {model_id}), {compared + 1} fields equal")

    facets = _json(ours, OUR_FACETS)
    theirs = _json(datasette, DATASETTE_FACETS)["facet_results"]["domains"]["results"]
    our_counts = {f["value"]: f["count"] for f in facets["facets"]["domain"]}
    their_counts = {f["value"]: f["count"] for f in theirs}
    if our_counts != their_counts:
        raise RuntimeError(f"facet counts differ: {our_counts} vs {their_counts}")
    checks.append(f"facets: the same count for each of {len(our_counts)} domains since 2020")
    return checks, model_id


def check_contract(base: str) -> list[str]:
    """ETag, 304, gzip and CSV streaming on the cached service, after the load."""
    notes = []
    status, headers, body = get(base + OUR_LIST)
    etag = headers.get("etag")
    if status != 200 or not etag:
        raise RuntimeError(f"list: {status}, ETag {etag!r}")
    status304, _, body304 = get(base + OUR_LIST, {"If-None-Match": etag})
    if status304 != 304 or body304:
        raise RuntimeError(f"If-None-Match: {status304}")
    notes.append(f"ETag {etag} and 304 on If-None-Match (cache {headers.get('x-cache')})")
    status_gz, headers_gz, body_gz = get(base + OUR_LIST, {"Accept-Encoding": "gzip"})
    if status_gz != 200 or headers_gz.get("content-encoding") != "gzip":
        raise RuntimeError(f"gzip: {status_gz} {headers_gz.get('content-encoding')}")
    notes.append(f"gzip: {len(body)} B become {len(body_gz)} B, with their own ETag")
    status_csv, headers_csv, csv_body = get(base + "/v1/models.csv")
    lines = csv_body.count(b"\r\n")
    if status_csv != 200 or not headers_csv.get("content-type", "").startswith("text/csv"):
        raise RuntimeError(f"CSV: {status_csv} {headers_csv.get('content-type')}")
    notes.append(
        f"CSV download streams all {lines - 1} models (header row + rows, "
        f"{headers_csv.get('transfer-encoding', 'length ' + str(len(csv_body)))})"
    )
    return notes


Cell = tuple[Server, str, tuple[str, ...], str | None]


def _measure(
    wrk: str,
    request: str,
    cells: list[Cell],
    *,
    rounds: int,
    seconds: float,
    warmup_seconds: float,
    connections: int,
    script: Path | None,
) -> list[Measurement]:
    """Warm up each server, then ``rounds`` rounds of one run per server, the order
    rotating. A cell with a script kind walks distinct pages, a fresh range each run."""
    runs: dict[str, list[WrkResult]] = {cell[0].name: [] for cell in cells}
    sizes: dict[str, int] = {}
    next_page = dict.fromkeys(runs, 0)

    def once(
        running: Server, path: str, headers: tuple[str, ...], kind: str | None, s: float
    ) -> WrkResult:
        extra: dict[str, Any] = {}
        if kind is not None:
            extra = {"script": script, "script_args": (kind, str(next_page[running.name]))}
            next_page[running.name] += hits.DISTINCT_STEP
        return run_wrk(
            wrk, running.base + path, seconds=s, connections=connections, headers=headers, **extra
        )

    for running, path, headers, kind in cells:
        status, _, body = get(running.base + path, dict(h.split(": ", 1) for h in headers))
        if status not in (200, 304):
            raise RuntimeError(f"{running.name} {path}: {status}")
        sizes[running.name] = len(body)
        once(running, path, headers, kind, warmup_seconds)
    for index in range(rounds):
        shift = index % len(cells)
        for running, path, headers, kind in cells[shift:] + cells[:shift]:
            runs[running.name].append(once(running, path, headers, kind, seconds))
    return [
        Measurement(running.name, request, path, runs[running.name], sizes[running.name])
        for running, path, _, _ in cells
    ]


def run(
    *,
    seconds: float,
    warmup_seconds: float,
    connections: int,
    rounds: int,
    log: Callable[[str], None],
    profile_seconds: float = 8.0,
) -> Comparison:
    """Measure every server and request; see the module documentation.

    All servers are started first (idle ones take no CPU) and each request is then
    measured in ``rounds`` rounds, one wrk run per server per round, in an order that
    rotates: a burst of background load on the machine then falls on every server
    alike, and the median round of each is reported.
    """
    wrk = ensure_tool("wrk", "wrk")
    result = Comparison(seconds, warmup_seconds, connections, rounds=rounds)
    with tempfile.TemporaryDirectory(prefix="dle-bench-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        url = _seed(workdir)
        result.probe_microseconds = probe_cost(workdir / "service.sqlite3")
        datasette_file = workdir / "bench.db"
        datasette_db.build(SEED_DIR / "epoch_notable_ai_models.csv", datasette_file)

        def start(name: str, command: list[str], env: dict[str, str], ready: str) -> Server:
            port = free_port()
            log(f"starting {name}")
            return stack.enter_context(
                server(
                    name,
                    [*command, "--port", str(port)],
                    port=port,
                    env=env,
                    ready_path=ready,
                    log_dir=workdir,
                )
            )

        datasette = start("datasette", _datasette_command(datasette_file), {}, "/-/versions.json")
        result.datasette_version = _json(datasette.base, "/-/versions.json")["datasette"]["version"]
        ours: dict[str, Server] = {}
        for name, extra in CONFIGURATIONS:
            command, env = _our_app(extra, url)
            ours[name] = start(name, command, env, "/ready")
        postgres_url = stack.enter_context(hits.postgres_database(SEED_DIR))
        if postgres_url is not None:
            command, env = _our_app({"DLE_ALLOW_WRITABLE_ROLE": "true"}, postgres_url)
            ours[POSTGRES] = start(POSTGRES, command, env, "/ready")
            result.postgres = True
        else:
            log("no PostgreSQL server: the PostgreSQL cells are left out")
        cached = ours["service, cache on"]
        uncached = ours["service, cache off"]
        result.checks, model_id = check_equivalence(cached.base, datasette.base)
        result.checks.append(check_distinct(cached.base, datasette.base))
        floor_body = workdir / "floor-body.json"
        floor_body.write_bytes(get(cached.base + OUR_LIST)[2])
        csv_body = workdir / "floor-body.csv"
        csv_body.write_bytes(get(cached.base + OUR_CSV)[2])
        floor_env = {"DLE_BENCH_FLOOR_BODY": str(floor_body), "DLE_BENCH_FLOOR_CSV": str(csv_body)}
        floor = start("floor", FLOOR_COMMAND, floor_env, "/floor")
        bare = start(BARE, BARE_COMMAND, floor_env, "/floor")
        result.trend_available = get(cached.base + OUR_TREND)[0] == 200
        result.download_cpu_ms, result.download_bytes = hits.download_cpu_ms(uncached, OUR_CSV)
        etag = get(cached.base + OUR_LIST)[1]["etag"]
        script = hits.distinct_script(workdir, LIST_SUFFIX, DATASETTE_SUFFIX)
        list_cells: list[Cell] = [(cached, OUR_LIST, (), None), (uncached, OUR_LIST, (), None)]
        if POSTGRES in ours:
            list_cells.append((ours[POSTGRES], OUR_LIST, (), None))
        list_cells += [
            (datasette, DATASETTE_LIST, (), None),
            (floor, "/floor", (), None),
            (bare, "/floor", (), None),
        ]
        plan: list[tuple[str, list[Cell]]] = [
            ("list", list_cells),
            (
                "distinct",
                [
                    (cached, _distinct_path(hits.OUR_PAGE, LIST_SUFFIX), (), "ours"),
                    (datasette, _distinct_path(hits.THEIR_PAGE, DATASETTE_SUFFIX), (), "theirs"),
                ],
            ),
            ("download", [(cached, OUR_CSV, (), None), (bare, "/floor.csv", (), None)]),
            (
                "one",
                [
                    (cached, f"/v1/models/{ONE_SLUG}", (), None),
                    (uncached, f"/v1/models/{ONE_SLUG}", (), None),
                    (datasette, f"/bench/models/{model_id}.json?_shape=objects", (), None),
                ],
            ),
            (
                "facets",
                [
                    (cached, OUR_FACETS, (), None),
                    (uncached, OUR_FACETS, (), None),
                    (datasette, DATASETTE_FACETS, (), None),
                ],
            ),
            ("list, gzip", [(cached, OUR_LIST, ("Accept-Encoding: gzip",), None)]),
            ("list, 304", [(cached, OUR_LIST, (f"If-None-Match: {etag}",), None)]),
        ]
        if result.trend_available:
            trend_cells: list[Cell] = [
                (cached, OUR_TREND, (), None),
                (uncached, OUR_TREND, (), None),
            ]
            plan.insert(5, ("trend", trend_cells))
        for request, cells in plan:
            log(f"{request}: {len(cells)} servers x {rounds} rounds")
            # The list page carries the targets: more rounds for it.
            result.measurements += _measure(
                wrk,
                request,
                cells,
                rounds=max(rounds, 5) if request == "list" and rounds > 1 else rounds,
                seconds=seconds,
                warmup_seconds=warmup_seconds,
                connections=connections,
                script=script,
            )
        result.contract = check_contract(cached.base)
        for running in (cached, uncached):
            log(f"profiling {running.name}")
            raw = workdir / f"{running.name}-list.txt"
            load = threading.Thread(
                target=run_wrk,
                args=(wrk, running.base + OUR_LIST),
                kwargs={"seconds": profile_seconds + 2, "connections": connections},
            )
            load.start()
            ok = profile(running.pid, profile_seconds, raw)
            load.join()
            if ok:
                result.profiles[f"{running.name}: list"] = summarize_profile(raw)
    return result


def _distinct_path(template: str, suffix: str) -> str:
    """A page of the distinct kind that no run requests (its page size, 5, is below
    theirs): the URL given to wrk (whose script replaces the path) and the size probe."""
    date, limit = hits.page(-1)
    return template.format(date=date, limit=limit) + suffix


def check_distinct(ours: str, datasette: str, index: int = -DISTINCT_CHECK) -> str:
    """One of the distinct pages: the same models in the same order on both servers."""
    date, limit = hits.page(index)
    page = _json(ours, hits.OUR_PAGE.format(date=date, limit=limit) + LIST_SUFFIX)
    rows = _json(datasette, hits.THEIR_PAGE.format(date=date, limit=limit) + DATASETTE_SUFFIX)
    our_slugs = [item["slug"] for item in page["items"]]
    if our_slugs != [row["slug"] for row in rows["rows"]] or not our_slugs:
        raise RuntimeError(f"distinct page {index} differs or is empty")
    if page["total"] != rows["filtered_table_rows_count"]:
        raise RuntimeError(f"distinct page {index}: totals differ")
    return (
        f"distinct pages: page {index} (since {date}, {limit} a page) holds the same "
        f"{len(our_slugs)} models in the same order and the same total ({page['total']})"
    )


CONFIGURATIONS: tuple[tuple[str, dict[str, str]], ...] = (
    ("service, cache on", {}),
    ("service, cache off", {"DLE_CACHE_MAX_ENTRIES": "0"}),
)
POSTGRES = "service on PostgreSQL, cache on"
BARE = "bare ASGI"
BARE_COMMAND = [
    str(BIN / "uvicorn"),
    "bench.floor_app:bare",
    "--host",
    "127.0.0.1",
    "--workers",
    "1",
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--no-access-log",
    "--log-level",
    "warning",
]
FLOOR_COMMAND = [
    str(BIN / "uvicorn"),
    "bench.floor_app:app",
    "--host",
    "127.0.0.1",
    "--workers",
    "1",
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--no-access-log",
    "--log-level",
    "warning",
]


def _datasette_command(database: Path) -> list[str]:
    return [
        str(BIN / "datasette"),
        "serve",
        "-i",
        str(database),
        "--host",
        "127.0.0.1",
        "--setting",
        "sql_time_limit_ms",
        "10000",
        "--setting",
        "facet_time_limit_ms",
        "10000",
        "--setting",
        "num_sql_threads",
        "3",
    ]
