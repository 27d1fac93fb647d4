"""Response schemas of ``/v1/milestones``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.listing.schemas import MetaInfo
from api.tables import MilestoneCategory

DatePrecision = Literal["year", "month", "day"]


def _opt(description: str) -> Any:
    return Field(default=None, description=description)


class ReferencePublic(BaseModel):
    """A paper or announcement: a title and at least one of DOI, arXiv id, URL."""

    title: str = Field(description="Title of the publication or announcement.")
    doi: str | None = Field(description="DOI, e.g. 10.1109/5.726791.")
    arxiv: str | None = Field(description="arXiv identifier, e.g. 1706.03762.")
    url: str | None = Field(description="Official URL.")


class EraRef(BaseModel):
    """The era an event belongs to."""

    slug: str = Field(description="Era slug.", examples=["large-scale"])
    name: str = Field(description="Era name.")


class RelatedModel(BaseModel):
    """A model of ``/v1/models`` that a milestone is about."""

    slug: str = Field(description="Model slug.")
    name: str = Field(description="Model name.")
    publication_date: dt.date | None = Field(description="Publication date (null: none given).")
    parameters: float | None = Field(description="Parameters (count).")
    training_compute_flop: float | None = Field(description="Training compute, FLOP.")
    training_dataset_size: float | None = Field(description="Training dataset size, datapoints.")


class MilestoneBase(BaseModel):
    """A curated event of deep learning's history. ``fields=`` may select a subset."""

    slug: str = Field(description="Stable identifier.", examples=["attention-is-all-you-need"])
    date: dt.date | None = _opt("When it happened (ISO 8601), to the stated precision.")
    date_precision: DatePrecision | None = _opt(
        "Precision of `date`: 'year' (written YYYY-01-01), 'month' (YYYY-MM-01) or 'day'."
    )
    title: str | None = _opt("Short title.")
    summary: str | None = _opt("One to three sentences, written for this service.")
    category: MilestoneCategory | None = _opt("What kind of step it was.")
    era: EraRef | None = _opt("The era the date falls in.")
    tags: list[str] | None = _opt("Lowercase tags, e.g. computer-vision.")
    organizations: list[str] | None = _opt("Organizations involved.")
    people: list[str] | None = _opt("People involved.")
    facts: dict[str, float] | None = _opt(
        "Numbers the milestone states, checked against its references (e.g. parameters)."
    )
    references: list[ReferencePublic] | None = _opt("Sources, each with a DOI, arXiv id or URL.")


class MilestoneSummary(MilestoneBase):
    """A milestone in a list: related models by slug."""

    models: list[str] | None = _opt("Slugs of related models in /v1/models.")


class MilestonePublic(MilestoneBase):
    """One milestone with its related models embedded."""

    models: list[RelatedModel] | None = _opt("Related models, with their headline numbers.")
    meta: MetaInfo | None = None
