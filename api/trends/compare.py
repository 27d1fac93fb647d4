"""The before/after comparison: two fits, the ratio of their slopes and, in words, what its
interval allows."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from api.provenance import Provenance
from api.resources.models.filters import ModelFilters
from api.trends.metrics import Metric
from api.trends.present import (
    TrendDataError,
    fit_or_raise,
    interval,
    trend_fit,
    where_text,
)
from api.trends.schemas import CompareResponse, TrendWindow
from api.trends.series import Excluded, Series
from api.trends.service import TrendQuery, context, load
from api.trends.stats.compare import SlopeComparison, compare_slopes
from api.trends.stats.fit import LogLinearFit

TEN: float = 10.0


def ten_times_faster(comparison: SlopeComparison) -> bool | None:
    """Is the slope after at least ten times the slope before, at the comparison's level?

    ``True`` when the whole (bounded) ratio interval is at or above 10, ``False`` when it lies
    below 10, ``None`` when it includes 10 or is not a bounded interval (the question cannot be
    settled from these data at this level).
    """
    low, high = comparison.ratio_ci.low, comparison.ratio_ci.high
    if comparison.ratio_ci_shape != "bounded" or low is None or high is None:
        return None
    if low >= TEN:
        return True
    if high < TEN:
        return False
    return None


def _interval_text(comparison: SlopeComparison, level: str) -> str:
    low, high = comparison.ratio_ci.low, comparison.ratio_ci.high
    if comparison.ratio_ci_shape == "bounded" and low is not None and high is not None:
        return f"{level} CI {low:.2f} to {high:.2f}"
    return (
        f"{level} CI unbounded, because the slope before is not clearly different from 0 "
        "at this level"
    )


def answer(
    metric: Metric,
    split: dt.date,
    before: LogLinearFit,
    after: LogLinearFit,
    comparison: SlopeComparison,
) -> str:
    """The comparison as one or two sentences, with its numbers and interval."""
    level = f"{comparison.ci_level * 100:g}%"
    b, a = before.slope_oom_per_year, after.slope_oom_per_year
    slopes = (
        f"{a:.3g} vs {b:.3g} orders of magnitude per year (x{after.growth_per_year:.3g} vs "
        f"x{before.growth_per_year:.3g} per year)"
    )
    ratio = comparison.ratio
    if ratio is None:
        return (
            f"Before {split} the fitted slope of {metric.value} is exactly 0, so no ratio "
            f"exists; from {split} on it is {a:.3g} orders of magnitude per year."
        )
    interval = _interval_text(comparison, level)
    if ratio <= 0:
        text = (
            f"The trend of {metric.value} changed direction at {split}: {slopes}, after vs "
            f"before (ratio {ratio:.2f}, {interval})."
        )
    else:
        text = (
            f"From {split} on, {metric.value} grew {ratio:.2f}x as fast (in orders of "
            f"magnitude per year) as before ({interval}): {slopes}."
        )
    verdict = ten_times_faster(comparison)
    if verdict is True:
        return text + f" Ten times as fast or more: the whole {level} interval is at least 10."
    if verdict is False:
        return text + f" Not ten times as fast: the whole {level} interval is below 10."
    return text + f" Whether it is ten times as fast is not settled at {level}."


def _side(
    session: Session, query: TrendQuery, start: dt.date | None, end: dt.date | None, label: str
) -> tuple[Series, Excluded, ModelFilters]:
    filters = query.clipped(start, end)
    if filters is None:
        raise TrendDataError(
            "too_few_points", 0, f"Cannot fit {query.metric.value} {label}: the window is empty"
        )
    series, excluded = load(session, query, filters)
    return series, excluded, filters


def get_comparison(
    session: Session, provenance: Provenance, query: TrendQuery, split: dt.date
) -> CompareResponse:
    """Fits before ``split`` and from ``split`` on, and the ratio of their slopes."""
    sides = []
    for label, start, end in (
        (f"before {split}", None, split),
        (f"from {split} on", split, None),
    ):
        series, excluded, filters = _side(session, query, start, end, label)
        where = label
        if query.filters.start or query.filters.end:
            where += f" within {where_text(query.filters.start, query.filters.end)}"
        fit = fit_or_raise(query.metric, series, query.ci, where)
        sides.append((fit, trend_fit(fit, series, excluded, filters.start, filters.end)))
    (before_fit, before), (after_fit, after) = sides
    comparison = compare_slopes(before_fit, after_fit, query.ci)
    window = TrendWindow(
        start=query.filters.start,
        end=query.filters.end,
        first_publication_date=before.window.first_publication_date,
        last_publication_date=after.window.last_publication_date,
    )
    return CompareResponse(
        window=window,
        ci=query.ci,
        split=split,
        before=before,
        after=after,
        ratio=comparison.ratio,
        ratio_ci=interval(comparison.ratio_ci),
        ratio_ci_shape=comparison.ratio_ci_shape,
        difference_oom_per_year=comparison.difference_oom_per_year,
        difference_oom_per_year_ci=interval(comparison.difference_ci),
        ten_times_faster=ten_times_faster(comparison),
        answer=answer(query.metric, split, before_fit, after_fit, comparison),
        comparison_method=comparison.method,
        method=query.fit_method(),
        **context(session, query, provenance),
    )
