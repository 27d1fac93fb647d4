"""``GET /v1``: the resources of the service and their operations, with links.

The list is read from the application's OpenAPI document, so it names every operation
the document names, and only those.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI
from pydantic import BaseModel, Field

from api.provenance import Provenance

DESCRIPTION: Final = (
    "Read-only data on the history and scaling of deep learning: notable models with their "
    "parameters, training compute and dataset sizes, a curated timeline, trend statistics "
    "and charts."
)
LINKS: Final = {
    "self": "/v1",
    "home": "/",
    "docs": "/docs",
    "redoc": "/redoc",
    "openapi": "/openapi.json",
    "charts": "/v1/charts",
    "meta": "/v1/meta",
    "health": "/health",
    "ready": "/ready",
}


class IndexOperation(BaseModel):
    """One operation of a resource."""

    operation_id: str
    path: str
    summary: str


class IndexResource(BaseModel):
    """A resource: its path and its operations."""

    name: str
    href: str = Field(description="The resource's collection, else its first operation's path.")
    operations: list[IndexOperation]


class IndexResponse(BaseModel):
    """What the service serves, with links."""

    title: str
    description: str
    links: dict[str, str] = Field(description="The pages and documents of the service.")
    resources: list[IndexResource]
    meta: dict[str, str] = Field(description="Data version, licence and attribution.")


def _resources(app: FastAPI) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for path, item in app.openapi()["paths"].items():
        operation = item.get("get")
        if operation is None or not path.startswith("/v1/"):
            continue
        name = path.split("/")[2].split(".")[0]
        grouped.setdefault(name, []).append(
            {
                "operation_id": operation["operationId"],
                "path": path,
                "summary": operation.get("summary", ""),
            }
        )
    out = []
    for name, operations in grouped.items():
        paths = [operation["path"] for operation in operations]
        href = f"/v1/{name}" if f"/v1/{name}" in paths else paths[0]
        out.append({"name": name, "href": href, "operations": operations})
    return out


def index_body(app: FastAPI, provenance: Provenance) -> dict[str, Any]:
    """The index's body."""
    return {
        "title": app.title,
        "description": DESCRIPTION,
        "links": LINKS,
        "resources": _resources(app),
        "meta": provenance.as_meta(),
    }
