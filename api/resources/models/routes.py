"""``/v1/models``: notable ML models from Epoch AI's dataset."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import PageDep, ProvenanceDep, fields_query
from api.http.downloads import (
    DOWNLOAD_FORMATS,
    REDIRECT_RESPONSES,
    DownloadFormat,
    FormatQuery,
    download_list,
    download_route,
    json_list,
)
from api.http.responses import JSONBody
from api.listing.pages import parse_sort
from api.listing.params import any_case
from api.listing.schemas import Page
from api.resources.models import service
from api.resources.models.filters import ModelFilters
from api.resources.models.params import FacetName, model_filters
from api.resources.models.schemas import MLModelPublic, MLModelSummary, ModelFacets
from api.resources.slugs import SLUG_REDIRECT_RESPONSES, redirect_to
from api.tables import MAX_SLUG_LENGTH

router = APIRouter(prefix="/v1/models", tags=["models"])

FiltersDep = Annotated[ModelFilters, Depends(model_filters)]
SlugPath = Annotated[
    str,
    Path(
        description="The model's slug; an alias (`gpt-2`) or the slug in another case "
        "redirects (308) to the canonical URL.",
        examples=["gpt-3-175b-davinci"],
        max_length=MAX_SLUG_LENGTH,
    ),
]


SortQuery = Annotated[
    str | None,
    Query(
        description="Comma-separated sort keys, `-` for descending; nulls always last; "
        f"ties broken by a unique key. Default `{service.DEFAULT_SORT}`. "
        f"Keys: {', '.join(service.SORTABLE)}.",
        examples=["-parameters,name"],
        max_length=500,
    ),
]
ListFieldsQuery = Annotated[
    str | None, fields_query("name,publication_date,parameters", "all but long notes")
]


@router.get(
    "",
    operation_id="list_models",
    summary="List models",
    response_model=Page[MLModelSummary],
    responses={**problem_responses(400, 422, 503), **REDIRECT_RESPONSES},
)
def list_models(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    filters: FiltersDep,
    page: PageDep,
    sort: SortQuery = None,
    fields: ListFieldsQuery = None,
    format_: FormatQuery = None,
) -> Response:
    """Notable ML models matching the filters, one page at a time (all: `/v1/models.csv`)."""
    keys = parse_sort(sort, service.SORTABLE, service.DEFAULT_SORT)
    selected = service.parse_fields(fields, service.SUMMARY_FIELDS)
    pages = partial(service.list_models, session, provenance, filters, keys, fields=selected)
    return json_list(request, format_, pages, page)


def _download(fmt: DownloadFormat) -> Callable[..., Response]:
    def download(
        request: Request,
        session: SessionDep,
        provenance: ProvenanceDep,
        filters: FiltersDep,
        sort: SortQuery = None,
        fields: ListFieldsQuery = None,
    ) -> Response:
        keys = parse_sort(sort, service.SORTABLE, service.DEFAULT_SORT)
        selected = service.parse_fields(fields, service.SUMMARY_FIELDS)
        pages = partial(service.list_models, session, provenance, filters, keys, fields=selected)
        return download_list(request, fmt, pages, selected, "models", provenance)

    download.__doc__ = f"Every model matching the filters, in the list's order, as {fmt}."
    return download


for _fmt in DOWNLOAD_FORMATS:
    router.get(f".{_fmt}", **download_route("list_models", _fmt, "models"))(_download(_fmt))


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
        tuple[Annotated[FacetName, any_case(service.FACETS)], ...],
        Query(description="Facets to count (default: all).", examples=[["domain", "year"]]),
    ] = (),
) -> JSONBody:
    """How many models matching the filters have each domain, organization, year..."""
    chosen = tuple(dict.fromkeys(facet)) or service.FACETS
    return JSONBody(service.facet_counts(session, provenance, filters, chosen))


@router.get(
    "/{slug}",
    operation_id="get_model",
    summary="Get one model",
    response_model=MLModelPublic,
    responses={**problem_responses(400, 404, 422, 503), **SLUG_REDIRECT_RESPONSES},
)
def get_model(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    slug: SlugPath,
    fields: Annotated[str | None, fields_query("name,publication_date,parameters")] = None,
) -> Response:
    """One model with every field of the source; an alias or another case redirects (308)."""
    selected = service.parse_fields(fields, service.DETAIL_FIELDS)
    found = service.find_model(session, slug)
    if found.redirect:
        return redirect_to(request, found.slug)
    return JSONBody(service.get_model(session, provenance, found.slug, selected))
