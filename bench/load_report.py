"""docs/benchmarks-load.md from the measurements of bench/load.py."""

from __future__ import annotations

from typing import Any

MEMORY_TOLERANCE = 1.10


def verdicts(result: dict[str, Any]) -> dict[str, bool]:
    """Each criterion of the load test, met or not."""
    statuses = result["statuses"]
    non_2xx = sum(statuses.get(key, 0) for key in ("c3xx", "c4xx", "c5xx", "other"))
    memory = result["memory"].values()
    return {
        "zero socket errors": result["socket_errors"] == 0,
        "zero 5xx": statuses.get("c5xx", 0) == 0 and bool(statuses),
        "zero other non-2xx": non_2xx - statuses.get("c5xx", 0) == 0,
        "every re-seed landed": bool(result["reseeds"])
        and all(seed["exit"] == 0 for seed in result["reseeds"]),
        "no mixed answer": not result["mixed"] and not result["check_errors"],
        "memory at the end within 10% of the plateau": bool(memory)
        and all(worker["ratio"] <= MEMORY_TOLERANCE for worker in memory),
        "no traceback in the server log": result["tracebacks_in_log"] == 0,
    }


def _row(result: dict[str, Any]) -> str:
    statuses = result["statuses"]
    seeds = result["reseeds"]
    landed = sum(1 for seed in seeds if seed["exit"] == 0)
    durations = sorted(seed["seconds"] for seed in seeds)
    slowest = f"{durations[-1]:.1f} s" if durations else "-"
    memory = result["memory"].values()
    ratios = ", ".join(f"{w['plateau_mb']:.0f}→{w['end_mb']:.0f} MiB" for w in memory)
    ok = all(verdicts(result).values())
    return (
        f"| {result['backend']} | {result['variant']} | {result['requests']:,} "
        f"| {result['requests_per_second']:,.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} "
        f"| {result['socket_errors']} | {statuses.get('c5xx', 0)} "
        f"| {statuses.get('c4xx', 0) + statuses.get('c3xx', 0) + statuses.get('other', 0)} "
        f"| {landed} of {len(seeds)} (slowest {slowest}) | {result['checks']:,}, "
        f"{len(result['mixed'])} mixed | {ratios} | {'**pass**' if ok else '**FAIL**'} |"
    )


def render(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """The whole document."""
    args = meta["args"]
    lines = [
        "# Load test",
        "",
        "Every figure below comes from one run of one command, from the repository root:",
        "",
        "```bash",
        "python bench/load.py",
        "```",
        "",
        "(run it with the project's virtualenv, `.venv/bin/python bench/load.py`, after",
        "`./scripts/test` or `scripts/serve` has installed it; it needs `wrk`, and for",
        "PostgreSQL a server where it may create a database: `--postgres-url`, default",
        "`postgresql+psycopg://postgres@127.0.0.1:5432/postgres`.)",
        "",
        f"- Run: {meta['started']}, {meta['minutes']} minutes, commit {meta['commit']}.",
        f"- Load average (1, 5, 15 min) before: {' '.join(map(str, meta['load_before']))}; "
        f"after: {' '.join(map(str, meta['load_after']))}.",
        f"- Each run: `dle serve --workers {args['workers']} --no-access-log` on a freshly "
        f"migrated and seeded database; `wrk -t{args['threads']} -c{args['connections']} "
        f"-d{args['seconds']}s --timeout 10s` with the mix script of `bench/load_mix.py`, "
        f"after {args.get('warmup', '0')} s of the same load unmeasured; "
        f"a re-seed every {args['reseed_every']} s alternating between the shipped data "
        "and a copy with 7 models fewer (two data versions); a checker asking for a list "
        "page throughout (the data version of the header and of the body and the total "
        "must agree); the workers' resident memory sampled twice a second.",
        "- `mix`: realistic requests drawn by weight: lists with varied filters and sorts, "
        "details, facets, milestones, eras, timeline, every trend endpoint of every metric, "
        "the summary, meta, and full downloads (models CSV and NDJSON, milestones CSV, "
        "a yearly trend CSV). `busting`: the same kinds of requests with random valid "
        "numbers (limits, thresholds, date windows) so that nearly every one misses the "
        "response cache and the list totals cache; its server runs with "
        "`DLE_CACHE_MAX_BYTES=16777216` (16 MiB a worker, reached within the run, so the "
        "memory criterion sees the bound hold; the default 64 MiB fills more slowly).",
        "- Server, wrk and the checker share the machine's two cores; this is a robustness "
        "test, not a throughput benchmark (see docs/benchmarks.md for those).",
        "",
        "## Results",
        "",
        "| backend | variant | requests | req/s | p50 ms | p99 ms | socket errors | 5xx "
        "| other non-2xx | re-seeds landed | consistency checks | memory per worker "
        "(plateau→end) | verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |",
    ]
    lines += [_row(result) for result in results]
    lines += [
        "",
        "The plateau is a worker's resident memory halfway through the run; the criterion "
        "is the memory at the end within 10% of it (a bound cache fills and stops; a leak "
        "keeps growing).",
        "",
        "## Criteria",
        "",
    ]
    for result in results:
        checks = verdicts(result)
        failed = [name for name, ok in checks.items() if not ok]
        state = "all met" if not failed else "not met: " + "; ".join(failed)
        lines.append(f"- {result['backend']} / {result['variant']}: {state}.")
    lines += ["", "## Re-seeds during the runs", ""]
    for result in results:
        seeds = ", ".join(
            f"{seed['at_s']:.0f} s: {'exit 0' if seed['exit'] == 0 else 'FAILED'} in "
            f"{seed['seconds']:.1f} s"
            for seed in result["reseeds"]
        )
        versions = ", ".join(f"{v}: {n:,}" for v, n in result["versions_seen"].items())
        lines.append(
            f"- {result['backend']} / {result['variant']}: {seeds or 'none'}; answers by "
            f"data version seen by the checker: {versions}."
        )
        failures = [seed["output"] for seed in result["reseeds"] if seed["exit"] != 0]
        lines += [f"  - failure: `{text}`" for text in failures[:3]]
    lines.append("")
    return "\n".join(lines)
