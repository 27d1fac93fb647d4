"""Query parameters of the timeline and its downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.http.deps import EndQuery, StartQuery, fields_query
from api.listing.params import any_case
from api.resources.timeline.service import ModelSelection, TimelineFilters

SortQuery = Annotated[
    str | None,
    Query(
        description="date (default) or title; `-` for descending.",
        examples=["-date"],
        max_length=100,
    ),
]
ListFieldsQuery = Annotated[str | None, fields_query("kind,date,title")]


def timeline_filters(
    start: StartQuery = None,
    end: EndQuery = None,
    milestones: Annotated[bool, Query(description="Include milestones.", examples=[True])] = True,
    models: Annotated[
        Annotated[ModelSelection, any_case(ModelSelection)],
        Query(
            description="Model releases to include: all, frontier (flagged by Epoch AI; the "
            "default), linked (those a milestone is about) or none.",
            examples=["frontier"],
        ),
    ] = ModelSelection.frontier,
) -> TimelineFilters:
    """What the feed includes."""
    return TimelineFilters(start=start, end=end, milestones=milestones, models=models)
