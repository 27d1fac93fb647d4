"""What the home page shows, computed live from the data through the JSON endpoints'
services: the eras with their milestones, the per-era fits of the three trend charts,
the largest models, the licence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

from sqlmodel import Session

from api.charts.data import every_page
from api.listing.pages import parse_sort
from api.listing.query import PageRequest
from api.provenance import Provenance
from api.resources.eras import service as eras_service
from api.resources.milestones import service as milestones
from api.resources.models import service as models
from api.trends import eras
from api.trends.citation import cite_path
from api.trends.metrics import Metric
from api.trends.series import trend_filters
from api.trends.service import TrendQuery

HOME_METRICS: Final = (Metric.parameters, Metric.training_compute, Metric.training_dataset_size)
LARGEST: Final = 10
NOUNS: Final = {
    Metric.parameters: "parameter counts",
    Metric.training_compute: "training compute (FLOP)",
    Metric.training_dataset_size: "training dataset sizes (datapoints)",
}


@dataclass(frozen=True)
class TrendChart:
    """One chart of the home page with the figures of its per-era fits."""

    metric: str
    title: str
    alt: str
    n: int
    first: str | None
    last: str | None
    eras: list[dict[str, Any]]


def _show(value: float | None) -> str:
    return "unbounded" if value is None else format(value, ".3g")


def _fmt_range(interval: tuple[float | None, float | None]) -> str:
    low, high = interval
    return f"{_show(low)} to {_show(high)}"


def trend_chart(session: Session, provenance: Provenance, metric: Metric) -> TrendChart:
    """The per-era fits of ``metric`` over every model, as ``/v1/trends/{metric}/eras``."""
    citation = cite_path(f"/v1/trends/{metric.value}/eras", provenance, metric.value)
    query = TrendQuery(metric, trend_filters(), citation=citation)
    result = eras.get_era_trends(session, provenance, query)
    rows = []
    for item in result.items:
        fit = item.fit
        rows.append(
            {
                "name": item.name,
                "n": item.n,
                "window": f"{item.start_date or 'the first model'} to {item.end_date or 'now'}",
                "growth": None if fit is None else f"x{fit.growth_per_year:.3g}",
                "growth_ci": None if fit is None else _fmt_range(fit.growth_per_year_ci),
                "doubling": None
                if fit is None or fit.doubling_time_months is None
                else f"{fit.doubling_time_months:.3g} months",
                "doubling_ci": None if fit is None else _fmt_range(fit.doubling_time_months_ci),
                "reason": item.detail,
            }
        )
    n = sum(item.n for item in result.items)
    first = result.window.first_publication_date
    last = result.window.last_publication_date
    fitted = [r for r in rows if r["growth"]]
    growth = "; ".join(f"{r['name']} {r['growth']} per year" for r in fitted)
    alt = (
        f"Scatter chart, log scale: the {NOUNS[metric]} of {n} notable models published "
        f"from {first} to {last}, coloured by domain, with a fitted line and confidence band "
        f"per era ({growth or 'no era has enough models for a fit'}), the running record as "
        "a step line and the timeline's models labelled."
    )
    return TrendChart(
        metric=metric.value,
        title={
            Metric.parameters: "Model size: parameters",
            Metric.training_compute: "Training compute",
            Metric.training_dataset_size: "Training dataset size",
        }[metric],
        alt=alt,
        n=n,
        first=str(first) if first else None,
        last=str(last) if last else None,
        eras=rows,
    )


def story(session: Session, provenance: Provenance) -> list[dict[str, Any]]:
    """The eras in date order, each with its milestones."""
    keys = parse_sort(None, milestones.SORTABLE, milestones.DEFAULT_SORT)
    fields = ("slug", "date", "date_precision", "title", "era", "category")

    def fetch(page: PageRequest) -> dict[str, Any]:
        return milestones.list_milestones(
            session, provenance, milestones.MilestoneFilters(), keys, page, fields
        )

    by_era: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for item in every_page(fetch):
        by_era[item["era"]["slug"] if item["era"] else None].append(item)
    listed = eras_service.list_eras(session, provenance)["items"]
    return [{**era, "milestones": by_era.get(era["slug"], [])} for era in listed]


def largest_models(session: Session, provenance: Provenance) -> list[dict[str, Any]]:
    """The models with the most parameters."""
    filters = trend_filters()
    keys = parse_sort("-parameters", models.SORTABLE, models.DEFAULT_SORT)
    fields = ("slug", "name", "publication_date", "organizations", "parameters")
    page = models.list_models(session, provenance, filters, keys, PageRequest(LARGEST), fields)
    items: list[dict[str, Any]] = page["items"]
    return items


def home_context(session: Session, provenance: Provenance) -> dict[str, Any]:
    """Everything the home page template shows."""
    return {
        "charts": [trend_chart(session, provenance, metric) for metric in HOME_METRICS],
        "eras": story(session, provenance),
        "largest": largest_models(session, provenance),
        "meta": provenance.as_meta(),
    }
