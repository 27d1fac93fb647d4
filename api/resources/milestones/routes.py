"""``/v1/milestones``: the curated timeline of deep learning."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
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
from api.listing.params import pick
from api.listing.schemas import Page
from api.resources.milestones import service
from api.resources.milestones.params import ListFieldsQuery, SortQuery, milestone_filters
from api.resources.milestones.schemas import MilestonePublic, MilestoneSummary
from api.resources.slugs import SLUG_REDIRECT_RESPONSES, redirect_to
from api.tables import MAX_MILESTONE_SLUG_LENGTH

router = APIRouter(prefix="/v1/milestones", tags=["milestones"])

FiltersDep = Annotated[service.MilestoneFilters, Depends(milestone_filters)]


@router.get(
    "",
    operation_id="list_milestones",
    summary="List milestones",
    response_model=Page[MilestoneSummary],
    responses={**problem_responses(400, 422, 503), **REDIRECT_RESPONSES},
)
def list_milestones(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    page: PageDep,
    filters: FiltersDep,
    sort: SortQuery = None,
    fields: ListFieldsQuery = None,
    format_: FormatQuery = None,
) -> Response:
    """Milestones matching the filters, in date order by default (all: `.csv`, `.ndjson`)."""
    keys = parse_sort(sort, service.SORTABLE, service.DEFAULT_SORT)
    selected = service.parse_fields(fields)
    pages = partial(service.list_milestones, session, provenance, filters, keys, fields=selected)
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
        selected = service.parse_fields(fields)
        pages = partial(
            service.list_milestones, session, provenance, filters, keys, fields=selected
        )
        return download_list(request, fmt, pages, selected, "milestones", provenance)

    download.__doc__ = f"Every milestone matching the filters, in the list's order, as {fmt}."
    return download


for _fmt in DOWNLOAD_FORMATS:
    router.get(f".{_fmt}", **download_route("list_milestones", _fmt, "milestones"))(_download(_fmt))


@router.get(
    "/{slug}",
    operation_id="get_milestone",
    summary="Get one milestone",
    response_model=MilestonePublic,
    responses={**problem_responses(400, 404, 422, 503), **SLUG_REDIRECT_RESPONSES},
)
def get_milestone(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    slug: Annotated[
        str,
        Path(
            max_length=MAX_MILESTONE_SLUG_LENGTH,
            description="Milestone slug.",
            examples=["attention-is-all-you-need"],
        ),
    ],
    fields: Annotated[str | None, fields_query("title,date,models")] = None,
) -> Response:
    """One milestone with its related models embedded and its references."""
    selected = service.parse_fields(fields)
    found = service.find_milestone(session, slug)
    if found.redirect:
        return redirect_to(request, found.slug)
    return JSONBody(pick(service.get_milestone(session, provenance, found.slug), selected))
