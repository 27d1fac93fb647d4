"""``/v1/vocabularies``: the values each filter takes, with slugs and counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import ProvenanceDep
from api.http.responses import JSONBody, page_response
from api.listing.schemas import Page
from api.resources.vocabularies import service
from api.resources.vocabularies.schemas import VocabularyDetail, VocabularySummary

router = APIRouter(prefix="/v1/vocabularies", tags=["vocabularies"])

CANONICAL_REDIRECT: dict[int | str, dict[str, Any]] = {
    308: {
        "description": "The name in another case or spelling (`Organization_Categories`): "
        "`Location` is the vocabulary's canonical URL.",
        "headers": {
            "Location": {"description": "The canonical URL.", "schema": {"type": "string"}}
        },
    }
}


@router.get(
    "",
    operation_id="list_vocabularies",
    summary="List the vocabularies of the filters",
    response_model=Page[VocabularySummary],
    responses=problem_responses(400, 503),
)
def list_vocabularies(request: Request, session: SessionDep, provenance: ProvenanceDep) -> JSONBody:
    """Every closed vocabulary: the parameters it serves, where, and how many values."""
    return page_response(request, service.list_vocabularies(session, provenance))


@router.get(
    "/{name}",
    operation_id="get_vocabulary",
    summary="Get the values of a vocabulary",
    response_model=VocabularyDetail,
    responses={**problem_responses(400, 404, 422, 503), **CANONICAL_REDIRECT},
)
def get_vocabulary(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    name: Annotated[
        str, Path(max_length=100, description="Vocabulary name.", examples=["domains"])
    ],
) -> Response:
    """Every value of one vocabulary with its slug and count, so a form can offer them."""
    body = service.get_vocabulary(session, provenance, name)
    if body["name"] != name:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{body['href']}{query}", status_code=308)
    return JSONBody(body)
