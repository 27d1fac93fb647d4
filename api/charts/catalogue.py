"""The charts this service draws: their names, titles and the parameters each takes."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from api.errors import NotFoundError
from api.trends.metrics import Metric


class ChartKind(enum.StrEnum):
    """How a chart draws its data."""

    scatter = "scatter"  # one metric's models over time, with fits and records
    yearly = "yearly"  # one metric's yearly median, with the p90 and the range
    compare = "compare"  # one metric's fits before and after a date
    timeline = "timeline"  # the milestones on a time axis


class Theme(enum.StrEnum):
    """Colours of a figure."""

    light = "light"
    dark = "dark"


class FitMode(enum.StrEnum):
    """The fitted lines of a scatter chart."""

    eras = "eras"  # one fit per era, each with its confidence band
    window = "window"  # one fit over the whole requested window
    none = "none"  # no fitted line


# Parameters every chart takes; the trend filters are added per kind (see ``takes``).
COMMON: Final = ("width", "height", "theme")
WINDOW: Final = ("start", "end")


@dataclass(frozen=True)
class Chart:
    """One chart of the catalogue."""

    name: str
    kind: ChartKind
    title: str
    description: str
    metric: Metric | None = None

    def takes(
        self, trend_parameters: tuple[str, ...], estimation_parameters: tuple[str, ...]
    ) -> tuple[str, ...]:
        """The query parameters this chart accepts, given those of the trend endpoints and
        those of how a fit is estimated (taken by the charts that draw fits per window)."""
        if self.kind is ChartKind.timeline:
            return (*WINDOW, *COMMON)
        extra = {
            ChartKind.scatter: ("fit", *estimation_parameters),
            ChartKind.yearly: ("metric",),
            ChartKind.compare: ("metric", "split"),
        }[self.kind]
        return (*trend_parameters, *extra, *COMMON)


_TITLES = {
    Metric.parameters: "Parameters of notable models",
    Metric.training_compute: "Training compute of notable models",
    Metric.training_dataset_size: "Training dataset size of notable models",
    Metric.training_compute_cost: "Training compute cost of notable models",
}


class ChartMetric(enum.StrEnum):
    """The metrics drawn as charts: those a model row holds (a derived metric such as
    tokens_per_parameter has no points of /v1/models to draw)."""

    parameters = Metric.parameters.value
    training_compute = Metric.training_compute.value
    training_dataset_size = Metric.training_dataset_size.value
    training_compute_cost = Metric.training_compute_cost.value


CHART_METRICS: Final = tuple(Metric(metric.value) for metric in ChartMetric)

CHARTS: Final[dict[str, Chart]] = {
    **{
        metric.value: Chart(
            metric.value,
            ChartKind.scatter,
            _TITLES[metric],
            f"Every model with a {metric.value} value (log scale) over its publication date, "
            "coloured by domain; the fitted line of each era with its confidence band, the "
            "running record as a step line, and the models of the timeline labelled.",
            metric,
        )
        for metric in CHART_METRICS
    },
    "yearly": Chart(
        "yearly",
        ChartKind.yearly,
        "Yearly median of a metric",
        "Per publication year: the median (line), the 90th percentile and the range "
        "(min to max) of one metric (metric=, default parameters), on a log scale.",
    ),
    "compare": Chart(
        "compare",
        ChartKind.compare,
        "A metric's trend before and after a date",
        "The models before and after split= (default 2018-01-01) with the fit of each side "
        "and the growth per year of both (the numbers of /v1/trends/{metric}/compare).",
    ),
    "timeline": Chart(
        "timeline",
        ChartKind.timeline,
        "Milestones of deep learning",
        "The curated milestones on a time axis, one row per category, coloured by era.",
    ),
}


def chart_named(name: str) -> Chart:
    """The chart called ``name``; a 404 problem naming the known ones otherwise."""
    chart = CHARTS.get(name)
    if chart is None:
        raise NotFoundError(f"No chart named {name!r}; the charts are {', '.join(CHARTS)}.")
    return chart
