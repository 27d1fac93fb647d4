"""Turn the pure statistics of :mod:`api.trends.stats` into response objects."""

from __future__ import annotations

import datetime as dt
from typing import Final

from api.errors import ApiError, FieldError
from api.trends.estimation import Estimation
from api.trends.metrics import IntervalMethod, Method, Metric
from api.trends.schemas import (
    ExcludedCounts,
    FittedLine,
    Interval,
    LinePoint,
    TrendFit,
    TrendWindow,
)
from api.trends.series import Excluded, Series
from api.trends.stats.dates import decimal_year
from api.trends.stats.fit import LogLinearFit, fit_loglinear
from api.trends.stats.numeric import DegenerateFitError, finite_or_none, pow10
from api.trends.stats.numeric import Interval as MathInterval

INTERCEPT_YEAR: Final = 2000.0

FIT_METHOD: Final = (
    "OLS of log10(value) on decimal year; t-based intervals. Decimal year = year + "
    "(day_of_year - 1) / days_in_year of the publication date; only models with a positive "
    "value are fitted; intervals use Student-t quantiles on n - 2 degrees of freedom at level "
    "ci; growth = 10^slope per year; doubling time = 12*log10(2)/slope months."
)

REASON_OUTSIDE_WINDOW: Final = "outside_window"
DEFAULT_ESTIMATION: Final = Estimation()


class TrendDataError(ApiError):
    """The selected models cannot support the statistic (too few points, one date...)."""

    status = 422
    title = "Not enough data for a trend"

    def __init__(self, reason: str, n: int, message: str) -> None:
        super().__init__(
            f"{message} (reason: {reason})",
            errors=[FieldError(loc=["query"], msg=message, type=reason)],
        )
        self.reason = reason
        self.n = n


def interval(iv: MathInterval) -> Interval:
    """``[low, high]`` with ``None`` for unbounded limits."""
    return (finite_or_none(iv.low), finite_or_none(iv.high))


def excluded_counts(excluded: Excluded) -> ExcludedCounts:
    """The response form of excluded counts."""
    return ExcludedCounts(
        no_value=excluded.no_value, non_positive=excluded.non_positive, no_date=excluded.no_date
    )


def window_of(series: Series, start: dt.date | None, end: dt.date | None) -> TrendWindow:
    """The requested window and the first/last publication dates used."""
    return TrendWindow(
        start=start,
        end=end,
        first_publication_date=series.date(0) if series.n else None,
        last_publication_date=series.date(series.n - 1) if series.n else None,
    )


def describe_degenerate(metric: Metric, error: DegenerateFitError, n: int, where: str) -> str:
    """A sentence saying why ``metric`` cannot be fitted ``where``."""
    why = {
        "too_few_points": "a line needs at least 3 models with a positive value",
        "single_distinct_date": "all the models share one publication date",
        "no_valid_candidate": "no candidate break date leaves enough models on both sides",
    }.get(error.reason, str(error))
    return f"Cannot fit {metric.value} {where}: {why}; found n={n}"


def fit_or_raise(
    metric: Metric,
    series: Series,
    ci: float,
    where: str,
    estimation: Estimation = DEFAULT_ESTIMATION,
) -> LogLinearFit:
    """:func:`fit_loglinear` of ``series``, re-estimated as ``estimation`` asks; a 422 naming
    the reason when it is degenerate."""
    try:
        return estimation.apply(fit_loglinear(series.years, series.values, ci), series)
    except DegenerateFitError as error:
        raise TrendDataError(
            error.reason, series.n, describe_degenerate(metric, error, series.n, where)
        ) from error


def where_text(start: dt.date | None, end: dt.date | None) -> str:
    """The window in words, for error messages."""
    if start is None and end is None:
        return "over all dates"
    return f"in [{start or 'the beginning'}, {end or 'now'})"


def _line_point(fit: LogLinearFit, date: dt.date) -> LinePoint:
    x = decimal_year(date)
    level = fit.predict(x)
    return LinePoint(
        date=date,
        decimal_year=x,
        log10_value=level,
        value=pow10(level),
        log10_value_ci=interval(fit.predict_ci(x)),
    )


def doubling_note(fit: LogLinearFit) -> str | None:
    """Why the doubling time, or a limit of its interval, is null."""
    slope = fit.slope_oom_per_year
    if fit.doubling_time_reason == "declining":
        halving = fit.halving_time_months
        tail = f"; it halves every {halving:.3g} months" if halving is not None else ""
        return f"the fitted slope is negative ({slope:.3g} OOM/year): no doubling{tail}"
    if fit.doubling_time_reason == "flat":
        return "the fitted slope is exactly 0: no doubling"
    if fit.doubling_time_reason is not None:
        return "the fitted slope is too close to 0 for a finite doubling time"
    if fit.doubling_time_ci.high is None:
        return (
            "the slope's interval reaches 0 or below, so the doubling time's interval is "
            "unbounded above"
        )
    return None


def trend_fit(
    fit: LogLinearFit,
    series: Series,
    excluded: Excluded,
    start: dt.date | None,
    end: dt.date | None,
) -> TrendFit:
    """A fit with its window, counts and the fitted line at the window's ends."""
    first = start or series.date(0)
    last = end or series.date(series.n - 1)
    return TrendFit(
        window=window_of(series, start, end),
        n=fit.n,
        excluded=excluded_counts(excluded),
        ci=fit.ci_level,
        slope_oom_per_year=fit.slope_oom_per_year,
        slope_oom_per_year_ci=interval(fit.slope_ci),
        slope_stderr=fit.slope_stderr if fit.estimator == Method.ols.value else None,
        growth_per_year=fit.growth_per_year,
        growth_per_year_ci=interval(fit.growth_per_year_ci),
        doubling_time_months=finite_or_none(fit.doubling_time_months),
        doubling_time_months_ci=interval(fit.doubling_time_ci),
        doubling_time_note=doubling_note(fit),
        r_squared=fit.r_squared,
        residual_std_oom=fit.residual_std,
        intercept_year=INTERCEPT_YEAR,
        intercept_log10=fit.predict(INTERCEPT_YEAR),
        intercept_log10_ci=interval(fit.predict_ci(INTERCEPT_YEAR)),
        fitted_line=FittedLine(start=_line_point(fit, first), end=_line_point(fit, last)),
        estimator=Method(fit.estimator),
        interval_method=IntervalMethod(fit.interval_method),
    )


def pooled_units_warning(metric: Metric, domains: list[str]) -> list[str]:
    """A warning when dataset sizes of several domains (different units) are pooled."""
    if metric is not Metric.training_dataset_size or len(domains) <= 1:
        return []
    return [
        "training_dataset_size pools domains whose units differ (tokens, images, ...): "
        f"{', '.join(domains)}; filter on one domain (domain=...) for a like-for-like trend"
    ]
