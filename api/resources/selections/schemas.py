"""Response schemas of ``/v1/selections``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.tables import SelectionSlug


class SelectionMember(BaseModel):
    """A model of a selection, with the name and date its source gives it."""

    model: str = Field(description="Slug of the model (/v1/models/{slug}).", examples=["gnmt"])
    name: str = Field(description="The model's name in /v1/models.", examples=["GNMT"])
    source_name: str = Field(description="The model's name in the selection's source.")
    source_date: dt.date = Field(description="The model's publication date in the source.")


class SelectionPublic(BaseModel):
    """A published selection of models, its method and its source."""

    slug: SelectionSlug = Field(
        description="Stable identifier; the value of selection= on the trend endpoints."
    )
    name: str = Field(description="Name of the selection.")
    description: str = Field(description="What the selection is and what it is used for.")
    method: str = Field(description="How the authors chose the models, and how they were matched.")
    source: str = Field(description="Where the list comes from.")
    source_url: str = Field(description="The source's address.")
    member_count: int = Field(description="Models in the selection.")
    members: list[SelectionMember] = Field(description="The models, in the source's order.")
