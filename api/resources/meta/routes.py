"""``/v1/meta``: sources, licences, data version and the field dictionary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api import __version__
from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import ProvenanceDep
from api.http.responses import JSONBody
from api.resources.meta.schemas import MetaResponse, VersionResponse, VersionsResponse
from api.resources.meta.service import meta_info
from api.resources.meta.versions import get_version, list_versions

router = APIRouter(prefix="/v1/meta", tags=["meta"])


@router.get(
    "",
    operation_id="get_meta",
    summary="Sources, licences and field dictionary",
    response_model=MetaResponse,
    responses=problem_responses(400, 503),
)
def get_meta(request: Request, session: SessionDep, provenance: ProvenanceDep) -> JSONBody:
    """The data sources with licence, attribution, snapshot date, checksum and row count; the
    data version; and every field of every resource with its type, unit and description."""
    return JSONBody(meta_info(session, provenance, request.app.openapi(), __version__))


@router.get(
    "/versions",
    operation_id="list_data_versions",
    summary="Every data version (seed or import)",
    response_model=VersionsResponse,
    responses=problem_responses(400, 503),
)
def list_data_versions(session: SessionDep, provenance: ProvenanceDep) -> JSONBody:
    """Each load that changed the data, newest first: its date, file, checksums and counts."""
    return JSONBody(
        {
            "items": list_versions(session),
            "current": provenance.data_version,
            "meta": provenance.as_meta(),
        }
    )


@router.get(
    "/versions/{version}",
    operation_id="get_data_version",
    summary="One data version and its diff",
    response_model=VersionResponse,
    responses=problem_responses(400, 404, 422, 503),
)
def get_data_version(
    session: SessionDep,
    provenance: ProvenanceDep,
    version: Annotated[
        str,
        Path(
            max_length=64,
            pattern=r"^[0-9a-f]+$",
            description="A `data_version` (its latest load) or a sequence number (`id`).",
            examples=["1"],
        ),
    ],
) -> JSONBody:
    """The version with what changed against the previous one: models added, removed,
    renamed, and every changed field with its old and new value; columns renamed or added."""
    return JSONBody({**get_version(session, version), "meta": provenance.as_meta()})
