"""Response schema of ``/v1/search``."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

SearchType = Literal["model", "milestone", "era", "organization"]
SEARCH_TYPES: tuple[str, ...] = get_args(SearchType)
MatchKind = Literal["exact", "prefix", "title", "text"]


class SearchHit(BaseModel):
    """One record that matches the query, in rank order."""

    type: SearchType = Field(description="What the hit is.")
    slug: str = Field(description="Its slug (for an organization, the organization filter's).")
    title: str = Field(description="Model name, milestone title, era or organization name.")
    snippet: str | None = Field(
        description="An excerpt of its text (abstract, summary) around the first matching "
        "word, or its beginning; null when it has no text."
    )
    href: str = Field(
        description="API path of the record (an organization's: the list of its models)."
    )
    match: MatchKind = Field(
        description="Why it ranks where it does: `exact` (the name or an alias is the query), "
        "`prefix` (a name starts with it), `title` (the names contain it), `text` (only the "
        "text does)."
    )
