"""Forecasts of a trend: the line at a date, the date of a value, and how many models will
be above a value by a date. Each extrapolates the log-linear fit it includes."""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

import numpy as np
from sqlmodel import Session

from api.errors import InvalidParameterError
from api.provenance import Provenance
from api.trends.answers import level_text, quantity, span, subject, years_of
from api.trends.explain import spanning_warnings
from api.trends.forecast_schemas import ForecastResponse, ThresholdResponse
from api.trends.metrics import METRICS
from api.trends.present import interval
from api.trends.schemas import TrendFit
from api.trends.series import Series
from api.trends.service import TrendQuery, context, fit_series
from api.trends.stats.dates import date_of_decimal_year, decimal_year
from api.trends.stats.fit import LogLinearFit
from api.trends.stats.forecast import forecast_at, year_reaching
from api.trends.stats.numeric import Interval, pow10
from api.trends.stats.threshold import DRAWS, MAX_HORIZON_YEARS, project_threshold

EXTRAPOLATION: Final = (
    "This extrapolates a log-linear fit (OLS of log10(value) on decimal year, the `fit` "
    "included): it assumes the fitted trend continues unchanged, which nothing in the data "
    "guarantees. "
)
FORECAST_METHOD: Final = EXTRAPOLATION + (
    "date=: the line at that date; mean_interval = line +- t * s * sqrt(1/n + (x - mean x)^2 / "
    "Sxx), prediction_interval (one new model) = line +- t * s * sqrt(1 + 1/n + (x - mean x)^2 "
    "/ Sxx), Student-t on n - 2 dof, mapped to value units. value=: the date the line reaches "
    "it, with the Fieller interval of the dates whose line interval contains the value "
    "(unbounded when the slope's interval includes zero)."
)
#: Years before the latest publication date whose models set the arrival rate.
RATE_YEARS: Final = 3.0
#: The seed of the threshold simulation (fixed: answers are reproducible and cacheable).
THRESHOLD_SEED: Final = 0


def _values(limits: Interval) -> Interval:
    return Interval(
        pow10(limits.low) if limits.low is not None else None,
        pow10(limits.high) if limits.high is not None else None,
    )


def _fit(session: Session, query: TrendQuery) -> tuple[LogLinearFit, Series, TrendFit, list[str]]:
    fit, series, result = fit_series(session, query)
    return fit, series, result, spanning_warnings(session, query, series)


def get_forecast(
    session: Session,
    provenance: Provenance,
    query: TrendQuery,
    date: dt.date | None,
    value: float | None,
) -> ForecastResponse:
    """The line at ``date``, or the date at which it reaches ``value`` (exactly one given)."""
    if (date is None) == (value is None):
        name = "date" if date is None else "value"
        which = "neither was given" if date is None else "both were given"
        raise InvalidParameterError(name, f"give exactly one of date= and value= ({which})")
    if value is not None and not (value > 0 and math.isfinite(value)):
        raise InvalidParameterError("value", f"must be a positive number, got {value!r}")
    fit, _, result, warnings = _fit(session, query)
    level = level_text(query.ci)
    who = subject(query.metric, query.describe())
    unit = METRICS[query.metric].unit
    basis = f"the log-linear fit {years_of(result)} (n={result.n})"
    date_interval: tuple[dt.date | None, dt.date | None] | None = None
    includes_zero = fit.slope_ci.contains(0.0)
    if value is not None:
        inverse = year_reaching(fit, math.log10(value))
        year = inverse.year
        date = date_of_decimal_year(year) if year is not None else None
        low, high = inverse.year_interval.low, inverse.year_interval.high
        date_interval = (
            date_of_decimal_year(low) if low is not None else None,
            date_of_decimal_year(high) if high is not None else None,
        )
        if date is None:
            answer = f"Extrapolating {basis}, {who.lower()} never reach {quantity(value)} {unit}."
        else:
            answer = (
                f"Extrapolating {basis}, the line of {who.lower()} reaches {quantity(value)} "
                f"{unit} on {date} ({level} CI {span(date_interval, _iso, ' to ')})."
            )
            if includes_zero:
                answer += " The slope's interval includes zero, so it may never reach it."
    else:
        assert date is not None
        year = decimal_year(date)
        answer = ""
    question = "value" if value is not None else "date"
    point = forecast_at(fit, year) if year is not None else None
    line = pow10(point.log10_value) if point else None
    mean = interval(_values(point.mean_interval)) if point else (None, None)
    new = interval(_values(point.prediction_interval)) if point else (None, None)
    if question == "date":
        answer = (
            f"Extrapolating {basis}, the line of {who.lower()} is at {quantity(line)} {unit} on "
            f"{date} ({level} CI {span(mean, quantity, ' to ')} for the line; one new model: "
            f"{span(new, quantity, ' to ')})."
        )
    ctx = context(session, query, provenance)
    ctx["warnings"] = [*ctx["warnings"], *warnings]
    return ForecastResponse(
        ci=query.ci,
        question=question,
        date=date,
        decimal_year=year,
        value=line if question == "date" else value,
        log10_value=point.log10_value if point else None,
        mean_interval=mean,
        prediction_interval=new,
        date_interval=date_interval,
        slope_interval_includes_zero=includes_zero,
        extrapolated=point.extrapolated if point else True,
        fit=result,
        method=FORECAST_METHOD,
        answer=answer,
        **ctx,
    )


def _iso(value: dt.date | None) -> str:
    return "unbounded" if value is None else value.isoformat()


def threshold_method(rate_years: float) -> str:
    """How the threshold projection is made, in words."""
    return EXTRAPOLATION + (
        "so_far: selected models with a value >= the threshold. New models arrive at the rate "
        f"of the last {rate_years:g} years of the data, from the latest publication date to "
        "`by`; each month's models have log10 values normal around the fitted line with the "
        "fit's residual standard deviation; expected_new integrates rate * P(value >= "
        f"threshold) over the months. The interval simulates {DRAWS} futures (seed "
        f"{THRESHOLD_SEED}): the line's level and slope from their sampling distributions, the "
        "rate from a Gamma(models + 1/2, years) distribution, a Poisson count of new models "
        "above the threshold; percentiles at level ci. It counts the models of this dataset "
        "(Epoch AI's notable models), not every model trained."
    )


def get_threshold(
    session: Session, provenance: Provenance, query: TrendQuery, value: float, by: dt.date
) -> ThresholdResponse:
    """Models above ``value`` so far, and the number projected by ``by``."""
    if not (value > 0 and math.isfinite(value)):
        raise InvalidParameterError("value", f"must be a positive number, got {value!r}")
    fit, series, result, warnings = _fit(session, query)
    last = series.date(series.n - 1)
    so_far = int(np.sum(series.values >= value))
    last_year = float(series.years[-1])
    rate_models = int(np.sum(series.years > last_year - RATE_YEARS))
    by_year = decimal_year(by)
    if by_year <= last_year:
        raise InvalidParameterError(
            "by", f"must be after the latest publication date of the selected models ({last})"
        )
    if by_year - last_year > MAX_HORIZON_YEARS:
        raise InvalidParameterError(
            "by",
            f"must be at most {MAX_HORIZON_YEARS} years after the latest publication date of "
            f"the selected models ({last}), got {by}",
        )
    p = project_threshold(
        fit,
        math.log10(value),
        so_far,
        last_year,
        by_year,
        rate_models,
        RATE_YEARS,
        THRESHOLD_SEED,
    )
    level = level_text(query.ci)
    who = subject(query.metric, query.describe()).lower()
    unit = METRICS[query.metric].unit
    answer = (
        f"{so_far} of the selected models ({who}) have at least {quantity(value)} {unit} up to "
        f"{last}; extrapolating the log-linear fit {years_of(result)} (n={result.n}) at "
        f"{p.rate_per_year:.3g} models per year, about {p.projected:.0f} are projected by {by} "
        f"({level} interval {span(interval(p.projected_interval), _count, ' to ')})."
    )
    ctx = context(session, query, provenance)
    ctx["warnings"] = [*ctx["warnings"], *warnings]
    return ThresholdResponse(
        ci=query.ci,
        value=value,
        by=by,
        so_far=so_far,
        counted_until=last,
        expected_new=p.expected_new,
        projected=p.projected,
        projected_interval=interval(p.projected_interval),
        rate_per_year=p.rate_per_year,
        rate_models=p.rate_models,
        rate_years=p.rate_years,
        fit=result,
        method=threshold_method(RATE_YEARS),
        answer=answer,
        **ctx,
    )


def _count(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:.0f}"
