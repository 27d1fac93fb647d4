"""``/v1/timeline``: milestones and model releases in one chronological feed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import PageDep, ProvenanceDep
from api.http.downloads import (
    DOWNLOAD_FORMATS,
    REDIRECT_RESPONSES,
    DownloadFormat,
    FormatQuery,
    download_list,
    download_route,
    json_list,
)
from api.listing.schemas import Page
from api.resources.timeline import service
from api.resources.timeline.params import ListFieldsQuery, SortQuery, timeline_filters
from api.resources.timeline.schemas import TimelineItem

router = APIRouter(prefix="/v1/timeline", tags=["timeline"])

FiltersDep = Annotated[service.TimelineFilters, Depends(timeline_filters)]


@router.get(
    "",
    operation_id="get_timeline",
    summary="Timeline of milestones and model releases",
    response_model=Page[TimelineItem],
    responses={**problem_responses(400, 422, 503), **REDIRECT_RESPONSES},
)
def get_timeline(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    page: PageDep,
    filters: FiltersDep,
    sort: SortQuery = None,
    fields: ListFieldsQuery = None,
    format_: FormatQuery = None,
) -> Response:
    """One chronological feed for drawing a timeline from a single request (all: `.csv`)."""
    selected = service.parse_fields(fields)
    pages = partial(service.timeline, session, provenance, filters, sort, fields=selected)
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
        selected = service.parse_fields(fields)
        pages = partial(service.timeline, session, provenance, filters, sort, fields=selected)
        return download_list(request, fmt, pages, selected, "timeline", provenance)

    download.__doc__ = f"The whole feed, in its order, as {fmt}."
    return download


for _fmt in DOWNLOAD_FORMATS:
    router.get(f".{_fmt}", **download_route("get_timeline", _fmt, "the timeline"))(_download(_fmt))
