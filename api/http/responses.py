"""Response helpers shared by routes: fast JSON bodies and RFC 8288 Link headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def page_links(request: Request, page: Mapping[str, Any]) -> str:
    """``Link`` header with first, prev and next pages of a list response."""
    limit, offset = page["limit"], page["offset"]
    base = request.url.remove_query_params(["offset", "cursor"])
    links = [f'<{base.include_query_params(limit=limit)}>; rel="first"']
    if offset > 0:
        previous = max(0, offset - limit)
        links.append(f'<{base.include_query_params(limit=limit, offset=previous)}>; rel="prev"')
    if page["next_cursor"]:
        url = base.include_query_params(limit=limit, cursor=page["next_cursor"])
        links.append(f'<{url}>; rel="next"')
    return ", ".join(links)
