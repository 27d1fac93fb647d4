"""Response helpers shared by routes: fast JSON bodies and RFC 8288 Link headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_from_bytes, unquote_plus

import orjson
from fastapi import Request
from fastapi.responses import Response
from starlette.background import BackgroundTask

DATA_VERSION_HEADER = "X-Data-Version"
TOTAL_COUNT_HEADER = "X-Total-Count"


class JSONBody(Response):
    """JSON serialized with orjson (dates as ISO 8601, NaN never emitted: values are checked).

    A body with ``meta.data_version`` (every data response carries its provenance there)
    gets ``X-Data-Version``, which ``api.http.conditional`` puts in the ETag, so no route
    can forget it. A list envelope's own headers are set by ``page_response``.
    """

    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, media_type, background)
        if isinstance(content, dict):
            meta = content.get("meta")
            if isinstance(meta, dict) and isinstance(meta.get("data_version"), str):
                self.headers.setdefault(DATA_VERSION_HEADER, meta["data_version"])

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def page_response(
    request: Request, page: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> JSONBody:
    """A list envelope as JSON with its ``Link`` (first, prev, next) and ``X-Total-Count``."""
    links = page_links(request, page)
    return JSONBody(
        dict(page),
        headers={
            **(headers or {}),
            **({"Link": links} if links else {}),
            TOTAL_COUNT_HEADER: str(page["total"]),
        },
    )


# The most bytes the Link header and the request target may take together. nginx reads
# an upstream's status line and headers into one proxy buffer (4 KiB by default) and
# answers 502 past it; with proxy_cache the same buffer first holds the cache key
# (the request target, ~ its length) and ~0.4 KiB of cache header. The other headers of
# a list response take ~0.6 KiB: this leaves ~0.5 KiB to spare.
LINK_BUDGET = 2560
# Query parameters the links set themselves.
_PAGE_PARAMS = frozenset({"offset", "cursor", "limit"})
# Bytes a query keeps as they are; any other (``<``, ``>``, ``"``, a space) is encoded.
_QUERY_SAFE = "!$&'()*+,;=:@/?%-._~"


def query_as_written(request: Request, drop: frozenset[str] | set[str]) -> tuple[list[str], bool]:
    """The request's query pairs as the client wrote them, without the names in ``drop``
    (encoded only where a URL may not hold a byte); and whether it named ``limit``."""
    kept, limit_given = [], False
    for pair in request.scope.get("query_string", b"").split(b"&"):
        name = unquote_plus(pair.partition(b"=")[0].decode("latin-1"))
        limit_given = limit_given or name == "limit"
        if pair and name not in drop:
            kept.append(quote_from_bytes(pair, safe=_QUERY_SAFE))
    return kept, limit_given


def link_budget(request: Request) -> int:
    """Bytes left for the ``Link`` header of an answer to ``request`` (see LINK_BUDGET)."""
    return LINK_BUDGET - len(request.scope.get("raw_path", b"")) - len(request.url.query) - 1


def page_links(request: Request, page: Mapping[str, Any]) -> str:
    """``Link`` header with first, prev and next pages of a list response.

    The links keep the request's other query parameters as the client wrote them (not
    re-encoded, so no longer, unless they hold bytes a URL may not) and name ``limit``
    only when the request did.
    They are absolute URLs. With the request target they must fit ``LINK_BUDGET``: past
    it (a long query) ``first`` and then ``prev`` are left out, then ``next`` (the one a
    client needs to go on) is written relative (``/v1/...``), and past that there is no
    ``Link`` at all: the body's ``next_cursor`` still pages.
    """
    limit, offset = page["limit"], page["offset"]
    kept, limit_given = query_as_written(request, _PAGE_PARAMS)
    if limit_given:
        kept.append(f"limit={limit}")
    url = request.url
    path = url.path

    def link(rel: str, *extra: str) -> str:
        query = "&".join([*kept, *extra])
        return f'<{path}{"?" if query else ""}{query}>; rel="{rel}"'

    links = {"first": link("first")}
    if offset > 0:
        links["prev"] = link(
            "prev", *([f"offset={max(0, offset - limit)}"] if offset > limit else [])
        )
    if page["next_cursor"]:
        links["next"] = link("next", f"cursor={page['next_cursor']}")
    budget = link_budget(request)
    origin = f"{url.scheme}://{url.netloc}"
    for dropped in ("first", "prev"):
        if len(", ".join(links.values())) + len(origin) * len(links) <= budget:
            break
        if len(links) > 1:
            links.pop(dropped, None)
    header = ", ".join(f"<{origin}{value[1:]}" for value in links.values())
    if len(header) <= budget:
        return header
    relative = ", ".join(links.values())
    return relative if len(relative) <= budget else ""
