"""``/v1/milestones``: the curated timeline of deep learning."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import EndQuery, PageDep, ProvenanceDep, StartQuery, fields_query
from api.http.downloads import FormatQuery, download_responses, list_response
from api.http.responses import JSONBody
from api.listing.pages import parse_sort
from api.listing.params import pick
from api.listing.schemas import Page
from api.resources.milestones import service
from api.resources.milestones.schemas import MilestonePublic, MilestoneSummary
from api.tables import MAX_MILESTONE_SLUG_LENGTH, MILESTONE_CATEGORIES

router = APIRouter(prefix="/v1/milestones", tags=["milestones"])


@router.get(
    "",
    operation_id="list_milestones",
    summary="List milestones",
    response_model=Page[MilestoneSummary],
    responses={**problem_responses(400, 422, 503), **download_responses()},
)
def list_milestones(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    page: PageDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200, description="Search in titles and summaries.", examples=["transformer"]
        ),
    ] = None,
    start: StartQuery = None,
    end: EndQuery = None,
    category: Annotated[
        tuple[str, ...],
        Query(
            description=f"Repeat for any of: {', '.join(MILESTONE_CATEGORIES)}.",
            examples=[["architecture"]],
        ),
    ] = (),
    tag: Annotated[
        tuple[str, ...],
        Query(description="Tag; repeat for any of.", examples=[["computer-vision"]]),
    ] = (),
    era: Annotated[
        tuple[str, ...],
        Query(description="Era slug; repeat for any of.", examples=[["deep-learning"]]),
    ] = (),
    organization: Annotated[
        tuple[str, ...],
        Query(
            description="Organization involved (case-insensitive); repeat for any of.",
            examples=[["Google"]],
        ),
    ] = (),
    model: Annotated[
        tuple[str, ...],
        Query(description="Slug of a related model; repeat for any of.", examples=[["alexnet"]]),
    ] = (),
    sort: Annotated[
        str | None,
        Query(
            description="Sort keys: date (default), title, slug; `-` for descending.",
            examples=["-date"],
            max_length=200,
        ),
    ] = None,
    fields: Annotated[str | None, fields_query("title,date,category")] = None,
    format_: FormatQuery = None,
) -> Response:
    """Milestones matching the filters, in date order by default (or all as CSV/NDJSON)."""
    filters = service.MilestoneFilters(
        q=q.strip() or None if q else None,
        start=start,
        end=end,
        category=tuple(category),
        tag=tuple(tag),
        era=tuple(era),
        organization=tuple(organization),
        model=tuple(model),
    )
    keys = parse_sort(sort, service.SORTABLE, service.DEFAULT_SORT)
    selected = service.parse_fields(fields)
    pages = partial(service.list_milestones, session, provenance, filters, keys, fields=selected)
    return list_response(request, format_, pages, page, selected, "milestones", provenance)


@router.get(
    "/{slug}",
    operation_id="get_milestone",
    summary="Get one milestone",
    response_model=MilestonePublic,
    responses=problem_responses(400, 404, 422, 503),
)
def get_milestone(
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
) -> JSONBody:
    """One milestone with its related models embedded and its references."""
    selected = service.parse_fields(fields)
    return JSONBody(pick(service.get_milestone(session, provenance, slug), selected))
