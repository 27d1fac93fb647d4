"""``docs/benchmarks.md`` from one run's measurements (no number is written by hand)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

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
    "service, all caches off",
    "datasette",
    "floor",
)
REQUEST_TITLES = {
    "list": "Page of 50 language models, newest first",
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


def throughput_targets(comparison: Comparison) -> list[Target]:
    """The three throughput targets of the list page, as paired ratios per round."""
    cached = comparison.find("service, cache on", "list")
    uncached = comparison.find("service, cache off", "list")
    datasette = comparison.find("datasette", "list")
    floor = comparison.find("floor", "list")
    assert cached and uncached and datasette and floor
    vs_datasette, rounds_d = paired_ratio(cached, datasette)
    vs_floor, rounds_f = paired_ratio(cached, floor)
    uncached_vs_datasette, rounds_u = paired_ratio(uncached, datasette)
    return [
        Target(
            "List page, cached: at least 20 times Datasette",
            f"{vs_datasette:.1f}x (rounds: {_ratios(rounds_d, False)})",
            vs_datasette >= 20,
            f"{20 / vs_datasette:.2f}x short" if vs_datasette < 20 else "",
        ),
        Target(
            "List page, cached: at least 70% of the floor",
            f"{vs_floor:.0%} (rounds: {_ratios(rounds_f, True)})",
            vs_floor >= 0.7,
            f"{(0.7 - vs_floor) * 100:.1f} points short" if vs_floor < 0.7 else "",
        ),
        Target(
            "List page, cache off: at least 5 times Datasette",
            f"{uncached_vs_datasette:.1f}x (rounds: {_ratios(rounds_u, False)})",
            uncached_vs_datasette >= 5,
            f"{5 / uncached_vs_datasette:.2f}x short" if uncached_vs_datasette < 5 else "",
        ),
    ]


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
        "- **service, all caches off**: also `DLE_COUNT_CACHE_MAX_ENTRIES=0`: every request "
        "counts the matches.",
        f"- **datasette**: Datasette {comparison.datasette_version}, `datasette serve -i` "
        "(immutable) on a SQLite file with one `models` table built from the same CSV by "
        "the service's own parser (same ids, slugs and values; list columns as JSON arrays; "
        "an index on the publication date), `_nosuggest=1`.",
        "- **floor**: `bench/floor_app.py`, one `async` FastAPI route returning a precomputed "
        "body, the bytes of the service's list page, under the same uvicorn settings.",
        "",
        "Requests:",
        "",
        f"- list: `{OUR_LIST}`",
        f"  / Datasette `{DATASETTE_LIST}`",
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
    requests = ["list", "one", "facets", "trend", "list, gzip", "list, 304"]
    for request in requests:
        cells = [m for m in comparison.measurements if m.request == request]
        if not cells:
            continue
        datasette = comparison.find(
            "datasette", request if request in ("list", "one", "facets") else ""
        )
        floor = comparison.find("floor", "list") if request.startswith("list") else None
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
                "vs floor",
                "body bytes",
            ],
            [
                _measurement_row(
                    m,
                    datasette if m.server != "datasette" else None,
                    floor if m.server != "floor" else None,
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
        "`api/http/response_cache.py` is a pure ASGI middleware, innermost "
        "(inside ETag, gzip and CORS). "
        "Each `/v1` GET first reads `data_version` and `loaded_at` of the single "
        "`data_release` row; the loader rewrites that row in the same transaction as the "
        "data, only when the data changes, so the pair names exactly one state of the "
        "data. Entries are stored and found under that pair; a response is stored only if "
        "the pair read after the route answered is unchanged, and when the pair cannot be "
        "read (database down, locked, not seeded) the cache is bypassed. There is no TTL: "
        "no response can outlive the data it was computed from by even one request.",
        "",
        f"On SQLite the check is one query on a private read-only connection, on the event "
        f"loop's thread, never waiting for a lock: **{comparison.probe_microseconds:.1f} µs** "
        "per request, measured in this run. On PostgreSQL it is one round trip on a small "
        "pool, in a worker thread.",
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
    targets = throughput_targets(comparison)
    uncached = comparison.find("service, cache off", "list")
    datasette = comparison.find("datasette", "list")
    floor = comparison.find("floor", "list")
    if not targets[2].met and uncached and datasette and floor:
        per_request = 1000 / uncached.result.requests_per_second
        goal = 1000 / (5 * datasette.result.requests_per_second)
        floor_ms = 1000 / floor.result.requests_per_second
        text = (
            f"**List page without the response cache** ({targets[2].measured.split(' ')[0]} "
            "Datasette's throughput): a request "
            f"takes about {per_request:.2f} ms of the server's core; 5 times Datasette "
            f"allows {goal:.2f} ms (the bare framework, the floor, takes {floor_ms:.2f} ms)."
        )
        profile = comparison.profiles.get("service, cache off: list")
        if profile:
            layers = ", ".join(f"{name} {share:.0f}%" for name, share in profile.by_layer[:5])
            text += f" Python work by layer (profile above): {layers}."
        text += (
            " Per request the route resolves and validates every filter parameter of the "
            "list (FastAPI dependencies, each run in the thread pool), opens a SQLAlchemy "
            "session and sends three statements (data version, page, list fields; the total "
            "is remembered), then serializes the page. Reaching 5 times Datasette without "
            "the cache would take a different path for uncached pages (parameters parsed "
            "by hand, prepared SQL on a raw connection, no dependency injection); the "
            "response cache is how the service meets the throughput targets instead."
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
                "model of the window with a positive value (about 60% of them) through "
                "SQLAlchemy, one Python row each with its date parsed into a `datetime.date`, "
                "before NumPy sees them (`api/trends/series.py`, `fetch_series`)."
            )
            if largest.trend_profile and largest.trend_profile.top_self:
                top = ", ".join(
                    f"`{fn}` {share:.0f}%" for fn, share in largest.trend_profile.top_self[:4]
                )
                text += f" Innermost frames in the profile above: {top}."
            text += (
                " Reading the dates as text and converting the whole column with NumPy, "
                "or computing the fit's sums in SQL, would remove most of it. Cached, the "
                f"same fit takes {_ms(trend.cached.p50)} ms (p50)."
            )
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
