"""``/v1/timeline``: milestones and model releases in one chronological feed."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import EndQuery, PageDep, ProvenanceDep, StartQuery, fields_query
from api.http.downloads import FormatQuery, download_responses, list_response
from api.listing.schemas import Page
from api.resources.timeline import service
from api.resources.timeline.schemas import TimelineItem

router = APIRouter(prefix="/v1/timeline", tags=["timeline"])


@router.get(
    "",
    operation_id="get_timeline",
    summary="Timeline of milestones and model releases",
    response_model=Page[TimelineItem],
    responses={**problem_responses(400, 422, 503), **download_responses()},
)
def get_timeline(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    page: PageDep,
    start: StartQuery = None,
    end: EndQuery = None,
    milestones: Annotated[bool, Query(description="Include milestones.", examples=[True])] = True,
    models: Annotated[
        service.ModelSelection,
        Query(
            description="Model releases to include: all, frontier (flagged by Epoch AI; the "
            "default), linked (those a milestone is about) or none.",
            examples=["frontier"],
        ),
    ] = service.ModelSelection.frontier,
    sort: Annotated[
        str | None,
        Query(
            description="date (default) or title; `-` for descending.",
            examples=["-date"],
            max_length=100,
        ),
    ] = None,
    fields: Annotated[str | None, fields_query("kind,date,title")] = None,
    format_: FormatQuery = None,
) -> Response:
    """One chronological feed for drawing a timeline from a single request (or CSV/NDJSON)."""
    filters = service.TimelineFilters(start=start, end=end, milestones=milestones, models=models)
    selected = service.parse_fields(fields)
    pages = partial(service.timeline, session, provenance, filters, sort, fields=selected)
    return list_response(request, format_, pages, page, selected, "timeline", provenance)
