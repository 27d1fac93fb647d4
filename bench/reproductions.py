"""Write docs/reproductions.md: published trend figures beside the API's answers for the same
window, selection, level and method, asked of a running API on a freshly seeded database
(``python -m bench.reproductions``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from bench.trend_server import Api, seeded_api

OUTPUT = ROOT / "docs" / "reproductions.md"
DOUBLING = "doubling_time_months"
GROWTH = "growth_per_year"
SLOPE = "slope_oom_per_year"
UNITS = {DOUBLING: "months to double", GROWTH: "x per year", SLOPE: "OOM per year"}


@dataclass(frozen=True)
class Figure:
    """One published figure and the API question that matches it."""

    source: str
    claim: str
    quantity: str
    published: float
    published_ci: tuple[float, float] | None
    metric: str
    params: dict[str, Any]
    differences: str
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)


SEVILLA = "Sevilla et al. 2022, arXiv 2202.05924"
EPOCH = "Epoch AI 2024"
VILLALOBOS = "Villalobos et al. 2022, arXiv 2207.02852"
COTTIER = "Cottier et al. 2024, arXiv 2405.21015"

FIGURES = (
    Figure(
        SEVILLA,
        "training compute doubled every 21.3 months before 2010",
        DOUBLING,
        21.3,
        None,
        "training_compute",
        {"start": "1952-01-01", "end": "2010-01-01"},
        "Sevilla et al. fitted their own 2022 dataset of milestone systems; this dataset is "
        "Epoch AI's later Notable AI Models, whose pre-2010 models (and compute estimates) "
        "differ. Both are OLS of log10(compute) on the date.",
    ),
    Figure(
        SEVILLA,
        "training compute doubled every 5.7 months from 2010 to 2022",
        DOUBLING,
        5.7,
        None,
        "training_compute",
        {"start": "2010-01-01", "end": "2022-01-01"},
        "Sevilla et al. fitted the deep-learning era without the large-scale models they "
        "separated out as a second trend; here every notable model of the window is in one "
        "line, and the dataset has grown and been revised since 2022.",
    ),
    Figure(
        SEVILLA,
        "large-scale models (from late 2015) doubled every 9.9 months",
        DOUBLING,
        9.9,
        None,
        "training_compute",
        {"start": "2015-10-01", "end": "2022-01-01", "top": 10},
        "Sevilla et al. chose large-scale models as those far above the trend of their time; "
        "the nearest selection here is the top 10 by compute at release (top=10), which "
        "admits other models.",
    ),
    Figure(
        EPOCH,
        "training compute of notable models grew 4.1x per year (90% CI 3.7-4.6), 2010 to May 2024",
        GROWTH,
        4.1,
        (3.7, 4.6),
        "training_compute",
        {"start": "2010-01-01", "end": "2024-05-01", "ci": 0.9},
        "Same dataset family and window; Epoch AI's figure comes from its dataset of May "
        "2024, which has since gained models and revised estimates. The t interval assumes "
        "independent, equal-variance residuals; the bootstrap row relaxes that.",
        {"bootstrap": {"interval": "bootstrap"}},
    ),
    Figure(
        EPOCH,
        "frontier models (top 10 by compute at release) grew 5.3x per year (90% CI 4.9-5.7)",
        GROWTH,
        5.3,
        (4.9, 5.7),
        "training_compute",
        {"start": "2010-01-01", "end": "2024-05-01", "ci": 0.9, "top": 10},
        "The selection is Epoch AI's (top 10 at release, ties admitted, same-day models "
        "competing); differences come from the dataset's later additions and revisions, "
        "which change who was in the top 10 at each date.",
        {"bootstrap": {"interval": "bootstrap"}},
    ),
    Figure(
        VILLALOBOS,
        "parameters grew about 0.1 orders of magnitude per year until 2018",
        SLOPE,
        0.1,
        None,
        "parameters",
        {"end": "2018-01-01"},
        "Villalobos et al. state a rounded rate over their own 2022 dataset from the 1950s; "
        "this fit is every notable model with a parameter count published before 2018.",
    ),
    Figure(
        COTTIER,
        "training cost of frontier models grew 2.4x per year (90% CI 2.0-2.9) since 2016",
        GROWTH,
        2.4,
        (2.0, 2.9),
        "training_compute_cost",
        {"start": "2016-01-01", "ci": 0.9, "top": 10},
        "Cottier et al. selected frontier models by training compute and estimated costs from "
        "hardware prices (amortised); here top=10 ranks by the cost itself and the costs are "
        "Epoch AI's 2023-USD cloud-equivalent estimates, over a window that runs later.",
        {"frontier=true": {"top": None, "frontier": "true"}},
    ),
)

THRESHOLDS = (
    ("Epoch AI", "about 30 models above 1e26 FLOP by the start of 2027", "2027-01-01", 0.9),
    ("Epoch AI", "over 200 models above 1e26 FLOP by 2030", "2030-01-01", 0.9),
    ("GovAI", "45-148 models above 1e26 FLOP by the end of 2028 (90% CI)", "2028-12-31", 0.9),
)
THRESHOLD_PARAMS = {"start": "2010-01-01", "value": "1e26"}


def _fmt(value: float | None) -> str:
    if value is None:
        return "unbounded"
    return f"{value:.3g}"


def _ci(body: dict[str, Any], quantity: str) -> tuple[float | None, float | None]:
    low, high = body[f"{quantity}_ci"]
    return low, high


def _comparison(figure: Figure, body: dict[str, Any]) -> str:
    value = body[figure.quantity]
    low, high = _ci(body, figure.quantity)
    inside = (low is None or low <= figure.published) and (high is None or figure.published <= high)
    ratio = value / figure.published if value is not None else None
    where = "inside" if inside else "outside"
    text = (
        f"The API's estimate is {ratio:.2f} times the published one; the published point "
        f"lies {where} the API's {body['ci'] * 100:g}% interval."
    )
    if figure.published_ci is not None:
        plo, phi = figure.published_ci
        overlap = (high is None or plo <= high) and (low is None or low <= phi)
        text += f" The two intervals {'overlap' if overlap else 'do not overlap'}."
    return text


def _url(metric: str, params: dict[str, Any]) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return f"/v1/trends/{metric}" + (f"?{query}" if query else "")


def render(api: Api) -> str:
    version = api.get("/v1/meta")["data_version"]
    lines = [
        "# Reproductions of published trends",
        "",
        "Written by `python -m bench.reproductions`: it seeds a temporary database, starts",
        "`dle serve` and asks the API each question below; do not edit by hand.",
        f"Data version `{version}`. Every API figure is an OLS fit of log10(value) on decimal",
        "year unless the row says otherwise; intervals are at the level the publication used.",
        "",
        "| source | published | API question | API answer | n |",
        "| --- | --- | --- | --- | ---: |",
    ]
    notes: list[str] = []
    for i, figure in enumerate(FIGURES, 1):
        variants = {"": figure.params} | {
            name: figure.params | change for name, change in figure.extra.items()
        }
        for name, params in variants.items():
            body = api.get(f"/v1/trends/{figure.metric}", **params)
            low, high = _ci(body, figure.quantity)
            published = f"{figure.published:g} {UNITS[figure.quantity]}"
            if figure.published_ci:
                published += f" ({figure.published_ci[0]:g}-{figure.published_ci[1]:g})"
            answer = (
                f"{_fmt(body[figure.quantity])} ({_fmt(low)}-{_fmt(high)}) {UNITS[figure.quantity]}"
            )
            label = f"[{i}]" + (f" {name}" if name else "")
            lines.append(
                f"| {figure.source} {label} | {figure.claim}: {published} | "
                f"`{_url(figure.metric, params)}` | {answer} | {body['n']} |"
            )
            if not name:
                window = body["window"]
                notes.append(
                    f"{i}. {figure.claim} ({figure.source}). The API fitted {body['n']} models "
                    f"published {window['first_publication_date']} to "
                    f"{window['last_publication_date']}: {body['answer']} "
                    f"{_comparison(figure, body)} Why they differ: {figure.differences}"
                )
    lines += ["", "## Differences", "", *notes, "", "## Models above 1e26 FLOP", ""]
    lines += [
        "`/v1/trends/training_compute/threshold?start=2010-01-01&value=1e26&by=...&ci=0.9`: the",
        "count so far, and the count projected from the log-linear fit and the recent arrival",
        "rate of notable models (see the answer's `method`).",
        "",
        "| source | published | by | so far | API projection (90% interval) |",
        "| --- | --- | --- | ---: | --- |",
    ]
    threshold_notes = []
    for source, claim, by, ci in THRESHOLDS:
        body = api.get("/v1/trends/training_compute/threshold", **THRESHOLD_PARAMS, by=by, ci=ci)
        low, high = body["projected_interval"]
        lines.append(
            f"| {source} | {claim} | {by} | {body['so_far']} | "
            f"{body['projected']:.0f} ({low:.0f}-{high:.0f}) |"
        )
        threshold_notes.append(body["answer"])
    lines += [
        "",
        *threshold_notes,
        "",
        "Why they differ: the published projections count every model expected to be trained "
        "above 1e26 FLOP (from hardware, investment and industry data); this API counts Epoch "
        "AI's notable models only and extrapolates their own trend and arrival rate, so it "
        "measures a subset, and its interval carries only the uncertainty of the fit and of "
        "the rate.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else OUTPUT
    with seeded_api() as api:
        text = render(api)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
