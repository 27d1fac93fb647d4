"""Query parameters of the milestone list and its downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.db.engine import SessionDep
from api.http.deps import EndQuery, ProvenanceDep, StartQuery, fields_query, vocabulary_note
from api.listing.params import any_case
from api.resources.milestones.service import MilestoneFilters
from api.resources.vocabularies.service import resolve
from api.tables import MILESTONE_CATEGORIES, MilestoneCategory

SortQuery = Annotated[
    str | None,
    Query(
        description="Sort keys: date (default), title, slug; `-` for descending.",
        examples=["-date"],
        max_length=200,
    ),
]
ListFieldsQuery = Annotated[str | None, fields_query("title,date,category")]


def milestone_filters(
    session: SessionDep,
    provenance: ProvenanceDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200, description="Search in titles and summaries.", examples=["transformer"]
        ),
    ] = None,
    start: StartQuery = None,
    end: EndQuery = None,
    category: Annotated[
        tuple[
            Annotated[MilestoneCategory, any_case(MILESTONE_CATEGORIES, "milestone-categories")],
            ...,
        ],
        Query(
            description="Category (any case, spaces and punctuation ignored); repeat for any of.",
            examples=[["architecture"]],
        ),
    ] = (),
    tag: Annotated[
        tuple[str, ...],
        Query(
            description="Tag; repeat for any of. " + vocabulary_note("tags"),
            examples=[["computer-vision"]],
        ),
    ] = (),
    era: Annotated[
        tuple[str, ...],
        Query(
            description="Era slug or name; repeat for any of. " + vocabulary_note("eras"),
            examples=[["deep-learning"]],
        ),
    ] = (),
    organization: Annotated[
        tuple[str, ...],
        Query(
            description="Organization involved; repeat for any of. "
            + vocabulary_note("milestone-organizations"),
            examples=[["Google"]],
        ),
    ] = (),
    model: Annotated[
        tuple[str, ...],
        Query(description="Slug of a related model; repeat for any of.", examples=[["alexnet"]]),
    ] = (),
) -> MilestoneFilters:
    """The filters of the list and its downloads."""
    return MilestoneFilters(
        q=q.strip() or None if q else None,
        start=start,
        end=end,
        category=tuple(category),
        tag=resolve(session, provenance, "tags", "tag", tuple(tag)),
        era=resolve(session, provenance, "eras", "era", tuple(era)),
        organization=resolve(
            session, provenance, "milestone-organizations", "organization", tuple(organization)
        ),
        model=tuple(model),
    )
