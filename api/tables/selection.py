"""Published selections of models (e.g. the large-scale models of Sevilla et al. 2022).

A selection is a named list of models fixed by its authors, with its source; the trend
endpoints can fit over it (``selection=``). Members link to ``ml_model`` rows and keep the
name and date the source gives them, so a reader can check each match.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

MAX_SELECTION_SLUG_LENGTH = 100


class SelectionSlug(StrEnum):
    """The selections the seed data defines (``seed/data/selections.toml``)."""

    SEVILLA_2022_LARGE_SCALE = "sevilla-2022-large-scale"


class ModelSelection(SQLModel, table=True):
    """A named, published list of models."""

    __tablename__ = "model_selection"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=MAX_SELECTION_SLUG_LENGTH)
    name: str = Field(max_length=300)
    description: str = Field(sa_type=Text)
    method: str = Field(sa_type=Text)
    source: str = Field(sa_type=Text)
    source_url: str = Field(sa_type=Text)


class ModelSelectionMember(SQLModel, table=True):
    """A model of a selection, with the name and date its source gives it."""

    __tablename__ = "model_selection_member"

    selection_id: int = Field(
        foreign_key="model_selection.id", primary_key=True, ondelete="CASCADE"
    )
    ml_model_id: int = Field(
        foreign_key="ml_model.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    position: int
    source_name: str = Field(max_length=300)
    source_date: dt.date
