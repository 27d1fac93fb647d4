"""What a chart shows, read through the services of the JSON endpoints.

The points of a scatter chart are the models ``/v1/models`` lists for the same filters
(with a positive value: a log scale has no place for 0); its lines are the fits of
``/v1/trends/{metric}/eras`` (or ``/v1/trends/{metric}`` with ``fit=window``), built by the
same functions over the same series, sampled along the window so that the confidence band
of the fitted mean can be drawn; the step line is ``/v1/trends/{metric}/records``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
from sqlmodel import Session

from api.charts.catalogue import FitMode
from api.charts.params import ChartRequest
from api.listing.pages import parse_sort
from api.listing.query import PageRequest
from api.provenance import Provenance
from api.resources.milestones import service as milestones
from api.resources.models import service as models
from api.trends import eras, service
from api.trends.metrics import METRICS
from api.trends.present import TrendDataError, fit_or_raise, where_text
from api.trends.series import Series, fetch_series
from api.trends.stats.dates import decimal_year
from api.trends.stats.fit import LogLinearFit
from api.trends.stats.numeric import pow10

PAGE: Final = 500
SAMPLES: Final = 24
POINT_FIELDS: Final = ("name", "publication_date", "domains", "organizations")
LABEL_FIELDS: Final = ("slug", "category", "models")
LABEL_FIRST: Final = {"model-release": 0, "competition": 0, "architecture": 0}


@dataclass(frozen=True)
class FitLine:
    """One fitted line: its label, samples (date, value, band) and headline numbers."""

    label: str
    n: int
    growth_per_year: float
    doubling_time_months: float | None
    samples: list[dict[str, Any]]


@dataclass
class ScatterData:
    """The points, fitted lines, records and labelled models of a scatter chart."""

    points: list[dict[str, Any]]
    fits: list[FitLine]
    records: list[dict[str, Any]]
    labelled: list[str] = field(default_factory=list)


def every_page(fetch: Any) -> list[dict[str, Any]]:
    """Every item of a list service, page after page by cursor."""
    items: list[dict[str, Any]] = []
    page = PageRequest(limit=PAGE)
    while True:
        result = fetch(page)
        items.extend(result["items"])
        if not result["next_cursor"]:
            return items
        page = PageRequest(limit=PAGE, cursor=result["next_cursor"])


def model_points(
    session: Session, provenance: Provenance, request: ChartRequest
) -> list[dict[str, Any]]:
    """The models ``/v1/models`` selects for the chart's filters, with a positive value."""
    column = METRICS[request.metric].field
    filters = replace(request.query.filters, has=(column,))
    keys = parse_sort("publication_date,name", models.SORTABLE, models.DEFAULT_SORT)
    fields = ("slug", *POINT_FIELDS, column)

    def fetch(page: PageRequest) -> dict[str, Any]:
        return models.list_models(session, provenance, filters, keys, page, fields)

    points = []
    for item in every_page(fetch):
        value = item[column]
        if value is None or value <= 0:
            continue
        points.append(
            {
                "slug": item["slug"],
                "name": item["name"],
                "date": item["publication_date"].isoformat(),
                "value": value,
                "domain": item["domains"][0] if item["domains"] else "Unknown",
                "organization": ", ".join(item["organizations"]) or "Unknown",
            }
        )
    return points


def _samples(fit: LogLinearFit, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The fitted line and its band at ``SAMPLES`` dates from ``first`` to ``last``."""
    ordinals = np.linspace(first.toordinal(), last.toordinal(), SAMPLES).round().astype(int)
    out = []
    for ordinal in dict.fromkeys(int(o) for o in ordinals):
        date = dt.date.fromordinal(ordinal)
        x = decimal_year(date)
        band = fit.predict_ci(x)
        out.append(
            {
                "date": date.isoformat(),
                "value": pow10(fit.predict(x)),
                "low": pow10(band.low) if band.low is not None else None,
                "high": pow10(band.high) if band.high is not None else None,
            }
        )
    return out


def _fit_line(
    request: ChartRequest, label: str, series: Series, start: dt.date | None, end: dt.date | None
) -> FitLine | None:
    """The fit over ``series`` as ``/v1/trends`` computes it; None when it cannot be fitted."""
    try:
        fit = fit_or_raise(request.metric, series, request.query.ci, where_text(start, end))
    except TrendDataError:
        return None
    # Drawn over the models it fits (the same line as /v1/trends, whose ends are the
    # window's bounds): an era that starts long before its first model does not stretch
    # the time axis.
    first, last = series.date(0), series.date(series.n - 1)
    return FitLine(
        label=label,
        n=fit.n,
        growth_per_year=fit.growth_per_year,
        doubling_time_months=fit.doubling_time_months,
        samples=_samples(fit, first, last),
    )


def fit_lines(session: Session, request: ChartRequest) -> list[FitLine]:
    """The fitted lines the chart's ``fit`` asks for (see the module docs)."""
    if request.fit is FitMode.none:
        return []
    query = request.query
    whole = fetch_series(session, query.metric, query.filters)
    if request.fit is FitMode.window:
        line = _fit_line(request, "All models", whole, query.filters.start, query.filters.end)
        return [line] if line is not None else []
    lines = []
    for era in eras.era_windows(session)[0]:
        filters = query.clipped(era.start_date, era.end_date)
        if filters is None:
            continue
        series = service.between(whole, filters.start, filters.end)
        line = _fit_line(request, era.name, series, filters.start, filters.end)
        if line is not None:
            lines.append(line)
    return lines


def labelled_models(session: Session, provenance: Provenance) -> list[str]:
    """The first model each milestone of the timeline names: releases, competitions and
    architectures first, then the others, each in date order (the order labels are placed)."""
    keys = parse_sort(None, milestones.SORTABLE, milestones.DEFAULT_SORT)

    def fetch(page: PageRequest) -> dict[str, Any]:
        return milestones.list_milestones(
            session, provenance, milestones.MilestoneFilters(), keys, page, LABEL_FIELDS
        )

    items = [item for item in every_page(fetch) if item["models"]]
    items.sort(key=lambda item: LABEL_FIRST.get(item["category"], len(LABEL_FIRST)))
    return list(dict.fromkeys(item["models"][0] for item in items))


def scatter_data(session: Session, provenance: Provenance, request: ChartRequest) -> ScatterData:
    """Everything a scatter chart draws."""
    records = service.get_records(session, provenance, request.query)
    return ScatterData(
        points=model_points(session, provenance, request),
        fits=fit_lines(session, request),
        records=[
            {"date": r.publication_date.isoformat(), "value": r.value, "name": r.name}
            for r in records.items
        ],
        labelled=labelled_models(session, provenance),
    )


def timeline_items(
    session: Session, provenance: Provenance, request: ChartRequest
) -> list[dict[str, Any]]:
    """The milestones in the chart's window, in date order."""
    keys = parse_sort(None, milestones.SORTABLE, milestones.DEFAULT_SORT)
    filters = milestones.MilestoneFilters(
        start=request.query.filters.start, end=request.query.filters.end
    )
    fields = ("slug", "date", "title", "category", "era")

    def fetch(page: PageRequest) -> dict[str, Any]:
        return milestones.list_milestones(session, provenance, filters, keys, page, fields)

    return [
        {
            "slug": item["slug"],
            "date": item["date"].isoformat(),
            "title": item["title"],
            "category": item["category"],
            "era": item["era"]["name"] if item["era"] else "Unknown",
        }
        for item in every_page(fetch)
    ]
