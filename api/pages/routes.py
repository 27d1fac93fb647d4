"""``/`` (the home page, or the JSON index when asked for JSON), ``/v1`` (the JSON index),
``/embed/{chart}`` (an interactive chart for an iframe) and ``/static/pages/`` (their files)."""

from __future__ import annotations

import threading
from typing import Any, Final
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session

from api.charts.params import ChartRequestDep
from api.charts.routes import build_spec
from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import ProvenanceDep
from api.http.docs import StaticAssets
from api.http.responses import JSONBody
from api.pages.home import home_context
from api.pages.index import IndexResponse, index_body
from api.pages.vendor import (
    EMBED_POLICY,
    HOME_POLICY,
    IMMUTABLE,
    STATIC_DIR,
    STATIC_PREFIX,
    TEMPLATES_DIR,
    VENDORED_SCRIPTS,
)
from api.provenance import Provenance

router = APIRouter()
ASSETS: Final = StaticAssets(STATIC_DIR)
TEMPLATES: Final = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
HTML_MEDIA_TYPE: Final = "text/html; charset=utf-8"

# The home page depends only on the data: rendered once per data version (the latest).
_home_lock = threading.Lock()
_home_cache: dict[str, bytes] = {}


def wants_json(accept: str) -> bool:
    """Whether ``Accept`` prefers ``application/json`` to HTML (q-values honoured)."""
    best: dict[str, float] = {}
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best[media.strip().lower()] = max(q, best.get(media.strip().lower(), 0.0))
    html = max(best.get("text/html", 0.0), best.get("text/*", 0.0), best.get("*/*", 0.0))
    return best.get("application/json", 0.0) > html


def json_script(value: Any) -> str:
    """``value`` as JSON safe inside a ``<script type="application/json">`` block."""
    return (
        orjson.dumps(value)
        .decode()
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _html(body: str | bytes, policy: str, version: str | None = None) -> HTMLResponse:
    headers = {"Content-Security-Policy": policy, "Vary": "Accept"}
    if version is not None:
        headers["X-Data-Version"] = version
    return HTMLResponse(body, headers=headers, media_type=HTML_MEDIA_TYPE)


def render_home(session: Session, provenance: Provenance) -> bytes:
    """The home page's HTML for the current data version."""
    version = provenance.data_version
    with _home_lock:
        known = _home_cache.get(version)
    if known is not None:
        return known
    page = TEMPLATES.get_template("home.html").render(
        static=STATIC_PREFIX, **home_context(session, provenance)
    )
    body = page.encode()
    with _home_lock:
        _home_cache.clear()
        _home_cache[version] = body
    return body


@router.get("/", include_in_schema=False)
def get_home(request: Request, session: SessionDep, provenance: ProvenanceDep) -> Response:
    """The home page; the JSON index of ``/v1`` when ``Accept`` prefers JSON."""
    if wants_json(request.headers.get("accept", "")):
        response = JSONBody(index_body(request.app, provenance))
        response.headers["Vary"] = "Accept"
        return response
    return _html(render_home(session, provenance), HOME_POLICY, provenance.data_version)


@router.get(
    "/v1",
    operation_id="get_index",
    summary="List the resources of the service",
    tags=["meta"],
    response_model=IndexResponse,
    responses=problem_responses(400, 503),
)
def get_index(request: Request, provenance: ProvenanceDep) -> JSONBody:
    """Every resource with its operations, and links to the documentation and the charts."""
    return JSONBody(index_body(request.app, provenance))


@router.get("/embed/{chart}", include_in_schema=False)
def get_embed(
    request: Request, session: SessionDep, provenance: ProvenanceDep, chart: ChartRequestDep
) -> HTMLResponse:
    """An interactive chart for an iframe: tooltips, zoom and pan; an image without JavaScript."""
    spec = build_spec(session, provenance, chart)
    query = urlencode(list(request.query_params.multi_items()))
    image = f"/v1/charts/{chart.chart.name}.svg" + (f"?{query}" if query else "")
    page = TEMPLATES.get_template("embed.html").render(
        static=STATIC_PREFIX,
        scripts=VENDORED_SCRIPTS,
        chart=chart.chart,
        theme=chart.figure.theme.value,
        spec_json=json_script(spec),
        description=spec["description"],
        image=image,
        meta=provenance.as_meta(),
    )
    return _html(page, EMBED_POLICY, provenance.data_version)


@router.get(f"{STATIC_PREFIX}/{{name}}", include_in_schema=False)
async def get_page_asset(request: Request, name: str) -> Response:
    """A static file of the pages; the vendored builds are immutable under their names."""
    response = await ASSETS.response(request, name)
    if name in VENDORED_SCRIPTS:
        response.headers["Cache-Control"] = IMMUTABLE
    return response
