"""The query of a chart: which chart, the trend filters, the figure's size, theme and fit.

The trend filters are not declared here: the dependency takes the parameters of
``api.trends.routes.trend_query`` (all but its ``metric`` path parameter) and of
``api.trends.params.estimation`` from their signatures, so a filter the trend endpoints
gain is a chart parameter too, with the same description, validation and meaning. A
parameter the chart does not take (a ``domain`` on the timeline, a ``split`` on a scatter
chart) is a 400 problem naming those it takes.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass, replace
from typing import Annotated, Any, Final

from fastapi import Depends, Path, Query, Request

from api.charts.catalogue import (
    CHARTS,
    Chart,
    ChartKind,
    ChartMetric,
    FitMode,
    Theme,
    chart_named,
)
from api.errors import InvalidParameterError
from api.listing.params import any_case
from api.trends.estimation import ESTIMATION_PARAMETERS
from api.trends.metrics import Metric
from api.trends.params import estimation
from api.trends.routes import trend_query
from api.trends.service import TrendQuery

DEFAULT_SPLIT: Final = dt.date(2018, 1, 1)
_TREND_SIGNATURE = inspect.signature(trend_query, eval_str=True)
# Not query parameters: the path's metric, and what FastAPI injects (the request, the
# session and provenance of the data version the query pins).
_INJECTED: Final = frozenset({"metric", "request", "session", "provenance"})
TREND_PARAMETERS: Final = tuple(
    name for name in _TREND_SIGNATURE.parameters if name not in _INJECTED
)
_ESTIMATION_SIGNATURE = inspect.signature(estimation, eval_str=True)


@dataclass(frozen=True)
class Figure:
    """How a chart is drawn: its size in pixels and its colours."""

    width: int = 760
    height: int = 420
    theme: Theme = Theme.light


@dataclass(frozen=True)
class ChartRequest:
    """Everything a chart request selects."""

    chart: Chart
    query: TrendQuery
    figure: Figure
    fit: FitMode = FitMode.eras
    split: dt.date = DEFAULT_SPLIT

    @property
    def metric(self) -> Metric:
        """The metric drawn (the timeline's is unused)."""
        return self.query.metric


ChartPath = Annotated[
    str,
    Path(
        description=f"The chart: {', '.join(CHARTS)} (see /v1/charts).",
        examples=["parameters"],
        pattern=r"^[a-z0-9_-]{1,64}$",
        json_schema_extra={"enum": list(CHARTS)},
    ),
]


def _own_parameters(
    request: Request,
    chart: ChartPath,
    metric: Annotated[
        Annotated[ChartMetric, any_case(ChartMetric)] | None,
        Query(
            description="The metric of the yearly and compare charts (default parameters).",
            examples=["training_compute"],
        ),
    ] = None,
    split: Annotated[
        dt.date | None,
        Query(
            description="compare: before is published before this date, after on or after it "
            f"(default {DEFAULT_SPLIT}).",
            examples=["2018-01-01"],
        ),
    ] = None,
    fit: Annotated[
        Annotated[FitMode, any_case(FitMode)],
        Query(
            description="Scatter charts: eras (one fit per era with its band), window (one "
            "fit over the requested window) or none.",
            examples=["eras"],
        ),
    ] = FitMode.eras,
    width: Annotated[
        int, Query(ge=200, le=2000, description="Width of the plot in pixels.", examples=[760])
    ] = Figure.width,
    height: Annotated[
        int, Query(ge=150, le=1500, description="Height of the plot in pixels.", examples=[420])
    ] = Figure.height,
    theme: Annotated[
        Annotated[Theme, any_case(Theme)],
        Query(description="light or dark colours.", examples=["dark"]),
    ] = Figure.theme,
    **trend: Any,
) -> ChartRequest:
    found = chart_named(chart)
    takes = found.takes(TREND_PARAMETERS, ESTIMATION_PARAMETERS)
    declared = (
        *TREND_PARAMETERS,
        *ESTIMATION_PARAMETERS,
        "metric",
        "split",
        "fit",
        *Figure.__dataclass_fields__,
    )
    for name in request.query_params:
        if name in declared and name not in takes:
            raise InvalidParameterError(
                name,
                f"the {found.name} chart takes no {name}; it takes {', '.join(takes)}",
                "not_taken",
            )
    chosen = found.metric or (Metric(metric.value) if metric else Metric.parameters)
    if found.kind is ChartKind.timeline:
        chosen = Metric.parameters  # unused: the timeline reads only the window
    estimated = estimation(**{name: trend.pop(name) for name in ESTIMATION_PARAMETERS})
    query = trend_query(request, trend.pop("session"), trend.pop("provenance"), chosen, **trend)
    return ChartRequest(
        chart=found,
        query=replace(query, estimation=estimated),
        figure=Figure(width, height, theme),
        fit=fit,
        split=split or DEFAULT_SPLIT,
    )


def _signature() -> inspect.Signature:
    own = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for p in inspect.signature(_own_parameters, eval_str=True).parameters.values()
        if p.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    trend = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for name, p in [
            *_TREND_SIGNATURE.parameters.items(),
            *_ESTIMATION_SIGNATURE.parameters.items(),
        ]
        if name not in {"metric", "request"}
    ]
    return inspect.Signature([*own, *trend], return_annotation=ChartRequest)


def chart_request(**kwargs: Any) -> ChartRequest:
    """The chart, its filters and its figure, from the path and the query."""
    return _own_parameters(**kwargs)


chart_request.__signature__ = _signature()  # type: ignore[attr-defined]

ChartRequestDep = Annotated[ChartRequest, Depends(chart_request)]
