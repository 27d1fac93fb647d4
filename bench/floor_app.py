"""The floor: a bare FastAPI endpoint that returns a precomputed body.

It answers ``GET /floor`` with the bytes of the file named by ``DLE_BENCH_FLOOR_BODY``
(a response of the service, captured by the benchmark), as ``application/json``. It
does no work beyond the framework's own, so its throughput is the most any FastAPI
endpoint served the same way (uvicorn, uvloop, httptools, one worker) can reach.
"""

from __future__ import annotations

import os
from pathlib import Path

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
