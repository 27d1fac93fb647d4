"""Response schema of ``/v1/timeline``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.resources.milestones.schemas import DatePrecision
from api.tables import MilestoneCategory


class TimelineItem(BaseModel):
    """One entry of the merged feed: a milestone or a model release."""

    kind: Literal["milestone", "model"] | None = Field(
        default=None, description="A milestone or a model release."
    )
    slug: str = Field(description="Slug in /v1/milestones or /v1/models.")
    date: dt.date | None = Field(
        default=None, description="Date of the event or the model's publication."
    )
    date_precision: DatePrecision | None = Field(
        default=None,
        description="Precision of `date` (`year` dates are written YYYY-01-01, `month` dates "
        "YYYY-MM-01); in date order a less precise date comes after the precise dates of its "
        "year or month.",
    )
    title: str | None = Field(default=None, description="Milestone title or model name.")
    summary: str | None = Field(
        default=None, description="Milestone summary; null for model releases."
    )
    organizations: list[str] | None = Field(
        default=None,
        description="Organizations involved (a milestone's) or that published the model.",
    )
    models: list[str] | None = Field(
        default=None,
        description="Slugs of the models a milestone is about (in /v1/models); for a model "
        "release, its own slug.",
    )
    category: MilestoneCategory | None = Field(
        default=None, description="Milestone category; null for models."
    )
    parameters: float | None = Field(
        default=None, description="Model parameters; null for milestones."
    )
    training_compute_flop: float | None = Field(
        default=None,
        description="Model training compute, FLOP; null for milestones or when unknown.",
    )
    frontier: bool | None = Field(
        default=None, description="Model's frontier flag; null for milestones."
    )
    href: str | None = Field(default=None, description="API path of the full record.")
