"""``/v1/search``: find models, milestones, eras and organizations by the names people use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import PageDep, ProvenanceDep
from api.http.responses import JSONBody, page_response
from api.listing.schemas import Page
from api.resources.search import service
from api.resources.search.schemas import SearchHit, SearchType

router = APIRouter(prefix="/v1/search", tags=["search"])


@router.get(
    "",
    operation_id="search",
    summary="Search everything",
    response_model=Page[SearchHit],
    responses=problem_responses(400, 422, 503),
)
def search(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    page: PageDep,
    q: Annotated[
        str,
        Query(
            description="Words to find in names, aliases, titles, abstracts and summaries; "
            "case, spaces and punctuation are ignored ('GPT 4', 'gpt4', 'gpt-4'), each word "
            "may be the start of a word ('transform' finds Transformer).",
            examples=["gpt-4"],
            max_length=200,
        ),
    ],
    type_: Annotated[
        tuple[SearchType, ...],
        Query(
            alias="type",
            description="Only hits of these types; repeat for any of (default: all).",
            examples=[["model"]],
        ),
    ] = (),
) -> JSONBody:
    """One ranked list across models, milestones, eras and organizations."""
    return page_response(request, service.search(session, provenance, q, type_, page))
