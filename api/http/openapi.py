"""The HTTP contract of every operation in the OpenAPI document, declared in one place.

FastAPI documents what a route returns; what the shared HTTP layer adds to every
response is declared here, from the same names the middleware uses, so that a
generated client or a cache sees it:

* every GET: ``ETag`` and ``Cache-Control`` (``api.http.conditional``, the policy of its
  path), the ``304`` of ``If-None-Match``/``If-Modified-Since``, the ``412`` problem of
  ``If-Match``, the ``400`` problem of an unknown query parameter (the check of
  ``api.http.params`` runs on every route, parameters or not) and the ``414`` problem of
  a request line over the server's cap (``api.server.protocol``);
* data operations (under ``/v1/``): ``X-Data-Version`` and ``Last-Modified``;
* lists (a 200 body with ``items`` and ``total``): ``Link`` and ``X-Total-Count``
  (``api.http.responses.page_response``);
* operations that negotiate the format (more than one media type): ``Vary``.

``tests/test_contract.py`` checks every declared required header on the real responses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from api.errors import PROBLEM_JSON
from api.http.conditional import NOT_MODIFIED_HEADERS, CachePolicy
from api.http.responses import DATA_VERSION_HEADER, TOTAL_COUNT_HEADER

DATA_PREFIX = "/v1/"
# Problems any GET can get: an unknown query parameter (``api.http.params``), a failed
# ``If-Match`` (``api.http.conditional``), a request line over the cap of ``dle serve``
# (``api.server.protocol``; long query values reach it).
REFUSALS = (400, 412, 414)
_PROBLEM_REF = "#/components/schemas/Problem"
_STRING = {"type": "string"}


def _header(
    description: str, example: str | int, schema: Mapping[str, Any] = _STRING
) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": {**schema, "example": example}}


ETAG = _header(
    "Strong validator of this representation (its data version, then a hash of the body; "
    "the gzip variant ends in `-gzip`). Send it back in `If-None-Match` to revalidate.",
    '"9263a284ef5e-1f0e3dad99908345f7439f8f"',
)
DATA_VERSION = _header(
    "Short hash of the data this response was computed from (also `meta.data_version`).",
    "9263a284ef5e",
)
LAST_MODIFIED = _header(
    "When the data version was loaded (HTTP-date); for `If-Modified-Since`.",
    "Wed, 02 Dec 2026 00:48:03 GMT",
)
LINK = _header(
    'RFC 8288 links to the `rel="first"`, `"prev"` and `"next"` pages and to the '
    'downloads of the same query (`rel="alternate"` with their `type`); a download: '
    '`rel="license"`. Left out past a size budget (`next_cursor` in the body still pages).',
    '</v1/models?limit=50>; rel="first", </v1/models?limit=50&cursor=...>; rel="next"',
)
TOTAL_COUNT = _header(
    "Items matching the query, over all pages (the body's `total`).", 976, {"type": "integer"}
)
VARY = _header(
    "`Accept` (the format is negotiated), and `Accept-Encoding` when the body may be gzipped.",
    "Accept, Accept-Encoding",
)


def cache_control(value: str) -> dict[str, Any]:
    """The ``Cache-Control`` header as the policy sets it for a path."""
    return _header("Caching policy of this path; errors are `no-store`.", value)


def not_modified(headers: Mapping[str, Any]) -> dict[str, Any]:
    """The 304 answer to a conditional GET, with the headers a 304 keeps."""
    return {
        "description": "Not Modified: the representation named by `If-None-Match` (or not "
        "changed since `If-Modified-Since`) is current; no body.",
        "headers": dict(headers),
    }


def is_list(operation: Mapping[str, Any], schemas: Mapping[str, Any]) -> bool:
    """Whether the 200 JSON body is a list envelope (``items`` and ``total``)."""
    media = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = media.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    properties = schemas.get(ref.rsplit("/", 1)[-1], schema).get("properties", {})
    return "items" in properties and "total" in properties


def success_headers(
    path: str, operation: Mapping[str, Any], schemas: Mapping[str, Any], policy: CachePolicy
) -> dict[str, dict[str, Any]]:
    """The headers the HTTP layer always sends on a 200 of ``operation`` at ``path``."""
    headers = {"ETag": ETAG, "Cache-Control": cache_control(policy.for_path(path))}
    if path.startswith(DATA_PREFIX):
        headers |= {DATA_VERSION_HEADER: DATA_VERSION, "Last-Modified": LAST_MODIFIED}
    if is_list(operation, schemas):
        headers |= {"Link": LINK, TOTAL_COUNT_HEADER: TOTAL_COUNT}
    if len(operation.get("responses", {}).get("200", {}).get("content", {})) > 1:
        headers["Vary"] = VARY
    return headers


def declare_http_contract(document: dict[str, Any], policy: CachePolicy) -> None:
    """Add the headers, 304 and refusals of the HTTP layer to every GET of ``document``."""
    schemas = document.get("components", {}).get("schemas", {})
    for path, item in document.get("paths", {}).items():
        operation = item.get("get")
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        headers = success_headers(path, operation, schemas, policy)
        responses.setdefault("200", {}).setdefault("headers", {}).update(headers)
        kept = {k: v for k, v in headers.items() if k.lower() in NOT_MODIFIED_HEADERS}
        responses.setdefault("304", not_modified(kept))
        for status in REFUSALS:
            responses.setdefault(str(status), problem(status))
        operation["responses"] = dict(sorted(responses.items()))


def problem(status: int) -> dict[str, Any]:
    """A problem-details response (``api.http.problems`` renders every error so)."""
    return {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": {"$ref": _PROBLEM_REF}}},
    }


def install_openapi(app: FastAPI, policy: CachePolicy) -> None:
    """Make ``app.openapi()`` declare the HTTP layer's contract (see the module docs)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        declare_http_contract(document, policy)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
