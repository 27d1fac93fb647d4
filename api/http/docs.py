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
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

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


def install_docs(app: FastAPI, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Mount the assets and add the two documentation pages (not in the schema)."""
    app.mount(STATIC_PREFIX, StaticFiles(directory=assets_dir()), name="docs-static")
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
