"""Response schemas of ``/v1/vocabularies``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.listing.schemas import MetaInfo


class VocabularyValue(BaseModel):
    """One value a filter takes."""

    name: str = Field(
        description="The value as filters and bodies write it.", examples=["Language"]
    )
    slug: str = Field(description="Lowercase URL-safe form; filters accept it too.")
    count: int = Field(
        description="Models (or milestones, per the vocabulary's `counts`) that have the value."
    )


class VocabularySummary(BaseModel):
    """A closed vocabulary: the values of one or more query parameters."""

    name: str = Field(description="Identifier of the vocabulary.", examples=["domains"])
    title: str = Field(description="Human-readable name.")
    description: str = Field(description="What the values are.")
    parameters: list[str] = Field(description="Query parameters that take these values.")
    endpoints: list[str] = Field(
        description="Paths whose parameters take them (their downloads and sub-paths too)."
    )
    counts: Literal["models", "milestones"] = Field(description="What each value's count counts.")
    fixed: bool = Field(
        description="true: the set is fixed by the source (also an enum in the OpenAPI "
        "document); false: the values come from the data."
    )
    value_count: int = Field(description="Number of values.")
    href: str = Field(description="URL of the vocabulary with its values.")


class VocabularyDetail(VocabularySummary):
    """A vocabulary with every value, its slug and its count."""

    values: list[VocabularyValue] = Field(
        description="Every value: in date order for eras, the source's order for fixed "
        "sets, by name otherwise."
    )
    meta: MetaInfo
