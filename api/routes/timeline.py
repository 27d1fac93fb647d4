"""``/v1/timeline``: milestones and model releases in one chronological feed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.db import SessionDep
from api.errors import problem_responses
from api.formats import (
    VARY_ACCEPT,
    FormatQuery,
    download_responses,
    export_page,
    negotiate,
    paged_rows,
    respond_rows,
)
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
    responses={**problem_responses(400, 422, 503), **download_responses()},
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
    fields: Annotated[
        str | None,
        Query(
            description="Comma-separated fields to return; `slug` is always included.",
            examples=["kind,date,title"],
            max_length=500,
        ),
    ] = None,
    format_: FormatQuery = None,
) -> Response:
    """One chronological feed for drawing a timeline from a single request (or CSV/NDJSON)."""
    filters = service.TimelineFilters(start=start, end=end, milestones=milestones, models=models)
    selected = service.parse_fields(fields)
    fmt = negotiate(request, format_)
    if fmt != "json":
        rows = paged_rows(
            lambda cursor: service.timeline(
                session, provenance, filters, sort, export_page(cursor), selected
            )
        )
        return respond_rows(request, fmt, rows, selected, "timeline", provenance)
    body = service.timeline(session, provenance, filters, sort, page, selected)
    return JSONBody(body, headers={**VARY_ACCEPT, "Link": page_links(request, body)})
