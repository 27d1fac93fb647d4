"""Dependencies shared by the data routes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from api.config import Settings, get_settings
from api.db.engine import SessionDep
from api.errors import InvalidParameterError, UnprocessableError
from api.listing.query import PageRequest
from api.provenance import Provenance, provenance


def get_provenance(session: SessionDep) -> Provenance:
    """Data version and licence of what this request reads."""
    return provenance(session)


ProvenanceDep = Annotated[Provenance, Depends(get_provenance)]


async def settings_dep(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    return settings


SettingsDep = Annotated[Settings, Depends(settings_dep)]


async def page_request(
    settings: SettingsDep,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            description="Items per page (default 50, at most the server's cap, 500 by default).",
            examples=[50],
        ),
    ] = None,
    offset: Annotated[
        int,
        Query(
            ge=0, le=10_000_000, description="Items to skip (offset pagination).", examples=[100]
        ),
    ] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=2000, description="`next_cursor` of the previous page (keyset pagination)."
        ),
    ] = None,
) -> PageRequest:
    """Page parameters, with the limit capped by the ``max_page_size`` setting."""
    if limit is None:
        limit = settings.default_page_size
    if limit > settings.max_page_size:
        raise UnprocessableError(
            "limit", f"must be at most {settings.max_page_size}", "less_than_equal"
        )
    if cursor is not None and offset:
        raise InvalidParameterError("cursor", "use either cursor or offset, not both", "conflict")
    return PageRequest(limit=min(limit, settings.max_page_size), offset=offset, cursor=cursor)


PageDep = Annotated[PageRequest, Depends(page_request)]


def fields_query(example: str, default: str = "all") -> Any:
    """The ``fields`` parameter of a route."""
    return Query(
        description=f"Comma-separated fields to return (default: {default}); "
        "`slug` is always included.",
        examples=[example],
        max_length=2000,
    )


StartQuery = Annotated[
    dt.date | None,
    Query(description="On or after this date (inclusive, ISO 8601).", examples=["2012-01-01"]),
]
EndQuery = Annotated[
    dt.date | None,
    Query(description="Before this date (exclusive, ISO 8601).", examples=["2023-01-01"]),
]


def vocabulary_note(name: str) -> str:
    """How a parameter of a vocabulary in the data matches, and where its values are."""
    return (
        "Matches ignore case, spaces and punctuation (`open ai` is OpenAI); an unknown or "
        f"empty value is a 400 with the closest values. Every value: `/v1/vocabularies/{name}`."
    )


DomainQuery = Annotated[
    tuple[str, ...],
    Query(
        description="Domain name or slug; repeat for any of. " + vocabulary_note("domains"),
        examples=[["Language"]],
    ),
]
OrganizationQuery = Annotated[
    tuple[str, ...],
    Query(
        description="Organization name or slug; repeat for any of. "
        + vocabulary_note("organizations"),
        examples=[["OpenAI"]],
    ),
]
