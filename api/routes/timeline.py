"""``/v1/timeline``: milestones and model releases in one chronological feed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.db import SessionDep
from api.errors import problem_responses
from api.http import JSONBody, page_links
from api.routes.deps import PageDep, ProvenanceDep
from api.schemas.common import Page
from api.schemas.milestones import TimelineItem
from api.services import timeline as service

router = APIRouter(prefix="/v1/timeline", tags=["timeline"])


@router.get(
    "",
    operation_id="get_timeline",
    summary="Timeline of milestones and model releases",
    response_model=Page[TimelineItem],
    responses=problem_responses(400, 422, 503),
)
def get_timeline(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    page: PageDep,
    start: Annotated[
        dt.date | None,
        Query(description="On or after this date (inclusive).", examples=["2012-01-01"]),
    ] = None,
    end: Annotated[
        dt.date | None, Query(description="Before this date (exclusive).", examples=["2023-01-01"])
    ] = None,
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
) -> JSONBody:
    """One chronological feed for drawing a timeline from a single request."""
    filters = service.TimelineFilters(start=start, end=end, milestones=milestones, models=models)
    body = service.timeline(session, provenance, filters, sort, page)
    return JSONBody(body, headers={"Link": page_links(request, body)})
