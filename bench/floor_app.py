"""The floors: a bare FastAPI endpoint, and a bare ASGI app, that return precomputed bodies.

It answers ``GET /floor`` with the bytes of the file named by ``DLE_BENCH_FLOOR_BODY``
(a response of the service, captured by the benchmark), as ``application/json``. It
does no work beyond the framework's own, so its throughput is the most any FastAPI
endpoint served the same way (uvicorn, uvloop, httptools, one worker) can reach.
``bare`` (``bench.floor_app:bare``) answers ``/floor`` and ``/floor.csv`` (the file
named by ``DLE_BENCH_FLOOR_CSV``) with no framework at all: the limit.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response


def create_app(body: bytes) -> FastAPI:
    """An app with one route returning ``body``."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/floor")
    async def floor() -> Response:
        return Response(content=body, media_type="application/json")

    return app


def _from_environment() -> FastAPI:
    path = os.environ.get("DLE_BENCH_FLOOR_BODY")
    return create_app(Path(path).read_bytes() if path else b"{}")


app = _from_environment()


def bare_app(bodies: dict[str, tuple[bytes, bytes]]) -> Any:
    """A bare ASGI app: ``bodies`` maps a path to its (content type, body); no framework,
    no routing beyond one dictionary lookup. Served by uvicorn with httptools it is the
    most any Python ASGI application can answer on this machine: the limit."""
    answers = {
        path: (
            [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
            body,
        )
        for path, (kind, body) in bodies.items()
    }
    missing = ([(b"content-length", b"0")], b"")

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers, body = answers.get(scope["path"], missing)
        status = 200 if scope["path"] in answers else 404
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def _bare_from_environment() -> Any:
    bodies = {}
    for path, variable, kind in (
        ("/floor", "DLE_BENCH_FLOOR_BODY", b"application/json"),
        ("/floor.csv", "DLE_BENCH_FLOOR_CSV", b"text/csv; charset=utf-8; header=present"),
    ):
        name = os.environ.get(variable)
        if name:
            bodies[path] = (kind, Path(name).read_bytes())
    return bare_app(bodies)


bare = _bare_from_environment()
