"""The HTTP contract every route shares: caching headers, HEAD, gzip and CORS.

``install_http_middleware(app, settings)`` is called once by ``create_app``; routes do
nothing for it. The order matters: CORS is outermost (so preflights never reach the
app and even a 304 carries the CORS headers), then ``HttpCacheMiddleware``.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from api.config import Settings
from api.http.conditional import CachePolicy, HttpCacheMiddleware

# Headers a browser client may read from a cross-origin response.
EXPOSED_HEADERS = (
    "ETag",
    "Link",
    "X-Total-Count",
    "X-Data-Version",
    "X-Data-Attribution",
    "Content-Disposition",
)

CACHE_POLICY = CachePolicy(
    # Data changes only when the data version changes, and then every ETag changes:
    # caches may serve for a minute, then revalidate cheaply (304) while serving stale.
    default="public, max-age=60, stale-while-revalidate=600",
    rules=(
        ("/health", "no-store"),
        ("/ready", "no-store"),
        # Documentation assets change only with a package upgrade.
        ("/static/", "public, max-age=86400"),
    ),
)


def install_http_middleware(app: FastAPI, settings: Settings) -> None:
    """Add the caching/encoding middleware and CORS (origins from ``settings``)."""
    app.add_middleware(HttpCacheMiddleware, policy=CACHE_POLICY)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "Accept-Encoding", "If-None-Match", "Content-Type"],
        expose_headers=list(EXPOSED_HEADERS),
        allow_credentials=False,
        max_age=600,
    )
