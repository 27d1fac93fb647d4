"""``/v1/models``: notable ML models from Epoch AI's dataset."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.db.engine import SessionDep
from api.errors import InvalidParameterError, problem_responses
from api.http.deps import PageDep, ProvenanceDep, fields_query
from api.http.downloads import FormatQuery, download_responses, list_response
from api.http.responses import JSONBody
from api.listing.pages import parse_sort
from api.listing.schemas import Page
from api.resources.models import service
from api.resources.models.filters import ModelFilters
from api.resources.models.params import model_filters
from api.resources.models.schemas import MLModelPublic, MLModelSummary, ModelFacets
from api.tables import MAX_SLUG_LENGTH

router = APIRouter(prefix="/v1/models", tags=["models"])

FiltersDep = Annotated[ModelFilters, Depends(model_filters)]
SlugPath = Annotated[
    str,
    Path(
        description="The model's slug.", examples=["gpt-3-175b-davinci"], max_length=MAX_SLUG_LENGTH
    ),
]


@router.get(
    "",
    operation_id="list_models",
    summary="List models",
    response_model=Page[MLModelSummary],
    responses={**problem_responses(400, 422, 503), **download_responses()},
)
def list_models(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    filters: FiltersDep,
    page: PageDep,
    sort: Annotated[
        str | None,
        Query(
            description="Comma-separated sort keys, `-` for descending; nulls always last; "
            f"ties broken by a unique key. Default `{service.DEFAULT_SORT}`. "
            f"Keys: {', '.join(service.SORTABLE)}.",
            examples=["-parameters,name"],
            max_length=500,
        ),
    ] = None,
    fields: Annotated[
        str | None, fields_query("name,publication_date,parameters", "all but long notes")
    ] = None,
    format_: FormatQuery = None,
) -> Response:
    """Notable ML models matching the filters, one page at a time (or all as CSV/NDJSON)."""
    keys = parse_sort(sort, service.SORTABLE, service.DEFAULT_SORT)
    selected = service.parse_fields(fields, service.SUMMARY_FIELDS)
    pages = partial(service.list_models, session, provenance, filters, keys, fields=selected)
    return list_response(request, format_, pages, page, selected, "models", provenance)


@router.get(
    "/facets",
    operation_id="get_model_facets",
    summary="Count models by facet",
    response_model=ModelFacets,
    responses=problem_responses(400, 422, 503),
)
def get_model_facets(
    session: SessionDep,
    provenance: ProvenanceDep,
    filters: FiltersDep,
    facet: Annotated[
        tuple[str, ...],
        Query(
            description=f"Facets to count (default: all): {', '.join(service.FACETS)}.",
            examples=[["domain", "year"]],
        ),
    ] = (),
) -> JSONBody:
    """How many models matching the filters have each domain, organization, year..."""
    unknown = [f for f in facet if f not in service.FACETS]
    if unknown:
        raise InvalidParameterError(
            "facet",
            f"unknown facet {unknown[0]!r}; expected one of {', '.join(service.FACETS)}",
            "unknown_field",
        )
    chosen = tuple(dict.fromkeys(facet)) or service.FACETS
    return JSONBody(service.facet_counts(session, provenance, filters, chosen))


@router.get(
    "/{slug}",
    operation_id="get_model",
    summary="Get one model",
    response_model=MLModelPublic,
    responses=problem_responses(400, 404, 422, 503),
)
def get_model(
    session: SessionDep,
    provenance: ProvenanceDep,
    slug: SlugPath,
    fields: Annotated[str | None, fields_query("name,publication_date,parameters")] = None,
) -> JSONBody:
    """One model with every field of the source, its organizations, domains and countries."""
    selected = service.parse_fields(fields, service.DETAIL_FIELDS)
    return JSONBody(service.get_model(session, provenance, slug, selected))
