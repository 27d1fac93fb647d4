"""Trend statistics of one metric: what every trend request shares (the query, its context,
the data it loads) and the single fit, records and yearly summaries. Per-era fits, the
before/after comparison and the breakpoint build on these in their own modules. Every result
carries what produced it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

import numpy as np
from sqlmodel import Session

from api.provenance import Provenance
from api.resources.models.filters import ModelFilters
from api.trends.answers import records_answer, yearly_answer
from api.trends.citation import Citation
from api.trends.estimation import ESTIMATION_PARAMETERS, Estimation
from api.trends.metrics import METRICS, Confidence, Metric
from api.trends.present import (
    DEFAULT_ESTIMATION,
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
from api.trends.stats.fit import LogLinearFit
from api.trends.stats.selection import top_at_release
from api.trends.stats.summaries import record_indices, summarize

DEFAULT_CI: Final = 0.95

RECORDS_METHOD: Final = (
    "A model sets a record when its value strictly exceeds that of every model published "
    "before it (same-day models are taken in dataset order); only positive values count."
)
YEARLY_METHOD: Final = (
    "Per calendar year of publication, over models with a positive value: count, min, median, "
    "90th percentile (numpy linear interpolation), max and geometric mean exp(mean(ln value)); "
    "years without such models are omitted."
)


#: The trend endpoints whose answer is a fit, and so take the ``ESTIMATION_PARAMETERS``
#: (``api.trends.params.estimation``).
ESTIMATED_ENDPOINTS: Final = frozenset({"", "/eras"})


@dataclass(frozen=True)
class TrendQuery:
    """What a trend request selects: a metric, the models, a confidence level, the estimator
    and a top-N-at-release selection."""

    metric: Metric
    filters: ModelFilters
    ci: float = 0.95
    min_confidence: Confidence | None = None
    estimation: Estimation = DEFAULT_ESTIMATION
    top: int | None = None
    version: str | None = None
    citation: Citation | None = None

    def describe(self) -> dict[str, Any]:
        """The filters that are set, as given."""
        out = self.filters.describe()
        if self.min_confidence is not None:
            out["min_confidence"] = self.min_confidence.value
        if self.top is not None:
            out["top"] = self.top
        out.update(self.estimation.describe())
        return out

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """This query's trend parameters as a query string's pairs (for links to other
        endpoints), with ``changes`` (``None``: drop the parameter)."""
        f = self.filters
        pairs: dict[str, Any] = {
            "start": f.start,
            "end": f.end,
            "domain": list(f.terms.get("domain", ())),
            "organization": list(f.terms.get("organization", ())),
            "frontier": f.frontier,
            "selection": f.selection,
            "min_confidence": self.min_confidence,
            "top": self.top,
            "version": self.version,
            "ci": self.ci if self.ci != DEFAULT_CI else None,
            **self.estimation.describe(),
        }
        pairs.update(changes)
        out: list[tuple[str, str]] = []
        for name, value in pairs.items():
            for item in value if isinstance(value, list) else [value]:
                if item is None:
                    continue
                text = str(item).lower() if isinstance(item, bool) else str(item)
                out.append((name, text))
        return out

    def href(self, endpoint: str, **changes: Any) -> str:
        """The URL of ``endpoint`` (``""``, ``"/eras"``, ...) for the same models; the
        estimation parameters go only to the endpoints that take them."""
        if endpoint not in ESTIMATED_ENDPOINTS:
            changes = {**dict.fromkeys(ESTIMATION_PARAMETERS), **changes}
        query = urlencode(self.params(**changes))
        return f"/v1/trends/{self.metric.value}{endpoint}" + (f"?{query}" if query else "")

    def fit_method(self) -> str:
        """How a fit of this query is computed, in words."""
        text = FIT_METHOD + self.estimation.text()
        return text + top_note(self)

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


def top_text(metric: Metric, top: int) -> str:
    """The top-N selection, in words."""
    return (
        f"top={top}: only models that were in the top {top} by {metric.value} among the models "
        "matching the other filters published on or before their own publication date (the "
        "window does not limit that ranking); a model is in when fewer than "
        f"{top} such models (same-day models included) have a strictly larger value, so ties "
        f"may admit more than {top}."
    )


def top_note(query: TrendQuery) -> str:
    """The top-N selection of ``query`` as a sentence to append to a method ("" if none)."""
    return f" {top_text(query.metric, query.top)}" if query.top is not None else ""


def series_of(
    session: Session, query: TrendQuery, filters: ModelFilters, *, labels: bool = False
) -> Series:
    """The series of ``query``'s metric under ``filters``, after its top-N selection."""
    if query.top is None:
        return fetch_series(session, query.metric, filters, labels=labels)
    everything = fetch_series(
        session, query.metric, with_window(filters, None, None), labels=labels
    )
    mask = top_at_release(everything.dates.astype(np.int64), everything.values, query.top)
    return between(everything.subset(mask), filters.start, filters.end)


def load(session: Session, query: TrendQuery, filters: ModelFilters) -> tuple[Series, Excluded]:
    return (
        series_of(session, query, filters),
        count_excluded(session, query.metric, filters),
    )


def fit_series(session: Session, query: TrendQuery) -> tuple[LogLinearFit, Series, TrendFit]:
    """One fit over the query's models (the pure fit, its series and its response form)."""
    f = query.filters
    series, excluded = load(session, query, f)
    where = where_text(f.start, f.end)
    fit = fit_or_raise(query.metric, series, query.ci, where, query.estimation)
    return fit, series, trend_fit(fit, series, excluded, f.start, f.end)


def fit_trend(session: Session, query: TrendQuery) -> TrendFit:
    """One log-linear fit over the filtered models; :class:`TrendDataError` if degenerate."""
    return fit_series(session, query)[2]


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
    series = series_of(session, query, f, labels=True)
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
        method=RECORDS_METHOD + top_note(query),
        answer=records_answer(query.metric, query.describe(), series.n, items),
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
        method=YEARLY_METHOD + top_note(query),
        answer=yearly_answer(query.metric, query.describe(), series.n, items),
        **context(session, query, provenance),
    )
