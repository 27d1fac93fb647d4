"""Write docs/backtests.md: rolling-origin backtests of the four stored metrics, asked of a
running API on a freshly seeded database (``python -m bench.backtests``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from bench.trend_server import Api, seeded_api

METRICS = ("parameters", "training_compute", "training_dataset_size", "training_compute_cost")
QUERY: dict[str, Any] = {
    "start": "2010-01-01",
    "origins_from": "2015-01-01",
    "horizon_years": 3,
    "ci": 0.9,
}
OUTPUT = ROOT / "docs" / "backtests.md"


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def render(results: dict[str, dict[str, Any]], version: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in QUERY.items())
    lines = [
        "# Backtests of the trends",
        "",
        "Written by `python -m bench.backtests` (it seeds a temporary database, starts",
        "`dle serve` and asks `/v1/trends/{metric}/backtest?" + query + "`); do not edit",
        f"by hand. Data version `{version}`.",
        "",
        "At each origin (1 January of every year from 2015) an OLS fit of log10(value) on",
        "decimal year over the models published from 2010 up to the origin predicts the",
        "models of the next three years. *Median error* is the median of actual - predicted",
        "log10 value (positive: the trend under-predicted); *coverage* is the share of those",
        "models inside the 90% prediction interval (nominal 0.90). Totals: coverage pooled",
        "over every scored model (a model is scored once per origin whose horizon holds it),",
        "MAE = mean over origins of |median error|.",
        "",
        "| metric | origins scored | models scored | coverage (nominal 0.90) "
        "| MAE of the median (OOM) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for metric, body in results.items():
        scored = [o for o in body["origins"] if o["coverage"] is not None]
        lines.append(
            f"| {metric} | {len(scored)} | {body['scored_points']} | "
            f"{_num(body['coverage'], '.2f')} | {_num(body['mean_absolute_error_oom'], '.2f')} |"
        )
    for metric, body in results.items():
        lines += [
            "",
            f"## {metric}",
            "",
            body["answer"],
            "",
            "| origin | fitted on | scored | slope (OOM/yr) | median error (OOM) | MAE (OOM) "
            "| coverage |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for o in body["origins"]:
            lines.append(
                f"| {o['origin']} | {o['n_train']} | {o['n_test']} | "
                f"{_num(o['slope_oom_per_year'], '.3f')} | {_num(o['median_error_oom'], '+.2f')} | "
                f"{_num(o['mean_absolute_error_oom'], '.2f')} | {_num(o['coverage'], '.2f')} |"
                + (f" {o['reason']}" if o["reason"] else "")
            )
    return "\n".join(lines) + "\n"


def collect(api: Api) -> dict[str, dict[str, Any]]:
    return {m: api.get(f"/v1/trends/{m}/backtest", **QUERY) for m in METRICS}


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else OUTPUT
    with seeded_api() as api:
        results = collect(api)
        version = api.get("/v1/meta")["data_version"]
    output.write_text(render(results, version), encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
