"""The query parameters of the trend endpoints beyond the shared filters (declared with
their descriptions and examples; `trend_query` in routes.py lists the shared ones), and
the estimation parameters of the endpoints that fit one line per window (``estimation``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query

from api.listing.params import any_case
from api.trends.estimation import DEFAULT_BOOT, DEFAULT_SEED, Estimation
from api.trends.metrics import IntervalMethod, Method
from api.trends.stats.threshold import MAX_HORIZON_YEARS

TopQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=1000,
        description="Only models in the top N of the metric among the models (matching the "
        "other filters) published on or before their own publication date; same-day models "
        "compete, ties in value are all in. Epoch AI's frontier is top=10 by training "
        "compute.",
        examples=[10],
    ),
]

MethodQuery = Annotated[
    Annotated[Method, any_case(Method)],
    Query(
        description="ols: least squares (default); theil-sen: the robust median of "
        "pairwise slopes.",
        examples=["ols"],
    ),
]

IntervalQuery = Annotated[
    Annotated[IntervalMethod, any_case(IntervalMethod)],
    Query(
        description="t: Student-t intervals (default); bootstrap: percentile intervals "
        "from `boot` case resamples (with method=ols).",
        examples=["t"],
    ),
]

BootQuery = Annotated[
    int,
    Query(
        ge=100,
        le=20_000,
        description="Bootstrap resamples (interval=bootstrap).",
        examples=[2000],
    ),
]

SeedQuery = Annotated[
    int,
    Query(
        ge=0,
        le=2**32 - 1,
        description="Seed of the bootstrap's random draws; fixed by "
        "default, so answers are reproducible.",
        examples=[0],
    ),
]

MaxBreaksQuery = Annotated[
    int | None,
    Query(
        ge=0,
        le=3,
        description="Also fit piecewise lines with up to this many breaks, the number "
        "chosen by BIC (`piecewise`); absent: the single best break only.",
        examples=[3],
    ),
]

JumpQuery = Annotated[
    bool,
    Query(
        description="With max_breaks: true lets the line step at each break (separate "
        "lines), false keeps it continuous (only the slope changes).",
        examples=[True],
    ),
]

ClaimDateQuery = Annotated[
    dt.date,
    Query(
        description="With max_breaks: the date from which the story says growth became "
        "ten times faster; `piecewise.story` tests it.",
        examples=["2020-01-01"],
    ),
]

ForecastDateQuery = Annotated[
    dt.date | None,
    Query(
        description="The line's value at this date (ISO 8601); give this or `value`.",
        examples=["2030-01-01"],
    ),
]

ByQuery = Annotated[
    dt.date,
    Query(
        description="Project the count up to this date (after the latest model, at most "
        f"{MAX_HORIZON_YEARS} years after it).",
        examples=["2028-12-31"],
    ),
]

OriginsFromQuery = Annotated[
    dt.date,
    Query(
        description="First origin (origins are on 1 January of each year).",
        examples=["2015-01-01"],
    ),
]

HorizonQuery = Annotated[
    int,
    Query(ge=1, le=3, description="Years after each origin whose models are scored.", examples=[3]),
]

ForecastValueQuery = Annotated[
    float | None,
    Query(
        description="Ask when the line reaches this value (> 0, in the metric's unit); the "
        "other question's parameter must then be absent.",
        examples=[1e13],
    ),
]

ThresholdValueQuery = Annotated[
    float,
    Query(description="The threshold, in the metric's unit (> 0).", examples=[1e26]),
]


def estimation(
    method: MethodQuery = Method.ols,
    interval: IntervalQuery = IntervalMethod.t,
    boot: BootQuery = DEFAULT_BOOT,
    seed: SeedQuery = DEFAULT_SEED,
) -> Estimation:
    """How the fits of a request are estimated. Declared only by the endpoints whose answer
    is such a fit (the fit, the per-era fits and the scatter charts that draw them): the
    others compute intervals of their own, and refuse these parameters as unknown."""
    return Estimation(method=method, interval=interval, boot=boot, seed=seed)


EstimationDep = Annotated[Estimation, Depends(estimation)]
