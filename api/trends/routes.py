"""Trend routes: `/v1/trends/{metric}` (fit, eras, compare, breakpoint, records), `/v1/stats`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.types import DecoratedCallable
from pydantic import BaseModel

from api.errors import problem_responses
from api.http.deps import DomainQuery, OrganizationQuery
from api.http.downloads import (
    DOWNLOAD_FORMATS,
    REDIRECT_RESPONSES,
    DownloadFormat,
    FormatQuery,
    RowSource,
    download_route,
    redirect_to_download,
    respond_rows,
    with_alternates,
)
from api.http.examples import EXAMPLE_QUERY
from api.http.responses import JSONBody
from api.listing.params import any_case
from api.resources.vocabularies.service import resolve_terms
from api.tables import SelectionSlug
from api.trends import backtest, breakpoint, compare, eras, explain, forecast, service
from api.trends.citation import cite
from api.trends.forecast_schemas import BacktestResponse, ForecastResponse, ThresholdResponse
from api.trends.metrics import Confidence, Metric
from api.trends.params import (
    ByQuery,
    ClaimDateQuery,
    EstimationDep,
    ForecastDateQuery,
    ForecastValueQuery,
    HorizonQuery,
    JumpQuery,
    MaxBreaksQuery,
    OriginsFromQuery,
    ThresholdValueQuery,
    TopQuery,
)
from api.trends.pinned import PinnedProvenanceDep as ProvenanceDep
from api.trends.pinned import PinnedSessionDep as SessionDep
from api.trends.schemas import (
    BreakpointResponse,
    CompareResponse,
    ErasResponse,
    RecordsResponse,
    SummaryResponse,
    TrendResponse,
    YearlyItem,
    YearlyResponse,
)
from api.trends.series import trend_filters
from api.trends.summary import get_summary

router = APIRouter(prefix="/v1/trends", tags=["trends"])
stats_router = APIRouter(prefix="/v1/stats", tags=["stats"])

ERRORS = problem_responses(400, 404, 422, 503)


def _get(
    path: str,
    operation_id: str,
    summary: str,
    model: type[BaseModel],
    responses: dict[int | str, dict[str, Any]] = ERRORS,
    example_query: tuple[str, ...] = (),
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """``router.get`` with the declarations every trend endpoint makes; ``example_query``:
    optional parameters its recorded example sets."""
    return router.get(
        path,
        operation_id=operation_id,
        summary=summary,
        response_model=model,
        responses=responses,
        openapi_extra={EXAMPLE_QUERY: list(example_query)} if example_query else None,
    )


def _json(result: BaseModel) -> JSONBody:
    """``result`` as its JSON body."""
    return JSONBody(result.model_dump(mode="json"))


def trend_query(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    metric: Annotated[
        Annotated[Metric, any_case(Metric)],
        Path(
            description="parameters (count), training_compute (FLOP), training_dataset_size "
            "(datapoints, unit depends on domain), training_compute_cost (2023 USD), "
            "tokens_per_parameter (training_dataset_size / parameters, Language models only).",
            examples=["parameters"],
        ),
    ],
    start: Annotated[
        dt.date | None,
        Query(description="Published on or after (inclusive, ISO 8601).", examples=["2010-01-01"]),
    ] = None,
    end: Annotated[
        dt.date | None,
        Query(description="Published before (exclusive, ISO 8601).", examples=["2025-01-01"]),
    ] = None,
    domain: DomainQuery = (),
    organization: OrganizationQuery = (),
    frontier: Annotated[
        bool | None,
        Query(
            description="true: only models Epoch AI flags as frontier; false: only others.",
            examples=[True],
        ),
    ] = None,
    min_confidence: Annotated[
        Annotated[Confidence, any_case(Confidence, "confidence")] | None,
        Query(
            description="Only models whose figures Epoch AI rates at least this confident "
            "(Speculative < Likely < Confident); excludes Unknown and unrated models.",
            examples=["Likely"],
        ),
    ] = None,
    ci: Annotated[
        float,
        Query(gt=0, lt=1, description="Confidence level of every interval.", examples=[0.95]),
    ] = 0.95,
    top: TopQuery = None,
    selection: Annotated[
        Annotated[SelectionSlug, any_case(SelectionSlug)] | None,
        Query(
            description="Only the models of a published selection (GET /v1/selections), "
            "e.g. the large-scale models of Sevilla et al. (2022).",
            examples=["sevilla-2022-large-scale"],
        ),
    ] = None,
    version: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[0-9a-f]+$",
            description="Answer from this data version (a `data_version` of "
            "/v1/meta/versions): the figures as they were served then. Default: the current.",
            examples=["9263a284ef5e"],
        ),
    ] = None,
) -> service.TrendQuery:
    """The models and settings of a trend request."""
    filters = trend_filters(
        start=start,
        end=end,
        **resolve_terms(session, provenance, {"domain": domain, "organization": organization}),
        frontier=frontier,
        min_confidence=min_confidence,
        selection=selection.value if selection else None,
    )
    citation = cite(request, provenance, metric.value)
    return service.TrendQuery(
        metric, filters, ci, min_confidence, top=top, version=version, citation=citation
    )


TrendQueryDep = Annotated[service.TrendQuery, Depends(trend_query)]


def fitted_trend_query(query: TrendQueryDep, estimation: EstimationDep) -> service.TrendQuery:
    """A trend request whose answer is a fit: the shared filters and how it is estimated."""
    return replace(query, estimation=estimation)


FittedTrendQueryDep = Annotated[service.TrendQuery, Depends(fitted_trend_query)]


@_get("/{metric}", "get_trend", "Fit the growth trend of a metric", TrendResponse)
def get_trend(
    session: SessionDep, provenance: ProvenanceDep, query: FittedTrendQueryDep
) -> JSONBody:
    """OLS of log10(value) on decimal year: growth per year, doubling time, intervals."""
    return _json(explain.get_trend(session, provenance, query))


@_get("/{metric}/eras", "get_trend_by_era", "Fit the trend within each era", ErasResponse)
def get_trend_by_era(
    session: SessionDep, provenance: ProvenanceDep, query: FittedTrendQueryDep
) -> JSONBody:
    """One fit per era; an era with too few models has a null fit and a reason."""
    return _json(eras.get_era_trends(session, provenance, query))


@_get(
    "/{metric}/compare",
    "compare_trend",
    "Compare the trend before and after a date",
    CompareResponse,
)
def compare_trend(
    session: SessionDep,
    provenance: ProvenanceDep,
    query: TrendQueryDep,
    split: Annotated[
        dt.date,
        Query(
            description="Before: published before this date; after: on or after it.",
            examples=["2018-01-01"],
        ),
    ],
) -> JSONBody:
    """Fits before and after `split` and the ratio of their slopes, with its interval."""
    return _json(compare.get_comparison(session, provenance, query, split))


@_get(
    "/{metric}/breakpoint",
    "get_trend_breakpoint",
    "Find the break date that best splits the trend",
    BreakpointResponse,
)
def get_trend_breakpoint(
    session: SessionDep,
    provenance: ProvenanceDep,
    query: TrendQueryDep,
    min_points_per_side: Annotated[
        int,
        Query(
            ge=3, le=100_000, description="Fewest models on each side of the break.", examples=[10]
        ),
    ] = 10,
    candidates_from: Annotated[
        dt.date | None,
        Query(description="Earliest candidate break date (inclusive).", examples=["2015-01-01"]),
    ] = None,
    candidates_to: Annotated[
        dt.date | None,
        Query(description="Latest candidate break date (exclusive).", examples=["2024-01-01"]),
    ] = None,
    max_breaks: MaxBreaksQuery = None,
    jump: JumpQuery = True,
    claim_date: ClaimDateQuery = breakpoint.CLAIM_DATE,
) -> JSONBody:
    """The single break date and level jump that best fit two lines, with a Chow F test."""
    result = breakpoint.get_breakpoint(
        session,
        provenance,
        query,
        min_points_per_side=min_points_per_side,
        candidates_from=candidates_from,
        candidates_to=candidates_to,
        max_breaks=max_breaks,
        jump=jump,
        claim_date=claim_date,
    )
    return _json(result)


@_get(
    "/{metric}/forecast",
    "get_trend_forecast",
    "Extrapolate the trend to a date, or to the date of a value",
    ForecastResponse,
    example_query=("date",),
)
def get_trend_forecast(
    session: SessionDep,
    provenance: ProvenanceDep,
    query: TrendQueryDep,
    date: ForecastDateQuery = None,
    value: ForecastValueQuery = None,
) -> JSONBody:
    """The fitted log-linear line at a date with its mean and prediction intervals, or the
    date it reaches a value with a date interval."""
    return _json(forecast.get_forecast(session, provenance, query, date, value))


@_get(
    "/{metric}/threshold",
    "get_trend_threshold",
    "Count the models above a value, so far and projected by a date",
    ThresholdResponse,
)
def get_trend_threshold(
    session: SessionDep,
    provenance: ProvenanceDep,
    query: TrendQueryDep,
    value: ThresholdValueQuery,
    by: ByQuery,
) -> JSONBody:
    """Models with a value >= `value` so far, and the number projected by `by`, with an
    interval."""
    return _json(forecast.get_threshold(session, provenance, query, value, by))


@_get(
    "/{metric}/backtest",
    "get_trend_backtest",
    "Backtest the trend on rolling origins",
    BacktestResponse,
)
def get_trend_backtest(
    session: SessionDep,
    provenance: ProvenanceDep,
    query: TrendQueryDep,
    origins_from: OriginsFromQuery = backtest.ORIGINS_FROM,
    horizon_years: HorizonQuery = backtest.HORIZON_YEARS,
) -> JSONBody:
    """Fit on the models before each origin, predict the next years: error of the median in
    orders of magnitude and coverage of the prediction interval, per origin and overall."""
    return _json(backtest.get_backtest(session, provenance, query, origins_from, horizon_years))


@_get(
    "/{metric}/records", "list_trend_records", "List the models that set a record", RecordsResponse
)
def list_trend_records(
    session: SessionDep, provenance: ProvenanceDep, query: TrendQueryDep
) -> JSONBody:
    """Models whose value beat every earlier model's when published, in date order."""
    return _json(service.get_records(session, provenance, query))


@_get(
    "/{metric}/yearly",
    "list_trend_yearly",
    "Summarise a metric per year",
    YearlyResponse,
    responses={**ERRORS, **REDIRECT_RESPONSES},
)
def list_trend_yearly(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    query: TrendQueryDep,
    format_: FormatQuery = None,
) -> Response:
    """Count, min, median, 90th percentile, max and geometric mean per publication year."""
    if format_ == "csv" or format_ == "ndjson":
        return redirect_to_download(request, format_)
    return with_alternates(request, _json(service.get_yearly(session, provenance, query)))


def _yearly_download(fmt: DownloadFormat) -> Callable[..., Response]:
    def download(
        request: Request, session: SessionDep, provenance: ProvenanceDep, query: TrendQueryDep
    ) -> Response:
        result = service.get_yearly(session, provenance, query)
        rows = [item.model_dump(mode="json") for item in result.items]
        columns = list(YearlyItem.model_fields)
        name = f"{query.metric.value}-yearly"
        return respond_rows(request, fmt, RowSource.of(rows), columns, name, provenance)

    download.__doc__ = f"The yearly summary, one row per year, as {fmt}."
    return download


for _fmt in DOWNLOAD_FORMATS:
    router.get(
        f"/{{metric}}/yearly.{_fmt}",
        **download_route(
            "list_trend_yearly",
            _fmt,
            "a metric's yearly summary",
            # an unknown metric or data version is a 404, as on the JSON endpoints
            problems=(400, 404, 422, 503),
        ),
    )(_yearly_download(_fmt))


@stats_router.get(
    "/summary",
    operation_id="get_stats_summary",
    summary="Headline figures",
    response_model=SummaryResponse,
    responses=problem_responses(400, 503),
)
def get_stats_summary(session: SessionDep, provenance: ProvenanceDep) -> JSONBody:
    """Counts, coverage of each metric, the largest models and growth per year since 2010."""
    return _json(get_summary(session, provenance))
