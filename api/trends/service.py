"""Trend statistics of one metric: a fit, per-era fits, a before/after comparison, a
breakpoint, records and yearly summaries. Every result carries what produced it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from sqlmodel import Session

from api.errors import InvalidParameterError
from api.provenance import Provenance
from api.resources.models.filters import ModelFilters
from api.trends.compare import answer, ten_times_faster
from api.trends.eras import era_windows
from api.trends.metrics import METRICS, Confidence, Metric
from api.trends.present import (
    FIT_METHOD,
    REASON_OUTSIDE_WINDOW,
    TrendDataError,
    describe_degenerate,
    excluded_counts,
    fit_or_raise,
    interval,
    pooled_units_warning,
    trend_fit,
    where_text,
    window_of,
)
from api.trends.schemas import (
    BreakpointResponse,
    CompareResponse,
    ErasResponse,
    EraTrend,
    RecordItem,
    RecordsResponse,
    TrendFit,
    TrendResponse,
    TrendWindow,
    YearlyItem,
    YearlyResponse,
)
from api.trends.series import (
    Excluded,
    Series,
    count_excluded,
    fetch_series,
    fitted_domains,
    with_window,
)
from api.trends.stats.breakpoint import find_breakpoint
from api.trends.stats.compare import compare_slopes
from api.trends.stats.numeric import DegenerateFitError
from api.trends.stats.summaries import record_indices, summarize

BREAKPOINT_METHOD: Final = (
    "Two separate OLS lines of log10(value) on decimal year, for dates before the break and "
    "from the break on; the break is the candidate date (a publication date in the "
    "candidates range leaving at least min_points_per_side models, with two distinct dates, "
    "on each side) that minimises their total residual sum of squares; jump = after line - "
    "before line at the break, with a Welch-Satterthwaite t interval; F = Chow test of the "
    "two lines against one."
)
P_VALUE_NOTE: Final = (
    "Nominal: it treats the break date as fixed in advance, but the date was chosen to fit "
    "best, so the p-value overstates the evidence for a break."
)
RECORDS_METHOD: Final = (
    "A model sets a record when its value strictly exceeds that of every model published "
    "before it (same-day models are taken in dataset order); only positive values count."
)
YEARLY_METHOD: Final = (
    "Per calendar year of publication, over models with a positive value: count, min, median, "
    "90th percentile (numpy linear interpolation), max and geometric mean exp(mean(ln value)); "
    "years without such models are omitted."
)


@dataclass(frozen=True)
class TrendQuery:
    """What a trend request selects: a metric, the models, a confidence level."""

    metric: Metric
    filters: ModelFilters
    ci: float = 0.95
    min_confidence: Confidence | None = None

    def describe(self) -> dict[str, Any]:
        """The filters that are set, as given."""
        out = self.filters.describe()
        if self.min_confidence is not None:
            out["min_confidence"] = self.min_confidence.value
        return out

    def clipped(self, start: dt.date | None, end: dt.date | None) -> ModelFilters | None:
        """The filters restricted to ``[start, end)`` as well; ``None`` when that is empty."""
        lo = _later(self.filters.start, start)
        hi = _earlier(self.filters.end, end)
        if lo is not None and hi is not None and lo >= hi:
            return None
        return with_window(self.filters, lo, hi)


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


def trend_warnings(session: Session, query: TrendQuery) -> list[str]:
    """Caveats of a result over ``query``'s models (pooled units of dataset sizes)."""
    if query.metric is not Metric.training_dataset_size:
        return []
    return pooled_units_warning(query.metric, fitted_domains(session, query.metric, query.filters))


def _context(session: Session, query: TrendQuery, provenance: Provenance) -> dict[str, Any]:
    return {
        "metric": query.metric,
        "unit": METRICS[query.metric].unit,
        "filters": query.describe(),
        "warnings": trend_warnings(session, query),
        "meta": provenance.as_meta(),
    }


def _load(session: Session, query: TrendQuery, filters: ModelFilters) -> tuple[Series, Excluded]:
    return (
        fetch_series(session, query.metric, filters),
        count_excluded(session, query.metric, filters),
    )


def fit_trend(session: Session, query: TrendQuery) -> TrendFit:
    """One log-linear fit over the filtered models; :class:`TrendDataError` if degenerate."""
    f = query.filters
    series, excluded = _load(session, query, f)
    fit = fit_or_raise(query.metric, series, query.ci, where_text(f.start, f.end))
    return trend_fit(fit, series, excluded, f.start, f.end)


def get_trend(session: Session, provenance: Provenance, query: TrendQuery) -> TrendResponse:
    """One log-linear fit over the filtered models; 422 when the data are degenerate."""
    result = fit_trend(session, query)
    return TrendResponse(
        **result.model_dump(), method=FIT_METHOD, **_context(session, query, provenance)
    )


def get_era_trends(session: Session, provenance: Provenance, query: TrendQuery) -> ErasResponse:
    """One fit per era; an era with too little data has a null fit and a reason."""
    eras, source = era_windows(session)
    whole = fetch_series(session, query.metric, query.filters)
    items = []
    for era in eras:
        filters = query.clipped(era.start_date, era.end_date)
        base: dict[str, Any] = {"slug": era.slug, "name": era.name}
        base |= {"start_date": era.start_date, "end_date": era.end_date}
        if filters is None:
            items.append(
                EraTrend(
                    **base,
                    n=0,
                    excluded=excluded_counts(Excluded(0, 0)),
                    fit=None,
                    reason=REASON_OUTSIDE_WINDOW,
                    detail="the era lies outside the requested window",
                )
            )
            continue
        series = _between(whole, filters.start, filters.end)
        excluded = count_excluded(session, query.metric, filters)
        where = f"in era {era.slug} {where_text(filters.start, filters.end)}"
        try:
            fit = fit_or_raise(query.metric, series, query.ci, where)
        except TrendDataError as error:
            items.append(
                EraTrend(
                    **base,
                    n=series.n,
                    excluded=excluded_counts(excluded),
                    fit=None,
                    reason=error.reason,
                    detail=error.detail,
                )
            )
            continue
        items.append(
            EraTrend(
                **base,
                n=series.n,
                excluded=excluded_counts(excluded),
                fit=trend_fit(fit, series, excluded, filters.start, filters.end),
                reason=None,
                detail=None,
            )
        )
    return ErasResponse(
        window=window_of(whole, query.filters.start, query.filters.end),
        ci=query.ci,
        eras_source=source,
        items=items,
        method=FIT_METHOD + " One fit per era, over the models published within it.",
        **_context(session, query, provenance),
    )


def _between(series: Series, start: dt.date | None, end: dt.date | None) -> Series:
    mask = np.ones(series.n, dtype=bool)
    if start is not None:
        mask &= series.dates >= np.datetime64(start, "D")
    if end is not None:
        mask &= series.dates < np.datetime64(end, "D")
    return series.subset(mask)


def _side(
    session: Session, query: TrendQuery, start: dt.date | None, end: dt.date | None, label: str
) -> tuple[Series, Excluded, ModelFilters]:
    filters = query.clipped(start, end)
    if filters is None:
        raise TrendDataError(
            "too_few_points", 0, f"Cannot fit {query.metric.value} {label}: the window is empty"
        )
    series, excluded = _load(session, query, filters)
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
        method=FIT_METHOD,
        **_context(session, query, provenance),
    )


def get_breakpoint(
    session: Session,
    provenance: Provenance,
    query: TrendQuery,
    *,
    min_points_per_side: int = 10,
    candidates_from: dt.date | None = None,
    candidates_to: dt.date | None = None,
) -> BreakpointResponse:
    """The break date minimising the residuals of two lines, with the jump at the break."""
    if candidates_from and candidates_to and candidates_from >= candidates_to:
        raise InvalidParameterError(
            "candidates_from",
            f"candidates_from ({candidates_from}) must be before candidates_to "
            f"({candidates_to}); candidates_to is exclusive",
        )
    f = query.filters
    series, excluded = _load(session, query, f)
    candidates = None
    if candidates_from is not None or candidates_to is not None:
        candidates = np.unique(_between(series, candidates_from, candidates_to).years)
    try:
        bp = find_breakpoint(series.years, series.values, candidates, min_points_per_side, query.ci)
    except DegenerateFitError as error:
        where = f"with a break {where_text(f.start, f.end)}"
        message = describe_degenerate(query.metric, error, series.n, where)
        if error.reason == "too_few_points":
            message = (
                f"Cannot fit {query.metric.value} {where}: two segments of at least "
                f"min_points_per_side={min_points_per_side} models need "
                f"{2 * min_points_per_side} models with a positive value; found n={series.n}"
            )
        raise TrendDataError(error.reason, series.n, message) from error
    split = int(np.searchsorted(series.years, bp.break_year, side="left"))
    break_date = series.date(split)
    fits = []
    for start, end, part, side_fit in (
        (f.start, break_date, series.subset(np.arange(series.n) < split), bp.before),
        (break_date, f.end, series.subset(np.arange(series.n) >= split), bp.after),
    ):
        side_filters = query.clipped(start, end)
        assert side_filters is not None  # both sides hold points
        side_excluded = count_excluded(session, query.metric, side_filters)
        fits.append(trend_fit(side_fit, part, side_excluded, start, end))
    return BreakpointResponse(
        window=window_of(series, f.start, f.end),
        ci=query.ci,
        n=series.n,
        excluded=excluded_counts(excluded),
        break_date=break_date,
        break_decimal_year=bp.break_year,
        jump_oom=bp.jump_oom,
        jump_oom_ci=interval(bp.jump_ci),
        before=fits[0],
        after=fits[1],
        single_line=trend_fit(bp.single_line, series, excluded, f.start, f.end),
        sse=bp.sse,
        sse_single_line=bp.sse_single_line,
        f_statistic=bp.f_statistic,
        p_value=bp.p_value,
        p_value_note=P_VALUE_NOTE,
        candidates_tested=bp.candidates_tested,
        candidates_from=candidates_from,
        candidates_to=candidates_to,
        min_points_per_side=bp.min_points_per_side,
        method=BREAKPOINT_METHOD,
        **_context(session, query, provenance),
    )


def get_records(session: Session, provenance: Provenance, query: TrendQuery) -> RecordsResponse:
    """Models that beat every earlier value of the metric, in date order."""
    f = query.filters
    series = fetch_series(session, query.metric, f, labels=True)
    excluded = count_excluded(session, query.metric, f)
    items = []
    previous: float | None = None
    for i in record_indices(series.years, series.values):
        value = float(series.values[i])
        items.append(
            RecordItem(
                slug=series.slugs[i],
                name=series.names[i],
                publication_date=series.date(i),
                value=value,
                previous_record_value=previous,
                ratio_over_previous=value / previous if previous is not None else None,
            )
        )
        previous = value
    return RecordsResponse(
        window=window_of(series, f.start, f.end),
        n=series.n,
        excluded=excluded_counts(excluded),
        items=items,
        method=RECORDS_METHOD,
        **_context(session, query, provenance),
    )


def get_yearly(session: Session, provenance: Provenance, query: TrendQuery) -> YearlyResponse:
    """Count, min, median, p90, max and geometric mean per publication year."""
    f = query.filters
    series, excluded = _load(session, query, f)
    years = series.dates.astype("datetime64[Y]").astype(np.int64) + 1970
    items = []
    if series.n:
        distinct, starts = np.unique(years, return_index=True)
        ends = [*starts[1:], series.n]
        for year, lo, hi in zip(distinct, starts, ends, strict=True):
            s = summarize(series.values[lo:hi])
            items.append(
                YearlyItem(
                    year=int(year),
                    count=s.count,
                    min=s.min,
                    median=s.median,
                    p90=s.p90,
                    max=s.max,
                    geometric_mean=s.geometric_mean,
                )
            )
    return YearlyResponse(
        window=window_of(series, f.start, f.end),
        n=series.n,
        excluded=excluded_counts(excluded),
        items=items,
        method=YEARLY_METHOD,
        **_context(session, query, provenance),
    )
