"""Query parameters of the milestone list and its downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlmodel import Session

from api.db.engine import SessionDep
from api.http.deps import EndQuery, ProvenanceDep, StartQuery, fields_query, vocabulary_note
from api.listing.params import any_case, unknown_value
from api.resources.milestones.service import MilestoneFilters
from api.resources.models.service import canonical_slug, slugs_and_aliases
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
        Query(
            description="Slug of a related model, in any case, or one of its aliases "
            "(`gpt-2`); repeat for any of. An unknown one is a 400 with the closest slugs.",
            examples=[["alexnet"]],
        ),
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
        model=model_slugs(session, tuple(model)),
    )


def model_slugs(session: Session, asked: tuple[str, ...]) -> tuple[str, ...]:
    """The canonical slugs of the models ``asked`` for (slugs in any case, or aliases); a
    400 naming ``model`` with the closest slugs and aliases for one that names none."""
    found = []
    for value in asked:
        slug = canonical_slug(session, value) if value.strip() else None
        if slug is None:
            raise unknown_value("model", value, list(slugs_and_aliases(session)))
        found.append(slug)
    return tuple(dict.fromkeys(found))
