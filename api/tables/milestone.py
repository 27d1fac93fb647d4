"""Curated history: eras and milestones, with their references and links to models."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

# The kinds of milestone: the seed validates against them, the API documents them.
MilestoneCategory = Literal[
    "architecture",
    "training-method",
    "dataset",
    "benchmark",
    "competition",
    "hardware",
    "model-release",
    "product",
    "paper",
    "theory",
    "software",
    "award",
]
MILESTONE_CATEGORIES: tuple[str, ...] = get_args(MilestoneCategory)

# The longest slugs: the columns' lengths and the limits of ``/v1/eras/{slug}`` and
# ``/v1/milestones/{slug}``, so every seeded era and milestone is reachable.
MAX_ERA_SLUG_LENGTH = 100
MAX_MILESTONE_SLUG_LENGTH = 200


class Era(SQLModel, table=True):
    """A named period of deep learning; boundaries are data, with their source."""

    __tablename__ = "era"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=MAX_ERA_SLUG_LENGTH)
    name: str = Field(max_length=200)
    start_date: dt.date = Field(index=True)
    end_date: dt.date | None = None
    summary: str = Field(sa_type=Text)
    boundary_source: str = Field(sa_type=Text)


class Milestone(SQLModel, table=True):
    """An event of the timeline."""

    __tablename__ = "milestone"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=MAX_MILESTONE_SLUG_LENGTH)
    date: dt.date = Field(index=True)
    date_precision: str = Field(max_length=10)
    title: str = Field(max_length=300)
    summary: str = Field(sa_type=Text)
    category: str = Field(max_length=50, index=True)
    era_id: int = Field(foreign_key="era.id", index=True, ondelete="RESTRICT")


class ReferenceBase(SQLModel):
    """A publication or announcement backing a record."""

    position: int = Field(primary_key=True)
    title: str = Field(sa_type=Text)
    doi: str | None = Field(default=None, max_length=200)
    arxiv: str | None = Field(default=None, max_length=50)
    url: str | None = Field(default=None, sa_type=Text)


class EraReference(ReferenceBase, table=True):
    """A source of an era's boundaries."""

    __tablename__ = "era_reference"

    era_id: int = Field(foreign_key="era.id", primary_key=True, ondelete="CASCADE")


class MilestoneReference(ReferenceBase, table=True):
    """A source of a milestone's facts."""

    __tablename__ = "milestone_reference"

    milestone_id: int = Field(foreign_key="milestone.id", primary_key=True, ondelete="CASCADE")


class MilestoneTag(SQLModel, table=True):
    """A tag of a milestone, in curated order."""

    __tablename__ = "milestone_tag"

    milestone_id: int = Field(foreign_key="milestone.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    tag: str = Field(max_length=100, index=True)


class MilestoneOrganization(SQLModel, table=True):
    """An organization involved in a milestone."""

    __tablename__ = "milestone_organization"

    milestone_id: int = Field(foreign_key="milestone.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    name: str = Field(max_length=300, index=True)


class MilestonePerson(SQLModel, table=True):
    """A person involved in a milestone."""

    __tablename__ = "milestone_person"

    milestone_id: int = Field(foreign_key="milestone.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    name: str = Field(max_length=300)


class MilestoneModel(SQLModel, table=True):
    """A model of the models table that a milestone is about."""

    __tablename__ = "milestone_model"

    milestone_id: int = Field(foreign_key="milestone.id", primary_key=True, ondelete="CASCADE")
    ml_model_id: int = Field(
        foreign_key="ml_model.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    position: int


class MilestoneFact(SQLModel, table=True):
    """A number a milestone states (e.g. parameters = 1.5e9), checked against its references."""

    __tablename__ = "milestone_fact"

    milestone_id: int = Field(foreign_key="milestone.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=100)
    value: float
