"""Rolling-origin backtests of a trend: how well did a fit on the past predict the next
years?"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
from sqlmodel import Session

from api.provenance import Provenance
from api.trends.answers import level_text, subject
from api.trends.forecast_schemas import BacktestOrigin, BacktestResponse
from api.trends.service import TrendQuery, context, counted, load
from api.trends.stats.backtest import backtest
from api.trends.stats.dates import decimal_year

ORIGINS_FROM: Final = dt.date(2015, 1, 1)
HORIZON_YEARS: Final = 3


def backtest_method(horizon: int) -> str:
    """How the backtest is made, in words."""
    return (
        "Rolling origins on 1 January of every year from origins_from to the latest "
        "publication year: an OLS fit of log10(value) on decimal year over the selected models "
        f"published before the origin, scored on those published in the next {horizon} "
        "year(s); error = actual - predicted log10 value; coverage = share inside the "
        "prediction interval (t on n - 2 dof, level ci). Totals: coverage pooled over every "
        "scored model, mean_absolute_error_oom = mean over scored origins of |median error|. "
        "An origin is not scored when its past cannot be fitted or its horizon holds no model."
    )


def get_backtest(
    session: Session,
    provenance: Provenance,
    query: TrendQuery,
    origins_from: dt.date = ORIGINS_FROM,
    horizon_years: int = HORIZON_YEARS,
) -> BacktestResponse:
    """Fit on the models before each origin, score the next ``horizon_years`` years."""
    f = query.filters
    series, excluded = load(session, query, f)
    last_year = int(series.dates[-1].astype("datetime64[Y]").astype(int)) + 1970 if series.n else 0
    origins = [dt.date(y, 1, 1) for y in range(origins_from.year, last_year + 1)]
    if origins and origins[0] < origins_from:
        origins = origins[1:]
    x = np.array([decimal_year(o) for o in origins], dtype=np.float64)
    result = backtest(series.years, np.log10(series.values), x, float(horizon_years), query.ci)
    items = [
        BacktestOrigin(
            origin=origin,
            n_train=s.n_train,
            n_test=s.n_test,
            slope_oom_per_year=s.fit.slope_oom_per_year if s.fit else None,
            median_error_oom=s.median_error_oom,
            mean_absolute_error_oom=s.mean_absolute_error_oom,
            coverage=s.coverage,
            reason=s.reason,
        )
        for origin, s in zip(origins, result.origins, strict=True)
    ]
    scored = [i for i in items if i.coverage is not None]
    who = subject(query.metric, query.describe()).lower()
    if result.coverage is None or result.mean_absolute_error_oom is None:
        answer = f"No origin from {origins_from} could be scored for {who}."
    else:
        answer = (
            f"Fitted on the past at {len(scored)} yearly origins from {scored[0].origin}, the "
            f"trend of {who} predicted the next {horizon_years} year(s) with a median error of "
            f"{result.mean_absolute_error_oom:.2f} orders of magnitude on average; "
            f"{result.coverage * 100:.0f}% of {result.scored_points} later models fell inside "
            f"the {level_text(query.ci)} prediction interval."
        )
    return BacktestResponse(
        **counted(series, excluded, f),
        ci=query.ci,
        origins_from=origins_from,
        horizon_years=horizon_years,
        origins=items,
        coverage=result.coverage,
        mean_absolute_error_oom=result.mean_absolute_error_oom,
        scored_points=result.scored_points,
        method=backtest_method(horizon_years),
        answer=answer,
        **context(session, query, provenance),
    )
