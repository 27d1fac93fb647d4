"""CSV and NDJSON downloads of list endpoints, streamed page by page.

A list route offers three representations: JSON (one page, the default), CSV and
NDJSON (every matching row, in the list's order). The client picks one with the
``format`` query parameter or, without it, with ``Accept: text/csv`` /
``Accept: application/x-ndjson``. Downloads ignore ``limit``, ``offset`` and
``cursor``: they walk the same keyset pages the JSON list would, internally, until
the last row, so memory stays flat however many rows match.

Using it in a list route (``/v1/models``, ``/v1/milestones`` and ``/v1/timeline`` do)::

    @router.get("", ..., responses={**problem_responses(400, 422), **download_responses()})
    def list_things(request: Request, ..., format_: FormatQuery = None) -> Response:
        pages = partial(service.list_things, session, provenance, filters, keys, fields=fields)
        return list_response(request, format_, pages, page, fields, "things", provenance)

``pages`` is a ``PageFetcher``: the service's list function with everything bound
but the page, so ``pages(page)`` is the JSON page and ``pages(PageRequest(cursor=...))``
the next page of a download. ``paged_rows`` fetches the first page before the
response starts, so a bad filter, sort or field is still a 4xx problem-details
answer; rows that are already in memory (a yearly table, say) go through
``RowSource.of(items)`` instead.

The CSV follows RFC 4180 (``csv`` module quoting, CRLF line ends, a header row).
List values are joined with ``"; "``; objects are written as JSON; booleans as
``true``/``false``; unknown values as empty cells. The licence's attribution is part
of the file itself, not only of the HTTP headers (a saved file loses those): the last
column, ``attribution``, repeats it on every row. That keeps the file strict CSV (a
leading ``#`` comment line would break most parsers) while the attribution travels
with any row copied out of it; it costs almost nothing once gzip-encoded. Every
download also carries ``X-Data-Attribution``, ``X-Data-Version``, ``X-Total-Count``,
a ``Link`` to the licence and ``Content-Disposition: attachment; filename=...``.

A streamed body cannot be hashed before it is sent, so its ETag is derived from
what determines its bytes: the data version, the canonical request (path, sorted
query without ``format``), the format and ``DOWNLOAD_REVISION`` (bump it when the
encoding below changes).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from fastapi import Query, Request
from starlette.responses import Response, StreamingResponse

from api import __version__
from api.http.responses import DATA_VERSION_HEADER, TOTAL_COUNT_HEADER, page_response
from api.listing.query import PageRequest
from api.provenance import Provenance

Format = Literal["json", "csv", "ndjson"]
DOWNLOAD_REVISION = "1"
EXPORT_PAGE_SIZE = 2000
ATTRIBUTION_COLUMN = "attribution"
CSV_MEDIA_TYPE = "text/csv"
NDJSON_MEDIA_TYPE = "application/x-ndjson"
_ACCEPTED = {
    "application/json": "json",
    "text/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
}
# Licences whose text has a canonical URL, for the ``Link: <...>; rel="license"`` header.
LICENSE_URLS = {"CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/"}
VARY_ACCEPT = {"Vary": "Accept"}
# One page of a list envelope (``items``, ``total``, ``next_cursor``, ...) for a request.
PageFetcher = Callable[[PageRequest], Mapping[str, Any]]

FormatQuery = Annotated[
    Format | None,
    Query(
        alias="format",
        description="Representation: `json` (one page, the default), `csv` or `ndjson` "
        "(every matching row, streamed, in the list's order; `limit`, `offset` and "
        "`cursor` are ignored). Without it, `Accept: text/csv` or "
        "`Accept: application/x-ndjson` choose the same.",
        examples=["csv"],
    ),
]


def download_responses() -> dict[int | str, dict[str, Any]]:
    """OpenAPI declaration of the CSV and NDJSON bodies of a list's 200 response."""
    text = {"type": "string"}
    return {
        200: {
            "description": "One page as JSON, or every matching row as CSV or NDJSON.",
            "content": {
                CSV_MEDIA_TYPE: {
                    "schema": text,
                    "example": 'slug,name,attribution\r\nalexnet,AlexNet,"Data: ..."\r\n',
                },
                NDJSON_MEDIA_TYPE: {
                    "schema": text,
                    "example": '{"slug":"alexnet","name":"AlexNet"}\n',
                },
            },
        }
    }


def _accept_ranges(accept: str) -> list[tuple[float, int, str]]:
    ranges = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((quality, position, media))
    return ranges


def negotiate(request: Request, requested: Format | None) -> Format:
    """The representation to send: ``format`` wins, then ``Accept``, then JSON."""
    if requested is not None:
        return requested
    accept = request.headers.get("accept")
    if not accept:
        return "json"
    best: tuple[float, int, Format] | None = None
    for quality, position, media in _accept_ranges(accept):
        fmt: Format | None = None
        if media in _ACCEPTED:
            fmt = _ACCEPTED[media]  # type: ignore[assignment]
        elif media in ("*/*", "application/*"):
            fmt = "json"
        if fmt is None or quality <= 0:
            continue
        # Highest quality wins; on a tie, the more specific (earlier listed) one.
        candidate = (quality, -position, fmt)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best is not None else "json"


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


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for null, lists joined with '; ', objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(csv_cell(v) for v in value)
    return orjson.dumps(value).decode()


def csv_chunks(
    pages: Iterable[Sequence[Mapping[str, Any]]], columns: Sequence[str], attribution: str
) -> Iterator[bytes]:
    """The CSV file: a header row, then one chunk per page of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with_attribution = ATTRIBUTION_COLUMN not in columns
    writer.writerow([*columns, ATTRIBUTION_COLUMN] if with_attribution else columns)
    tail = [attribution] if with_attribution else []
    for rows in pages:
        for row in rows:
            writer.writerow([csv_cell(row.get(name)) for name in columns] + tail)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def ndjson_chunks(
    pages: Iterable[Sequence[Mapping[str, Any]]], columns: Sequence[str]
) -> Iterator[bytes]:
    """One JSON object per line, with the selected fields, one chunk per page."""
    for rows in pages:
        chunk = b"".join(
            orjson.dumps({name: row.get(name) for name in columns}) + b"\n" for row in rows
        )
        if chunk:
            yield chunk


def download_etag(request: Request, fmt: Format, data_version: str) -> str:
    """A strong ETag for a streamed download (see the module docs)."""
    query = sorted((k, v) for k, v in request.query_params.multi_items() if k != "format")
    canonical = orjson.dumps([DOWNLOAD_REVISION, __version__, fmt, request.url.path, query])
    digest = hashlib.blake2b(canonical, digest_size=12).hexdigest()
    return f'"{data_version}-{digest}"'


def header_text(text: str) -> str:
    """A header-safe (ASCII, one line) form of a text such as the attribution."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat.encode("ascii", "replace").decode("ascii")


def respond_rows(
    request: Request,
    fmt: Format,
    rows: RowSource,
    columns: Sequence[str],
    filename: str,
    provenance: Provenance,
) -> StreamingResponse:
    """Stream ``rows`` as CSV or NDJSON with the download headers (see the module docs)."""
    if fmt == "csv":
        body = csv_chunks(rows.pages, columns, provenance.attribution)
        media_type = f"{CSV_MEDIA_TYPE}; charset=utf-8; header=present"
    elif fmt == "ndjson":
        body = ndjson_chunks(rows.pages, columns)
        media_type = NDJSON_MEDIA_TYPE
    else:
        raise ValueError(f"not a download format: {fmt}")
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
        "ETag": download_etag(request, fmt, provenance.data_version),
        DATA_VERSION_HEADER: provenance.data_version,
        "X-Data-Attribution": header_text(provenance.attribution),
        **VARY_ACCEPT,
    }
    if rows.total is not None:
        headers[TOTAL_COUNT_HEADER] = str(rows.total)
    licenses = [
        LICENSE_URLS[name] for name in provenance.license.split("; ") if name in LICENSE_URLS
    ]
    if licenses:
        headers["Link"] = ", ".join(f'<{url}>; rel="license"' for url in dict.fromkeys(licenses))
    return StreamingResponse(body, media_type=media_type, headers=headers)


def list_response(
    request: Request,
    requested: Format | None,
    fetch: PageFetcher,
    page: PageRequest,
    columns: Sequence[str],
    filename: str,
    provenance: Provenance,
) -> Response:
    """A list route's answer: one JSON page (with ``Link``), or every row as a download."""
    fmt = negotiate(request, requested)
    if fmt != "json":
        rows = paged_rows(lambda cursor: fetch(export_page(cursor)))
        return respond_rows(request, fmt, rows, columns, filename, provenance)
    return page_response(request, fetch(page), VARY_ACCEPT)
