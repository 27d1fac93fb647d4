"""Trend statistics of one metric: what every trend request shares (the query, its context,
the data it loads) and the single fit, records and yearly summaries. Per-era fits, the
before/after comparison and the breakpoint build on these in their own modules. Every result
carries what produced it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from sqlmodel import Session

from api.provenance import Provenance
from api.resources.models.filters import ModelFilters
from api.trends.citation import Citation
from api.trends.metrics import METRICS, Confidence, Metric
from api.trends.present import (
    FIT_METHOD,
    excluded_counts,
    fit_or_raise,
    pooled_units_warning,
    trend_fit,
    where_text,
    window_of,
)
from api.trends.schemas import (
    RecordItem,
    RecordsResponse,
    TrendFit,
    TrendResponse,
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
from api.trends.stats.summaries import record_indices, summarize

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
    version: str | None = None
    citation: Citation | None = None

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


def context(session: Session, query: TrendQuery, provenance: Provenance) -> dict[str, Any]:
    return {
        "metric": query.metric,
        "unit": METRICS[query.metric].unit,
        "filters": query.describe(),
        "warnings": trend_warnings(session, query),
        "meta": provenance.as_meta(),
        "citation": query.citation,
    }


def load(session: Session, query: TrendQuery, filters: ModelFilters) -> tuple[Series, Excluded]:
    return (
        fetch_series(session, query.metric, filters),
        count_excluded(session, query.metric, filters),
    )


def fit_trend(session: Session, query: TrendQuery) -> TrendFit:
    """One log-linear fit over the filtered models; :class:`TrendDataError` if degenerate."""
    f = query.filters
    series, excluded = load(session, query, f)
    fit = fit_or_raise(query.metric, series, query.ci, where_text(f.start, f.end))
    return trend_fit(fit, series, excluded, f.start, f.end)


def get_trend(session: Session, provenance: Provenance, query: TrendQuery) -> TrendResponse:
    """One log-linear fit over the filtered models; 422 when the data are degenerate."""
    result = fit_trend(session, query)
    return TrendResponse(
        **result.model_dump(), method=FIT_METHOD, **context(session, query, provenance)
    )


def counted(series: Series, excluded: Excluded, filters: ModelFilters) -> dict[str, Any]:
    """The window, point count and excluded counts every result over ``filters`` reports."""
    return {
        "window": window_of(series, filters.start, filters.end),
        "n": series.n,
        "excluded": excluded_counts(excluded),
    }


def between(series: Series, start: dt.date | None, end: dt.date | None) -> Series:
    mask = np.ones(series.n, dtype=bool)
    if start is not None:
        mask &= series.dates >= np.datetime64(start, "D")
    if end is not None:
        mask &= series.dates < np.datetime64(end, "D")
    return series.subset(mask)


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
        **counted(series, excluded, f),
        items=items,
        method=RECORDS_METHOD,
        **context(session, query, provenance),
    )


def get_yearly(session: Session, provenance: Provenance, query: TrendQuery) -> YearlyResponse:
    """Count, min, median, p90, max and geometric mean per publication year."""
    f = query.filters
    series, excluded = load(session, query, f)
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
        **counted(series, excluded, f),
        items=items,
        method=YEARLY_METHOD,
        **context(session, query, provenance),
    )
