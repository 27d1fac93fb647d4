"""Shapes shared by every resource: the list envelope and provenance."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class MetaInfo(BaseModel):
    """Where the data comes from: attached to every data response."""

    data_version: str = Field(description="Short hash of the seeded data.")
    license: str = Field(description="Licence of the data, e.g. CC BY 4.0.")
    attribution: str = Field(description="Attribution the licence requires.")


class Page(BaseModel, Generic[T]):
    """One page of a collection."""

    items: list[T] = Field(description="The items of this page.")
    total: int = Field(description="Number of items matching the query, over all pages.")
    limit: int = Field(description="Maximum number of items per page.")
    offset: int = Field(description="Position of the first item of this page in the result.")
    next_cursor: str | None = Field(
        description="Opaque cursor of the next page (pass as `cursor`), null on the last page."
    )
    meta: MetaInfo
