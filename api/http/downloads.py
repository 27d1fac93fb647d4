"""CSV and NDJSON downloads of list endpoints, streamed page by page, at their own URLs.

One URL, one representation. A list's JSON page lives at its path (``/v1/models``);
every matching row as CSV or NDJSON lives at the same path with an extension
(``/v1/models.csv``, ``/v1/models.ndjson``), declared as its own operation
(``list_models_csv``, ``list_models_ndjson``) that takes the same filters, sort and
``fields`` as the list but no ``limit``, ``offset``, ``cursor`` or ``format``, and
declares only its own media type. So a generated client's JSON operation is typed as
JSON only, and a cache never needs ``Vary: Accept``.

On the JSON path, ``format=json`` is the default; ``format=csv`` / ``format=ndjson``
(what these lists used to serve) answer ``308 Permanent Redirect`` to the download URL
with the same query minus ``format`` and the pagination a download ignores
(``redirect_to_download``), and its ``Link`` names both downloads of the same query
(``rel="alternate"; type="text/csv"``). ``Accept`` is not negotiated: the JSON path always answers
JSON (RFC 9110 lets a server disregard ``Accept``; a 406 would need ``Vary: Accept`` on
every JSON answer, which splits every shared cache by each browser's ``Accept`` string).

Using it in a list route (``/v1/models``, ``/v1/milestones``, ``/v1/timeline`` and the
yearly trends do)::

    @router.get("", ..., responses={**problem_responses(400, 422), **REDIRECT_RESPONSES})
    def list_things(request: Request, ..., format_: FormatQuery = None) -> Response:
        pages = partial(service.list_things, session, provenance, filters, keys, fields=fields)
        return json_list(request, format_, pages, page)

    def download_things(fmt: DownloadFormat) -> Callable[..., Response]:
        def download(request: Request, ...) -> Response:   # the same filters, no page
            pages = partial(service.list_things, ...)
            return download_list(request, fmt, pages, fields, "things", provenance)
        return download

    for fmt in DOWNLOAD_FORMATS:
        router.get(f".{fmt}", **download_route("list_things", fmt, "things"))(download_things(fmt))

``pages`` is a ``PageFetcher``: the service's list function with everything bound
but the page, so ``pages(page)`` is the JSON page and ``pages(PageRequest(cursor=...))``
the next page of a download. ``paged_rows`` fetches the first page before the
response starts, so a bad filter, sort or field is still a 4xx problem-details
answer; rows that are already in memory (a yearly table, say) go through
``RowSource.of(items)`` instead.

**CSV** follows RFC 4180 (``csv`` module quoting, CRLF line ends, a header row).
Lists of plain values are joined with ``"; "``; a list holding objects (a milestone's
``references``) is one JSON array in its cell, and an object one JSON object, so every
cell parses back losslessly; booleans are ``true``/``false``; unknown values are empty
cells. The licence's attribution is part of the file itself, not only of the HTTP
headers (a saved file loses those): the last column, ``attribution``, repeats it on
every row. That keeps the file strict CSV (a leading ``#`` comment line would break
most parsers) while the attribution travels with any row copied out of it; it costs
almost nothing once gzip-encoded.

**NDJSON** is one JSON object per line, each an item of the list, and then one last
line ``{"meta": {"data_version": ..., "license": ..., "attribution": ..., "total": ...}}``:
the same ``meta`` as the JSON list (plus the row count), so the attribution travels
with a saved file, and a file that lacks this line is known to be cut short. Items
never have a top-level ``meta`` key, so a reader tells the two apart line by line.

Every download also carries ``X-Data-Attribution``, ``X-Data-Version``,
``X-Total-Count``, a ``Link`` to the licence and
``Content-Disposition: attachment; filename=...``. A streamed body cannot be hashed
before it is sent, so its ETag is derived from what determines its bytes: the data
version, the canonical request (path, sorted query), the format and
``DOWNLOAD_REVISION`` (bump it when the encoding below changes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

import orjson
from fastapi import Query, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from api import __version__
from api.errors import problem_responses
from api.http.download_bodies import csv_chunks, ndjson_chunks
from api.http.responses import (
    DATA_VERSION_HEADER,
    TOTAL_COUNT_HEADER,
    link_budget,
    page_response,
    query_as_written,
)
from api.listing.params import any_case
from api.listing.query import PageRequest
from api.provenance import Provenance

Format = Literal["json", "csv", "ndjson"]
DownloadFormat = Literal["csv", "ndjson"]
DOWNLOAD_FORMATS: tuple[DownloadFormat, ...] = ("csv", "ndjson")
DOWNLOAD_REVISION = "2"
EXPORT_PAGE_SIZE = 2000
CSV_MEDIA_TYPE = "text/csv"
NDJSON_MEDIA_TYPE = "application/x-ndjson"
MEDIA_TYPES: dict[DownloadFormat, str] = {"csv": CSV_MEDIA_TYPE, "ndjson": NDJSON_MEDIA_TYPE}
# Query parameters of a JSON list that a download does not take.
NOT_DOWNLOAD_PARAMS = ("format", "limit", "offset", "cursor")
# Licences whose text has a canonical URL, for the ``Link: <...>; rel="license"`` header.
LICENSE_URLS = {"CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/"}
# One page of a list envelope (``items``, ``total``, ``next_cursor``, ...) for a request.
PageFetcher = Callable[[PageRequest], Mapping[str, Any]]

FormatQuery = Annotated[
    Annotated[Format, any_case(get_args(Format))] | None,
    Query(
        alias="format",
        description="`json` (the default) is the only representation here. `csv` and "
        "`ndjson` answer 308 Permanent Redirect to this path with `.csv` / `.ndjson` "
        "appended (the download operations) with the same query minus `format`, `limit`, "
        "`offset` and `cursor`. `Accept` is not negotiated: this path always answers JSON.",
        examples=["json"],
    ),
]

REDIRECT_RESPONSES: dict[int | str, dict[str, Any]] = {
    308: {
        "description": "`format=csv` or `format=ndjson`: the download is at this path with "
        "`.csv` / `.ndjson` appended; `Location` is its URL with the same filters.",
        "headers": {
            "Location": {"description": "The download's URL.", "schema": {"type": "string"}}
        },
    }
}

_EXAMPLES: dict[DownloadFormat, str] = {
    "csv": 'slug,name,attribution\r\nalexnet,AlexNet,"Data: ..."\r\n',
    "ndjson": '{"slug":"alexnet","name":"AlexNet"}\n'
    '{"meta":{"data_version":"...","license":"CC BY 4.0","attribution":"Data: ...",'
    '"total":1}}\n',
}
_DESCRIPTIONS: dict[DownloadFormat, str] = {
    "csv": "Every matching row as CSV (RFC 4180, a header row, CRLF line ends); the last "
    "column, `attribution`, carries the licence's attribution on every row.",
    "ndjson": "Every matching row as one JSON object per line, then one last line "
    '`{"meta": {data_version, license, attribution, total}}`.',
}


class CSVDownload(StreamingResponse):
    """A streamed CSV download (declares ``text/csv`` in the OpenAPI document)."""

    media_type = CSV_MEDIA_TYPE


class NDJSONDownload(StreamingResponse):
    """A streamed NDJSON download (declares ``application/x-ndjson``)."""

    media_type = NDJSON_MEDIA_TYPE


_RESPONSE_CLASSES: dict[DownloadFormat, type[StreamingResponse]] = {
    "csv": CSVDownload,
    "ndjson": NDJSONDownload,
}


def download_route(op: str, fmt: DownloadFormat, what: str, problems: Any = (400, 422, 503)) -> Any:
    """``router.get`` keywords of a download operation: id, summary, media type, problems."""
    # Problems without ``model``: FastAPI would also declare them as ``text/csv``.
    errors = {
        s: {k: v for k, v in d.items() if k != "model"}
        for s, d in problem_responses(*problems).items()
    }
    body = {MEDIA_TYPES[fmt]: {"schema": {"type": "string"}, "example": _EXAMPLES[fmt]}}
    ok = {"description": _DESCRIPTIONS[fmt], "content": body}
    return {
        "operation_id": f"{op}_{fmt}",
        "summary": f"Download {what} as {fmt.upper()}",
        "description": _DESCRIPTIONS[fmt],
        "response_class": _RESPONSE_CLASSES[fmt],
        "response_model": None,
        "responses": {**errors, 200: ok},
    }


def download_url(request: Request, fmt: DownloadFormat) -> str:
    """The URL of ``fmt``'s download of the list ``request`` asks for (same filters)."""
    kept, _ = query_as_written(request, frozenset(NOT_DOWNLOAD_PARAMS))
    url = request.url
    query = "&".join(kept)
    return f"{url.scheme}://{url.netloc}{url.path}.{fmt}{'?' if query else ''}{query}"


def alternate_links(request: Request) -> str:
    """``Link`` values to the downloads of the list ``request`` asks for (RFC 8288)."""
    return ", ".join(
        f'<{download_url(request, fmt)}>; rel="alternate"; type="{MEDIA_TYPES[fmt]}"'
        for fmt in DOWNLOAD_FORMATS
    )


def with_alternates(request: Request, response: Response) -> Response:
    """``response`` with the downloads of its list added to its ``Link``, if they fit the
    header's budget (the pages come first; past it a client finds the downloads in the
    document)."""
    links = [response.headers.get("link"), alternate_links(request)]
    header = ", ".join(link for link in links if link)
    if len(header) <= link_budget(request):
        response.headers["Link"] = header
    return response


def redirect_to_download(request: Request, fmt: DownloadFormat) -> Response:
    """308 to the download URL: one URL per representation."""
    return RedirectResponse(download_url(request, fmt), status_code=308)


def export_page(cursor: str | None, size: int = EXPORT_PAGE_SIZE) -> PageRequest:
    """The page request of one internal page of a download."""
    return PageRequest(limit=size, cursor=cursor)


@dataclass
class RowSource:
    """The rows of a download: their total (if known) and an iterator of pages."""

    total: int | None
    pages: Iterator[Sequence[Mapping[str, Any]]]

    @classmethod
    def of(cls, rows: Sequence[Mapping[str, Any]]) -> RowSource:
        """Rows already in memory."""
        return cls(len(rows), iter([rows]))


def paged_rows(fetch: Callable[[str | None], Mapping[str, Any]]) -> RowSource:
    """Every row of a list envelope, following ``next_cursor`` from page to page.

    ``fetch(cursor)`` returns one envelope (``items``, ``total``, ``next_cursor``);
    the first page is fetched now, so its errors are raised before anything is sent.
    """
    first = fetch(None)

    def pages() -> Iterator[Sequence[Mapping[str, Any]]]:
        page = first
        while True:
            yield page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return
            page = fetch(cursor)

    total = first.get("total")
    return RowSource(total if isinstance(total, int) else None, pages())


def download_etag(request: Request, fmt: DownloadFormat, data_version: str) -> str:
    """A strong ETag for a streamed download (see the module docs)."""
    query = sorted(request.query_params.multi_items())
    canonical = orjson.dumps([DOWNLOAD_REVISION, __version__, fmt, request.url.path, query])
    digest = hashlib.blake2b(canonical, digest_size=12).hexdigest()
    return f'"{data_version}-{digest}"'


def header_text(text: str) -> str:
    """A header-safe (ASCII, one line) form of a text such as the attribution."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat.encode("ascii", "replace").decode("ascii")


def respond_rows(
    request: Request,
    fmt: DownloadFormat,
    rows: RowSource,
    columns: Sequence[str],
    filename: str,
    provenance: Provenance,
) -> StreamingResponse:
    """Stream ``rows`` as CSV or NDJSON with the download headers (see the module docs)."""
    if fmt == "csv":
        body = csv_chunks(rows.pages, columns, provenance.attribution)
        media_type = f"{CSV_MEDIA_TYPE}; charset=utf-8; header=present"
    else:
        body = ndjson_chunks(rows.pages, columns, provenance.as_meta())
        media_type = NDJSON_MEDIA_TYPE
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
        "ETag": download_etag(request, fmt, provenance.data_version),
        DATA_VERSION_HEADER: provenance.data_version,
        "X-Data-Attribution": header_text(provenance.attribution),
    }
    if rows.total is not None:
        headers[TOTAL_COUNT_HEADER] = str(rows.total)
    licenses = [
        LICENSE_URLS[name] for name in provenance.license.split("; ") if name in LICENSE_URLS
    ]
    if licenses:
        headers["Link"] = ", ".join(f'<{url}>; rel="license"' for url in dict.fromkeys(licenses))
    return StreamingResponse(body, media_type=media_type, headers=headers)


def json_list(
    request: Request, requested: Format | None, fetch: PageFetcher, page: PageRequest
) -> Response:
    """A list's JSON page (``Link``: its pages and downloads), or the 308 of ``format=csv``."""
    if requested == "csv" or requested == "ndjson":
        return redirect_to_download(request, requested)
    return with_alternates(request, page_response(request, fetch(page)))


def download_list(
    request: Request,
    fmt: DownloadFormat,
    fetch: PageFetcher,
    columns: Sequence[str],
    filename: str,
    provenance: Provenance,
) -> StreamingResponse:
    """Every row of a list as a download, walking its keyset pages."""
    rows = paged_rows(lambda cursor: fetch(export_page(cursor)))
    return respond_rows(request, fmt, rows, columns, filename, provenance)
