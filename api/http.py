"""Response helpers shared by routes: fast JSON bodies and RFC 8288 Link headers."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response


class JSONBody(Response):
    """JSON serialized with orjson (dates as ISO 8601, NaN never emitted: values are checked)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def page_links(request: Request, page: dict[str, Any]) -> str:
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
