"""Response schemas of ``/v1/eras``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.listing.schemas import MetaInfo
from api.resources.milestones.schemas import DatePrecision, ReferencePublic
from api.tables import MilestoneCategory


class EraMilestone(BaseModel):
    """A milestone as listed in its era."""

    slug: str
    date: dt.date
    date_precision: DatePrecision
    title: str
    category: MilestoneCategory


class EraPublic(BaseModel):
    """A named era of deep learning, with where its boundaries come from."""

    slug: str = Field(description="Stable identifier.", examples=["deep-learning"])
    name: str | None = Field(default=None, description="Name of the era.")
    start_date: dt.date | None = Field(
        default=None, description="First day of the era (inclusive)."
    )
    end_date: dt.date | None = Field(
        default=None, description="Day after the era (exclusive); null: ongoing."
    )
    summary: str | None = Field(default=None, description="What characterises the era.")
    boundary_source: str | None = Field(default=None, description="Where the boundaries come from.")
    references: list[ReferencePublic] | None = Field(
        default=None, description="Sources of the boundaries."
    )
    milestone_count: int | None = Field(default=None, description="Milestones in the era.")
    model_count: int | None = Field(
        default=None, description="Models of /v1/models published in the era."
    )


class EraDetail(EraPublic):
    """One era with its milestones in date order."""

    milestones: list[EraMilestone] | None = Field(
        default=None, description="The era's milestones, in date order."
    )
    meta: MetaInfo
