"""``/docs`` (Swagger UI) and ``/redoc`` served without any CDN.

The JavaScript and CSS of both come from the ``fastapi-offline`` package, which ships
``swagger-ui-bundle.js``, ``swagger-ui.css``, ``redoc.standalone.js`` and a favicon;
they are served by the application itself under ``/static/docs/``, so the pages work
on a machine with no internet access. ReDoc's Google Fonts link and Swagger UI's
online validator badge are turned off for the same reason, and both pages carry a
Content-Security-Policy that lets them load nothing from another origin: ReDoc's
bundle still points its footer logo at a CDN, and the browser now skips that image
(ReDoc hides it) instead of asking the internet for it.

Why not ``fastapi_offline.FastAPIOffline``: its one public API is a factory that
builds the FastAPI application itself (so it cannot be installed on the app
``create_app`` builds, like the rest of the HTTP layer), sets no
Content-Security-Policy (that would need code of its own, by path, around its
pages) and leaves the OAuth2 redirect URL without the ``root_path``. Only its assets
are used, through ``assets_dir()``.

**Assets are precompressed.** The bundles are large (Swagger UI's is 1.5 MB) and
gzip-encoding one costs about 60 ms of CPU, so encoding them per request would make
``/docs`` an easy way to load a worker. ``StaticAssets`` reads each file and encodes
it once per process, on its first request, and then answers from memory: the gzip
bytes with ``Content-Encoding: gzip`` when ``Accept-Encoding`` allows it, the file's
bytes otherwise, ``Vary: Accept-Encoding`` and a strong ETag of the content either
way (the gzip variant's ends in ``-gzip``, as elsewhere). ``If-None-Match`` (304),
``HEAD`` and ``Cache-Control`` are the HTTP layer's (``api.http.conditional``, the
``/static/`` rule of ``api.http.install``), as for every other answer. The folder holds
four files (about 2.8 MB, 0.8 MB gzip-encoded), the whole of that memory.
"""

from __future__ import annotations

import mimetypes
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from starlette.responses import HTMLResponse, Response

from api.errors import NotFoundError
from api.http import compression
from api.http.conditional import body_etag

STATIC_PREFIX = "/static/docs"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",  # each page starts its bundle inline
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",  # ReDoc's search runs in a blob worker
        "frame-ancestors 'self'",
    ]
)
SWAGGER_PARAMETERS = {
    "validatorUrl": None,  # the default badge asks validator.swagger.io
    "displayOperationId": True,  # the operationId is the generated clients' method name
    "defaultModelsExpandDepth": 0,
    "tryItOutEnabled": True,
}


def assets_dir() -> Path:
    """The folder holding the Swagger UI and ReDoc bundles."""
    return Path(str(resources.files("fastapi_offline") / "static"))


@dataclass(frozen=True)
class Asset:
    """One file, as sent: its media type, ETag, bytes and gzip-encoded bytes."""

    media_type: str
    etag: str
    body: bytes
    gzip: bytes | None


class StaticAssets:
    """The files of one folder, each read and gzip-encoded once (see the module docs)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._assets: dict[str, Asset] = {}

    def get(self, name: str) -> Asset | None:
        """The asset ``name`` if already loaded (no I/O)."""
        return self._assets.get(name)

    def load(self, name: str) -> Asset | None:
        """The asset ``name``, read and encoded on first use; None if there is no such file."""
        with self._lock:
            known = self._assets.get(name)
            if known is not None:
                return known
            path = self._directory / name
            # Only a file directly in the folder: the name comes from the URL.
            if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
                return None
            body = path.read_bytes()
            media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            encode = compression.compressible(media_type) and len(body) >= compression.MIN_SIZE
            asset = Asset(
                media_type, body_etag(body), body, compression.gzip_body(body) if encode else None
            )
            self._assets[name] = asset
            return asset

    async def response(self, request: Request, name: str) -> Response:
        """The answer for ``name``: gzip-encoded when the client accepts it; 404 if unknown."""
        asset = self.get(name) or await anyio.to_thread.run_sync(self.load, name)
        if asset is None:
            raise NotFoundError(f"no documentation asset named {name!r}")
        headers = {"etag": asset.etag, "vary": "Accept-Encoding"}
        body = asset.body
        accept = request.headers.get("accept-encoding", "")
        if asset.gzip is not None and compression.accepts_gzip(accept):
            body = asset.gzip
            headers["etag"] = compression.gzip_etag(asset.etag)
            headers["content-encoding"] = "gzip"
        return Response(body, media_type=asset.media_type, headers=headers)


def install_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Serve the assets and add the two documentation pages (not in the schema)."""
    assets = StaticAssets(assets_dir())
    app.state.docs_assets = assets

    @app.get(f"{STATIC_PREFIX}/{{name}}", include_in_schema=False)
    async def get_docs_asset(request: Request, name: str) -> Response:
        return await assets.response(request, name)

    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = f"{docs_url}/oauth2-redirect"

    def _root(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    def _local_only(page: HTMLResponse) -> HTMLResponse:
        page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return page

    @app.get(docs_url, include_in_schema=False)
    def get_swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{oauth2_redirect_url}",
            swagger_js_url=f"{root}{STATIC_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_PREFIX}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )
        return _local_only(page)

    @app.get(oauth2_redirect_url, include_in_schema=False)
    def get_swagger_ui_redirect() -> HTMLResponse:
        return _local_only(get_swagger_ui_oauth2_redirect_html())

    @app.get(redoc_url, include_in_schema=False)
    def get_redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{STATIC_PREFIX}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_PREFIX}/favicon.png",
            with_google_fonts=False,
        )
        return _local_only(page)
