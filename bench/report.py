"""``docs/benchmarks.md`` from one run's measurements (no number is written by hand)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from bench import hits
from bench.compare import (
    DATASETTE_FACETS,
    DATASETTE_LIST,
    OUR_FACETS,
    OUR_LIST,
    OUR_TREND,
    Comparison,
    Measurement,
)
from bench.harness import ProfileSummary
from bench.scale import QUERIES, SizeResult

SERVERS = (
    "service, cache on",
    "service, cache off",
    "service on PostgreSQL, cache on",
    "datasette",
    "floor",
    "bare ASGI",
)
REQUEST_TITLES = {
    "list": "Page of 50 language models, newest first",
    "distinct": "Distinct filtered pages, every request a miss (language models since a date, "
    "newest first)",
    "download": "CSV download of every model (cache on: from memory)",
    "one": "One model by id",
    "facets": "Counts by domain of the models since 2020",
    "trend": "Trend fit: parameters since 2010 (this service only)",
    "list, gzip": "Page of 50 language models, gzip (cache on)",
    "list, 304": "Page of 50 language models, If-None-Match: 304 (cache on)",
}


@dataclass(frozen=True)
class Context:
    """Where and when the run happened."""

    command: str
    started: str
    minutes: float
    commit: str
    cpu: str
    cores: int
    kernel: str
    python: str
    versions: dict[str, str]
    sqlite: str
    load_before: str
    load_after: str
    import_rss: list[tuple[str, float]]


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _n(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


@dataclass(frozen=True)
class Target:
    """One target of the issue and what was measured against it."""

    name: str
    measured: str
    met: bool
    gap: str = ""


def paired_ratio(a: Measurement, b: Measurement) -> tuple[float, list[float]]:
    """Median over rounds of a's throughput over b's in the same round (runs minutes
    apart, so background load drifts less between them than across the run)."""
    ratios = [
        x.requests_per_second / y.requests_per_second
        for x, y in zip(a.rounds, b.rounds, strict=True)
    ]
    return statistics.median(ratios), ratios


def _ratios(values: list[float], percent: bool) -> str:
    return ", ".join(f"{v:.0%}" if percent else f"{v:.1f}x" for v in values)


def _ratio_target(
    name: str, a: Measurement | None, b: Measurement | None, goal: float, percent: bool
) -> Target | None:
    if a is None or b is None:
        return None
    ratio, rounds = paired_ratio(a, b)
    shown = f"{ratio:.0%}" if percent else f"{ratio:.1f}x"
    short = f"{goal / ratio:.2f}x short" if ratio < goal else ""
    return Target(name, f"{shown} (rounds: {_ratios(rounds, percent)})", ratio >= goal, short)


def throughput_targets(comparison: Comparison) -> list[Target]:
    """The throughput targets (issue 17), as paired ratios per round."""
    find = comparison.find
    cached = find("service, cache on", "list")
    targets = [
        _ratio_target(
            "Cache hit: at least 0.7 of the bare-ASGI limit returning the same bytes",
            cached,
            find("bare ASGI", "list"),
            0.7,
            True,
        ),
        _ratio_target(
            "Cache hit: at least 50 times Datasette's list page",
            cached,
            find("datasette", "list"),
            50,
            False,
        ),
        _ratio_target(
            "Miss (distinct filtered pages): at least 5 times Datasette on the same pages",
            find("service, cache on", "distinct"),
            find("datasette", "distinct"),
            5,
            False,
        ),
        _ratio_target(
            "Cached download: at least 0.5 of the bare-ASGI app returning the same CSV bytes",
            find("service, cache on", "download"),
            find("bare ASGI", "download"),
            0.5,
            True,
        ),
        _ratio_target(
            "PostgreSQL cache hits: at least 0.8 of SQLite's",
            find("service on PostgreSQL, cache on", "list"),
            cached,
            0.8,
            True,
        ),
    ]
    out = [t for t in targets if t is not None]
    if comparison.download_cpu_ms:
        cpu = comparison.download_cpu_ms
        out.append(
            Target(
                "Cold full download (CSV, every model): at most 20 ms of server CPU",
                f"{cpu:.1f} ms ({comparison.download_bytes:,} bytes)",
                cpu <= 20,
                f"{cpu / 20:.1f}x the target" if cpu > 20 else "",
            )
        )
    return out


def scale_targets(sizes: list[SizeResult]) -> list[Target]:
    """The targets at the largest size (1 million rows in the published run)."""
    if not sizes:
        return []
    largest = max(sizes, key=lambda s: s.rows)
    q = largest.queries
    rows = f"{largest.rows:,}"
    shallow, deep = q["cursor, depth 50"].computed.p50, q["cursor, deep"].computed.p50
    rss = max(largest.rss_computed_mb, largest.rss_cached_mb)
    return [
        Target(
            f"Filtered, sorted page at {rows} rows: p50 at most 10 ms (computed)",
            f"{_ms(q['list'].computed.p50)} ms",
            q["list"].computed.p50 <= 10,
        ),
        Target(
            f"Cursor page at depth {largest.deep_depth:,} as fast as at depth 50 "
            "(p50 within 20% or 0.5 ms)",
            f"{_ms(deep)} ms vs {_ms(shallow)} ms",
            deep <= max(shallow * 1.2, shallow + 0.5),
        ),
        Target(
            f"Trend fit at {rows} rows: at most 1 s cold",
            f"{_ms(q['trend'].cold_ms)} ms",
            q["trend"].cold_ms <= 1000,
            f"{q['trend'].cold_ms / 1000:.1f}x the target" if q["trend"].cold_ms > 1000 else "",
        ),
        Target(
            f"Trend fit at {rows} rows: at most 1 ms warm (cached, p50)",
            f"{_ms(q['trend'].cached.p50)} ms",
            q["trend"].cached.p50 <= 1,
        ),
        Target(
            f"Resident memory per worker at {rows} rows: at most 200 MB",
            f"{_n(rss, 0)} MB",
            rss <= 200,
            f"{rss - 200:.0f} MB over" if rss > 200 else "",
        ),
    ]


def _measurement_row(
    m: Measurement, datasette: Measurement | None, floor: Measurement | None
) -> list[str]:
    r = m.result
    rps = r.requests_per_second
    vs_d = f"{rps / datasette.result.requests_per_second:.1f}x" if datasette else ""
    vs_f = f"{rps / floor.result.requests_per_second:.0%}" if floor else ""
    spread = sorted(run.requests_per_second for run in m.rounds)
    return [
        m.server,
        _n(rps, 0),
        f"{_n(spread[0], 0)} - {_n(spread[-1], 0)}" if len(spread) > 1 else "",
        _ms(r.p50_ms),
        _ms(r.p99_ms),
        f"{m.errors} / {m.requests:,}",
        vs_d,
        vs_f,
        f"{m.body_bytes:,}",
    ]


def render(context: Context, comparison: Comparison, sizes: list[SizeResult]) -> str:
    """The whole document."""
    out: list[str] = ["# Benchmarks", ""]
    out += [
        "Every figure below comes from one run of one command, from the repository root:",
        "",
        "```bash",
        context.command,
        "```",
        "",
        "(`bench/run.sh` installs the `bench` extra into `.venv`, installs `wrk` from "
        "Debian's packages if it is missing, then runs `bench/run.py`, which writes this "
        "file. See `bench/README.md`.)",
        "",
        f"- Run: {context.started}, {context.minutes:.1f} minutes, commit {context.commit}.",
        f"- Machine: {context.cpu}, {context.cores} cores, Linux {context.kernel}; Python "
        f"{context.python}, SQLite {context.sqlite}; "
        + ", ".join(f"{k} {v}" for k, v in context.versions.items())
        + ".",
        f"- Load average (1, 5, 15 min) before: {context.load_before}; after: "
        f"{context.load_after}. Other processes on the machine add noise; the ratios, "
        "measured minutes apart in the same run, are steadier than absolute figures.",
        "",
        "## Targets",
        "",
    ]
    targets = throughput_targets(comparison) + scale_targets(sizes)
    out += [
        "Throughput targets compare runs of the same round (the median of the per-round "
        "ratios, each round's ratios listed); the others are from the scale runs below.",
        "",
    ]
    out += _table(
        ["target", "measured", "verdict", "gap"],
        [[t.name, t.measured, _verdict(t.met), t.gap] for t in targets],
    )
    out += ["", "## Throughput against Datasette and the floor", ""]
    out += [
        f"Each server is one process on CPU 0 (all are started first; an idle server takes "
        f"no CPU); `wrk -t1 -c{comparison.connections} -d{comparison.seconds:g}s --latency` "
        f"runs on CPU 1, after a {comparison.warmup_seconds:g} s warm-up of each server with "
        f"the same request. Each request is measured in {comparison.rounds} rounds (the list "
        f"page in {max(comparison.rounds, 5) if comparison.rounds > 1 else 1}), one run "
        "per server per round, the order rotating from round to round, so that background "
        "load on the machine falls on every server alike; tables give the round with the "
        "median throughput (its p50 and p99), the range over the rounds, and the errors "
        "of all rounds.",
        "",
        "- **service, cache on**: `dle serve --workers 1 --no-access-log` (uvicorn, uvloop, "
        "httptools), default settings.",
        "- **service, cache off**: the same with `DLE_CACHE_MAX_ENTRIES=0`: every request "
        "runs the route and its queries; list totals are still remembered per data version "
        "(`DLE_COUNT_CACHE_MAX_ENTRIES`, part of the query layer).",
        "- **service on PostgreSQL, cache on**: the same command and settings on a "
        "PostgreSQL database seeded with the same data (`DLE_BENCH_POSTGRES_URL`, by default "
        "the local server; `DLE_ALLOW_WRITABLE_ROLE=true`, the benchmark's role being the "
        "owner). The PostgreSQL server itself is not pinned: it shares the machine."
        + ("" if comparison.postgres else " (Not measured in this run: no server answered.)"),
        f"- **datasette**: Datasette {comparison.datasette_version}, `datasette serve -i` "
        "(immutable) on a SQLite file with one `models` table built from the same CSV by "
        "the service's own parser (same ids, slugs and values; list columns as JSON arrays; "
        "an index on the publication date), `_nosuggest=1`.",
        "- **floor**: `bench/floor_app.py`, one `async` FastAPI route returning a precomputed "
        "body, the bytes of the service's list page, under the same uvicorn settings.",
        "- **bare ASGI**: `bench.floor_app:bare`, no framework: a dictionary lookup and two "
        "`send` calls returning the service's list page (`/floor`) or its CSV download "
        "(`/floor.csv`), byte for byte, under the same uvicorn settings: the limit.",
        "",
        "Requests:",
        "",
        f"- list: `{OUR_LIST}`",
        f"  / Datasette `{DATASETTE_LIST}`",
        f"- distinct: `{hits.OUR_PAGE}` + the list's `fields` / Datasette `{hits.THEIR_PAGE}` + "
        f"the list's columns: `{{date}}` one of {hits.DAYS:,} days from "
        f"{hits.FIRST_DAY.isoformat()}, `{{limit}}` 10 plus 5 for each {hits.DAYS:,} pages "
        f"(`bench/hits.py`); every run, warm-up included, takes its own "
        f"{hits.DISTINCT_STEP:,} pages, the same for both servers, so every request is a "
        "page not asked for before: a miss of the response cache (and of the count cache)",
        "- download: `/v1/models.csv` (every model, the list's summary fields) / bare ASGI "
        "`/floor.csv`, the same bytes",
        "- one: `/v1/models/gpt-3-175b-davinci` / Datasette "
        "`/bench/models/<id>.json?_shape=objects`",
        f"- facets: `{OUR_FACETS}` / Datasette `{DATASETTE_FACETS}`",
        f"- trend: `{OUR_TREND}`"
        + ("" if comparison.trend_available else " (not available in this run: 404)"),
        "",
        "Equivalence, checked before measuring:",
        "",
    ]
    out += [f"- {check}" for check in comparison.checks]
    out += [""]
    requests = ["list", "distinct", "download", "one", "facets", "trend", "list, gzip", "list, 304"]
    for request in requests:
        cells = [m for m in comparison.measurements if m.request == request]
        if not cells:
            continue
        datasette = comparison.find(
            "datasette", request if request in ("list", "distinct", "one", "facets") else ""
        )
        floor = (
            comparison.find("bare ASGI", "list" if request.startswith("list") else request)
            if request.startswith("list") or request == "download"
            else None
        )
        order = {name: i for i, name in enumerate(SERVERS)}
        cells.sort(key=lambda m: order.get(m.server, 99))
        out += [f"### {REQUEST_TITLES[request]}", ""]
        out += _table(
            [
                "server",
                "req/s (median)",
                "range of rounds",
                "p50 ms",
                "p99 ms",
                "errors / requests",
                "vs Datasette",
                "vs bare ASGI",
                "body bytes",
            ],
            [
                _measurement_row(
                    m,
                    datasette if m.server != "datasette" else None,
                    floor if m.server != "bare ASGI" else None,
                )
                for m in cells
            ],
        )
        out += [""]
    out += ["### HTTP contract under the benchmark", ""]
    out += [
        "Checked on the cached server right after its runs (the gzip and 304 runs above "
        "are the same list page with `Accept-Encoding: gzip` and with `If-None-Match`):",
        "",
    ]
    out += [f"- {note}" for note in comparison.contract]
    out += [
        "",
        "### How the cache stays correct and what it costs",
        "",
        "The response cache (`api/http/response_cache/`) keys entries by the data "
        "generation: `data_version` and `loaded_at` of the single `data_release` row, "
        "which the loader rewrites in the same transaction as the data. A hit is answered "
        "in front of the whole middleware chain (`fast.py`) with the exact status, headers "
        "and body the chain gave the same entry for the same class of request (gzip or "
        "not, 200 or 304); requests the chain could answer differently pass through. "
        "The generation is known for every request: on SQLite from `PRAGMA data_version` "
        "on a private read-only connection (the row is read again only after another "
        "connection committed); on PostgreSQL from a read that starts after the request "
        "arrived (a prepared statement, sent and read with libpq's non-blocking calls), "
        "shared by every request waiting for it, on the event loop; on both, a "
        "read that started after the request arrived (the server edge says when) "
        "answers for it too, so a burst of requests shares one. Under `dle serve` a "
        "recorded hit is written in one piece, its header lines encoded when it was "
        "recorded (`api/server/edge.py`). There is no TTL: no response outlives the data "
        "it was computed from.",
        "",
        f"On SQLite a read of the generation costs **{comparison.probe_microseconds:.1f} "
        "µs** when nothing was committed, measured in this run (requests that arrived "
        "before a read began share it).",
        "",
        "Cold full download (response cache off, every download computed): "
        f"**{comparison.download_cpu_ms:.1f} ms** of the server's CPU per download "
        f"({comparison.download_bytes:,} bytes; user + system time from `/proc`, 20 "
        "sequential downloads).",
        "",
    ]
    if comparison.profiles:
        out += [
            "### Profiles",
            "",
            "py-spy samples (250 Hz, `--gil`: the thread holding the GIL, i.e. where the "
            "Python work goes; SQLite's own work runs without the GIL and is not sampled) "
            "of the server during a separate wrk run of the list page, after the measured "
            "runs. *By layer*: the innermost frame of a known layer decides where a sample "
            "goes. *Functions*: the share of samples with the function on the stack "
            "(thread and server entry points left out). *Self*: the share of samples in "
            "which the frame was the innermost.",
            "",
        ]
        for name, summary in comparison.profiles.items():
            out += [f"#### {name} ({summary.samples:,} busy samples)", ""]
            out += _table(
                ["layer", "share"], [[layer, f"{share:.0f}%"] for layer, share in summary.by_layer]
            )
            out += [""]
            out += _functions(summary)
    out += _scale_section(sizes)
    notes = limits(context, comparison, sizes)
    if notes:
        out += ["## What limits the targets not met", "", *notes]
    return "\n".join(out).rstrip() + "\n"


def _functions(summary: ProfileSummary) -> list[str]:
    out = _table(
        ["function (inclusive)", "share"],
        [[f"`{fn}`", f"{share:.0f}%"] for fn, share in summary.top_functions],
    )
    out += [""]
    out += _table(
        ["innermost frame (self)", "share"],
        [[f"`{fn}`", f"{share:.0f}%"] for fn, share in summary.top_self],
    )
    return [*out, ""]


def _scale_section(sizes: list[SizeResult]) -> list[str]:
    if not sizes:
        return []
    out = ["## Scale: 10 thousand to 1 million models", ""]
    out += [
        "Synthetic models from `bench/synthetic.py` (deterministic, the real file's format "
        "and shape), loaded through the real loader (`seed.loader.load_seed`) into a new "
        "SQLite file, then served by `dle serve --workers 1` on CPU 0; latencies are of "
        "sequential requests on one keep-alive connection from CPU 1, so they include the "
        "HTTP round trip. *Cold*: the first such request after the server started. "
        "*Computed*: repeated, response cache off (totals still remembered per data "
        "version). *Cached*: repeated, response cache on. Cursors are taken from the "
        "server first (the deep one from an offset page just above the depth).",
        "",
    ]
    out += _table(
        [
            "rows",
            "generate s",
            "load s",
            "loader peak RSS MB",
            "database MB",
            "worker RSS MB: idle / computed / cached",
        ],
        [
            [
                f"{s.rows:,}",
                _n(s.generate_seconds),
                _n(s.load_seconds),
                _n(s.loader_peak_rss_mb, 0),
                _n(s.database_mb, 0),
                f"{_n(s.rss_idle_mb, 0)} / {_n(s.rss_computed_mb, 0)} / {_n(s.rss_cached_mb, 0)}",
            ]
            for s in sizes
        ],
    )
    out += [""]
    rows = []
    for s in sizes:
        for name in QUERIES:
            q = s.queries[name]
            label = f"cursor, depth {s.deep_depth:,}" if name == "cursor, deep" else name
            rows.append(
                [
                    f"{s.rows:,}",
                    label,
                    _ms(q.cold_ms) + ("" if q.cold_status == 200 else f" ({q.cold_status})"),
                    f"{_ms(q.computed.p50)} / {_ms(q.computed.p99)} (n={len(q.computed.samples)})",
                    f"{_ms(q.cached.p50)} / {_ms(q.cached.p99)} (n={len(q.cached.samples)})",
                    str(q.computed.errors + q.cached.errors),
                ]
            )
    out += _table(
        ["rows", "request", "cold ms", "computed p50 / p99 ms", "cached p50 / p99 ms", "errors"],
        rows,
    )
    out += ["", "Requests:", ""]
    largest = max(sizes, key=lambda s: s.rows)
    for name in QUERIES:
        path = largest.queries[name].path
        if "cursor=" in path:
            path = path.split("cursor=")[0] + "cursor=..."
        out.append(f"- {name}: `{path}`")
    out.append("")
    if largest.trend_profile is not None:
        summary = largest.trend_profile
        out += [
            f"### Trend fit at {largest.rows:,} rows: profile ({summary.samples:,} busy samples)",
            "",
            "py-spy samples of the computed-mode server while it answers the trend request "
            "again and again (response cache off).",
            "",
        ]
        out += _table(
            ["layer", "share"], [[layer, f"{share:.0f}%"] for layer, share in summary.by_layer]
        )
        out += [""]
        out += _functions(summary)
    return out


def limits(context: Context, comparison: Comparison, sizes: list[SizeResult]) -> list[str]:
    """What stands between each unmet target and its goal, from this run's figures."""
    out: list[str] = []
    by_name = {t.name.split(":")[0]: t for t in throughput_targets(comparison)}
    miss = comparison.find("service, cache on", "distinct")
    theirs = comparison.find("datasette", "distinct")
    target = by_name.get("Miss (distinct filtered pages)")
    if target is not None and not target.met and miss and theirs:
        per_request = 1000 / miss.result.requests_per_second
        goal = 1000 / (5 * theirs.result.requests_per_second)
        text = (
            f"**Misses** ({target.measured.split(' ')[0]} Datasette on the same distinct "
            f"pages): a miss takes about {per_request:.2f} ms of the server's core; 5 times "
            f"Datasette allows {goal:.2f} ms."
        )
        profile = comparison.profiles.get("service, cache off: list")
        if profile:
            layers = ", ".join(f"{name} {share:.0f}%" for name, share in profile.by_layer[:5])
            text += f" Python work by layer of a computed list page (profile above): {layers}."
        text += (
            " Per request FastAPI resolves and validates every filter parameter of the list "
            "(about thirty dependencies, in the thread pool), a SQLAlchemy session sends its "
            "statements (data version, count, page, list fields), and the page is "
            "serialized. Parsing the parameters in one pass (left for the rewrite of "
            "parameter validation) and prepared statements on a raw connection are the next "
            "steps."
        )
        out += [text, ""]
    if sizes:
        largest = max(sizes, key=lambda s: s.rows)
        scale = scale_targets(sizes)
        trend = largest.queries["trend"]
        if not scale[2].met:
            text = (
                f"**Cold trend fit at {largest.rows:,} rows** ({_ms(trend.cold_ms)} ms; "
                f"computed again: p50 {_ms(trend.computed.p50)} ms): the fit reads every "
                "model of the window with a positive value (about 60% of them) into NumPy "
                "arrays (`api/trends/series.py`, `fetch_series`: each date as a day number "
                "from the database, each column to its array in one C loop); the read from "
                "SQLite's covering index is the rest, and a second scan counts the models "
                "left out."
            )
            if largest.trend_profile and largest.trend_profile.top_self:
                top = ", ".join(
                    f"`{fn}` {share:.0f}%" for fn, share in largest.trend_profile.top_self[:4]
                )
                text += f" Innermost frames in the profile above: {top}."
            text += f" Cached, the same fit takes {_ms(trend.cached.p50)} ms (p50)."
            out += [text, ""]
        if not scale[4].met:
            rss = max(largest.rss_computed_mb, largest.rss_cached_mb)
            imports = ", ".join(f"{name} {mb:.0f} MB" for name, mb in context.import_rss)
            out += [
                f"**Worker memory at {largest.rows:,} rows** ({_n(rss, 0)} MB): a worker "
                f"holds {_n(largest.rss_idle_mb, 0)} MB before its first request, whatever "
                "the data size: resident memory of a fresh interpreter as each layer is "
                f"imported, measured in this run: {imports}. Trend fits over hundreds of "
                "thousands of rows add the rest (memory the allocator keeps for reuse). "
                "Part of it is shared between workers (libraries' code pages).",
                "",
            ]
    return out
