"""The closed vocabularies of the query parameters, and how to read each one's values.

A vocabulary is a set of values a filter takes: some live in the database (domains,
organizations, tags, eras, ...), some are fixed by the source (confidence levels, kinds
of access, milestone categories). Each value has a name (what filters and bodies say),
a slug and a count of the models (or milestones) that have it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import distinct, func, select
from sqlmodel import Session, col

from api.tables import (
    MILESTONE_CATEGORIES,
    MULTI_VALUED_BY_FIELD,
    Era,
    Milestone,
    MilestoneOrganization,
    MilestoneTag,
    MLModel,
)

ConfidenceValue = Literal["Confident", "Likely", "Speculative", "Unknown"]
AccessibilityValue = Literal[
    "API access",
    "Hosted access (no API)",
    "Open weights (non-commercial)",
    "Open weights (restricted use)",
    "Open weights (unrestricted)",
    "Unreleased",
]
CONFIDENCE_VALUES: tuple[str, ...] = get_args(ConfidenceValue)
ACCESSIBILITY_VALUES: tuple[str, ...] = get_args(AccessibilityValue)

MODEL_FILTERS = ("/v1/models", "/v1/models/facets")
# The charts take the trend filters (api/charts/params.py).
TREND_FILTERS = ("/v1/trends/{metric}", "/v1/charts/{chart}")
MILESTONE_FILTERS = ("/v1/milestones",)

# One value as read: name, slug, count.
Row = tuple[str, str, int]


def slugify(text: str) -> str:
    """A lowercase URL-safe slug of ``text`` (accents dropped, other runs become ``-``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "-"


@dataclass(frozen=True)
class Vocabulary:
    """A closed vocabulary: its name, the parameters it serves, where, and its values."""

    name: str
    title: str
    description: str
    parameters: tuple[str, ...]
    endpoints: tuple[str, ...]
    counts: Literal["models", "milestones"]
    read: Callable[[Session], list[Row]]
    # What a filter is given for a matched value: its name (most) or its slug (eras).
    canonical: Literal["name", "slug"] = "name"
    fixed: bool = False


def _terms(field: str) -> Callable[[Session], list[Row]]:
    multi = MULTI_VALUED_BY_FIELD[field]
    term, link = multi.term, multi.link

    def read(session: Session) -> list[Row]:
        statement = (
            select(col(term.name), col(term.slug), func.count(distinct(link.c.ml_model_id)))
            .select_from(term)
            .outerjoin(link, link.c.term_id == col(term.id))
            .group_by(col(term.id), col(term.name), col(term.slug))
        )
        rows = [(name, slug, int(n)) for name, slug, n in session.execute(statement)]
        return sorted(rows, key=lambda row: (row[0].casefold(), row[0]))

    return read


def _fixed(values: Sequence[str], column: Any, source: Any) -> Callable[[Session], list[Row]]:
    """Values fixed by the source, counted in ``column`` (stored as written, any case)."""

    def read(session: Session) -> list[Row]:
        lowered = func.lower(column)
        statement = select(lowered, func.count()).select_from(source).group_by(lowered)
        counted = {value: int(n) for value, n in session.execute(statement) if value is not None}
        return [(value, slugify(value), counted.get(value.lower(), 0)) for value in values]

    return read


def _tags(session: Session) -> list[Row]:
    statement = select(
        col(MilestoneTag.tag), func.count(distinct(col(MilestoneTag.milestone_id)))
    ).group_by(col(MilestoneTag.tag))
    return sorted((tag, tag, int(n)) for tag, n in session.execute(statement))


def _milestone_organizations(session: Session) -> list[Row]:
    statement = select(
        col(MilestoneOrganization.name),
        func.count(distinct(col(MilestoneOrganization.milestone_id))),
    ).group_by(col(MilestoneOrganization.name))
    rows = [(name, slugify(name), int(n)) for name, n in session.execute(statement)]
    return sorted(rows, key=lambda row: (row[0].casefold(), row[0]))


def _eras(session: Session) -> list[Row]:
    statement = (
        select(col(Era.name), col(Era.slug), func.count(col(Milestone.id)))
        .select_from(Era)
        .outerjoin(Milestone, col(Milestone.era_id) == col(Era.id))
        .group_by(col(Era.id), col(Era.name), col(Era.slug), col(Era.start_date))
        .order_by(col(Era.start_date), col(Era.slug))
    )
    return [(name, slug, int(n)) for name, slug, n in session.execute(statement)]


def _term_vocabulary(name: str, title: str, parameter: str, field: str, what: str) -> Vocabulary:
    return Vocabulary(
        name=name,
        title=title,
        description=f"{what}; a model matches a value by its name or slug.",
        parameters=(parameter,),
        endpoints=MODEL_FILTERS
        + (TREND_FILTERS if parameter in ("domain", "organization") else ()),
        counts="models",
        read=_terms(field),
    )


VOCABULARIES: tuple[Vocabulary, ...] = (
    _term_vocabulary(
        "domains", "Domains", "domain", "domains", "Fields of application (Language, Vision...)"
    ),
    _term_vocabulary(
        "organizations",
        "Organizations",
        "organization",
        "organizations",
        "Organizations that developed models",
    ),
    _term_vocabulary(
        "countries", "Countries", "country", "countries", "Countries of developing organizations"
    ),
    _term_vocabulary(
        "organization-categories",
        "Organization categories",
        "organization_category",
        "organization_categories",
        "Kinds of developing organization (Industry, Academia...)",
    ),
    _term_vocabulary("tasks", "Tasks", "task", "tasks", "Tasks models perform"),
    Vocabulary(
        name="confidence",
        title="Confidence",
        description="Epoch AI's confidence in a model's figures; `min_confidence` of the "
        "trends takes Speculative, Likely or Confident (at least that confident).",
        parameters=("confidence", "min_confidence"),
        endpoints=MODEL_FILTERS + TREND_FILTERS,
        counts="models",
        read=_fixed(CONFIDENCE_VALUES, col(MLModel.confidence), MLModel),
        fixed=True,
    ),
    Vocabulary(
        name="model-accessibility",
        title="Model accessibility",
        description="How a model's weights can be accessed.",
        parameters=("model_accessibility",),
        endpoints=MODEL_FILTERS,
        counts="models",
        read=_fixed(ACCESSIBILITY_VALUES, col(MLModel.model_accessibility), MLModel),
        fixed=True,
    ),
    Vocabulary(
        name="milestone-categories",
        title="Milestone categories",
        description="Kinds of milestone.",
        parameters=("category",),
        endpoints=MILESTONE_FILTERS,
        counts="milestones",
        read=_fixed(MILESTONE_CATEGORIES, col(Milestone.category), Milestone),
        fixed=True,
    ),
    Vocabulary(
        name="tags",
        title="Milestone tags",
        description="Tags of milestones.",
        parameters=("tag",),
        endpoints=MILESTONE_FILTERS,
        counts="milestones",
        read=_tags,
    ),
    Vocabulary(
        name="eras",
        title="Eras",
        description="Named eras of deep learning, in date order; a milestone matches by "
        "the era's name or slug.",
        parameters=("era",),
        endpoints=MILESTONE_FILTERS,
        counts="milestones",
        read=_eras,
        canonical="slug",
    ),
    Vocabulary(
        name="milestone-organizations",
        title="Milestone organizations",
        description="Organizations involved in milestones (a vocabulary of its own: the "
        "curated timeline names them, the model data has its own).",
        parameters=("organization",),
        endpoints=MILESTONE_FILTERS,
        counts="milestones",
        read=_milestone_organizations,
    ),
)
BY_NAME = {vocabulary.name: vocabulary for vocabulary in VOCABULARIES}
