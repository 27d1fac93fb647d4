"""The HTTP contract every route shares, installed once: ``install(app, settings)``.

Problem-details errors, the unknown-parameter check, the response cache, caching
headers, HEAD, gzip and CORS, the documentation pages and the OpenAPI examples.
``create_app`` calls ``install`` before it includes the routers; routes do nothing
for it. The middleware order matters: the response cache is innermost, then
``HttpCacheMiddleware`` (ETag, gzip), the Host check, the forwarded headers (before
anything builds a URL or a cache key), CORS (so preflights never reach the app and
every answer, 304s and refusals included, carries the CORS headers) and the security
headers outermost. In front of the whole chain, ``response_cache.fast`` answers
repeated cache hits with the bytes the chain gave them, without running it again.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from api.config import Settings
from api.http.conditional import CachePolicy, HttpCacheMiddleware
from api.http.cors import CorsMiddleware
from api.http.docs import install_docs
from api.http.examples import install_examples
from api.http.forwarded import ForwardedMiddleware
from api.http.host import HostCheckMiddleware
from api.http.openapi import install_openapi
from api.http.params import reject_unknown_params
from api.http.problems import install_error_handlers
from api.http.query_cap import QueryCapMiddleware
from api.http.response_cache.fast import install_fast_hits
from api.http.response_cache.middleware import install_response_cache
from api.http.security import SecurityHeadersMiddleware

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


def install(app: FastAPI, settings: Settings) -> None:
    """Install the HTTP layer on ``app``; call before including any router (the
    unknown-parameter check is added to the routes included afterwards)."""
    install_error_handlers(app)
    app.router.dependencies.append(Depends(reject_unknown_params))
    # Innermost first: the response cache, then the HTTP layer (ETag, gzip) around it.
    install_response_cache(app, settings)
    install_http_middleware(app, settings)
    app.add_middleware(HostCheckMiddleware)
    app.add_middleware(ForwardedMiddleware, trusted=settings.forwarded_allow_ips)
    # Before any cache or parsing sees the query: over-long ones are refused (414), with
    # the CORS and security headers of every answer.
    app.add_middleware(QueryCapMiddleware, max_bytes=settings.max_query_bytes)
    app.add_middleware(CorsMiddleware, origins=settings.cors_origins)
    # Outermost: every response, CORS preflights, 304s and refused hosts included.
    app.add_middleware(SecurityHeadersMiddleware)
    # In front of all of it: cache hits answered with what this chain sent for them.
    install_fast_hits(app, settings)
    install_docs(app)
    install_examples(app)
    install_openapi(app, CACHE_POLICY)  # declares the headers, 304 and refusals of all this


def install_http_middleware(app: FastAPI, settings: Settings) -> None:
    """Add the caching/encoding middleware."""
    app.add_middleware(HttpCacheMiddleware, policy=CACHE_POLICY)
