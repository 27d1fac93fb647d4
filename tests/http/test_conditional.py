"""The caching/encoding middleware on a bare ASGI app: buffered and streamed bodies."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Iterator
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from api.http.compression import GzipStream, accepts_gzip, gzip_body, gzip_etag
from api.http.conditional import (
    CachePolicy,
    HttpCacheMiddleware,
    body_etag,
    etag_matches,
    etag_matches_strongly,
    http_date,
    parse_http_date,
)

BIG = ("row,value\r\n" * 400).encode()
IDENTITY = {"Accept-Encoding": "identity"}


def _chunks() -> Iterator[bytes]:
    for _ in range(4):
        yield BIG


async def small(request: Request) -> Response:
    return PlainTextResponse("hello", headers={"X-Data-Version": "v1"})


async def big(request: Request) -> Response:
    return Response(BIG, media_type="text/csv")


async def stream_tagged(request: Request) -> Response:
    return StreamingResponse(_chunks(), media_type="text/csv", headers={"ETag": '"tag-1"'})


async def stream_untagged(request: Request) -> Response:
    return StreamingResponse(_chunks(), media_type="text/csv")


async def own_cache_control(request: Request) -> Response:
    return PlainTextResponse("x", headers={"Cache-Control": "private, max-age=5"})


async def fail(request: Request) -> Response:
    return PlainTextResponse("no", status_code=404)


async def binary(request: Request) -> Response:
    return Response(bytes(range(256)) * 20, media_type="image/png")


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = Starlette(
        routes=[
            Route("/small", small),
            Route("/big", big),
            Route("/stream-tagged", stream_tagged),
            Route("/stream-untagged", stream_untagged),
            Route("/own", own_cache_control),
            Route("/fail", fail),
            Route("/binary", binary),
            Route("/health", small),
        ]
    )
    policy = CachePolicy(default="public, max-age=60", rules=(("/health", "no-store"),))
    return TestClient(HttpCacheMiddleware(app, policy=policy))


def test_buffered_body_gets_a_versioned_strong_etag(client: TestClient) -> None:
    response = client.get("/small")
    assert response.headers["etag"] == body_etag(b"hello", "v1")
    assert response.headers["etag"].startswith('"v1-')
    assert response.headers["cache-control"] == "public, max-age=60"
    assert "content-encoding" not in response.headers  # below the minimum size
    assert "vary" not in response.headers


def test_policy_by_path_and_route_override(client: TestClient) -> None:
    assert client.get("/health").headers["cache-control"] == "no-store"
    assert client.get("/own").headers["cache-control"] == "private, max-age=5"
    assert client.get("/fail").headers["cache-control"] == "no-store"
    assert "etag" not in client.get("/fail").headers


def test_big_body_is_gzipped_deterministically(client: TestClient) -> None:
    plain = client.get("/big", headers=IDENTITY)
    assert plain.headers["vary"] == "Accept-Encoding"
    with client.stream("GET", "/big", headers={"Accept-Encoding": "gzip"}) as response:
        wire = b"".join(response.iter_raw())
        etag = response.headers["etag"]
    assert wire == gzip_body(BIG)
    assert gzip.decompress(wire) == BIG
    assert etag == gzip_etag(plain.headers["etag"])
    refused = client.get("/big", headers={"Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers


def test_binary_media_is_not_compressed(client: TestClient) -> None:
    response = client.get("/binary", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers


def test_stream_with_etag_revalidates_and_compresses(client: TestClient) -> None:
    plain = client.get("/stream-tagged", headers=IDENTITY)
    assert plain.content == BIG * 4
    assert plain.headers["etag"] == '"tag-1"'
    with client.stream("GET", "/stream-tagged", headers={"Accept-Encoding": "gzip"}) as zipped:
        assert zipped.headers["etag"] == '"tag-1-gzip"'
        assert gzip.decompress(b"".join(zipped.iter_raw())) == BIG * 4
    cached = client.get("/stream-tagged", headers={**IDENTITY, "If-None-Match": '"tag-1"'})
    assert cached.status_code == 304 and cached.content == b""
    head = client.head("/stream-tagged", headers=IDENTITY)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == '"tag-1"'


def test_stream_without_etag_passes_through(client: TestClient) -> None:
    response = client.get("/stream-untagged", headers=IDENTITY)
    assert response.content == BIG * 4
    assert "etag" not in response.headers
    ignored = client.get("/stream-untagged", headers={**IDENTITY, "If-None-Match": "*"})
    assert ignored.status_code == 200


def test_head_of_a_buffered_body(client: TestClient) -> None:
    get = client.get("/big", headers=IDENTITY)
    head = client.head("/big", headers=IDENTITY)
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(BIG))
    assert head.headers["etag"] == get.headers["etag"]


def test_other_methods_pass_through_with_no_store(client: TestClient) -> None:
    response = client.post("/small")
    assert response.status_code == 405
    assert response.headers["cache-control"] == "no-store"
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "HEAD"}


@pytest.mark.parametrize(
    ("header", "etag", "matches"),
    [
        ('"a"', '"a"', True),
        ('"b"', '"a"', False),
        ('"b", "a"', '"a"', True),
        ('W/"a"', '"a"', True),
        ('"a"', 'W/"a"', True),
        ("*", '"a"', True),
        ('"a-gzip"', '"a"', False),
        ("", '"a"', False),
        ("garbage", '"a"', False),
    ],
)
def test_etag_matching(header: str, etag: str, matches: bool) -> None:
    assert etag_matches(header, etag) is matches


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("*", True),
        ("*;q=0", False),
        ("", False),
        ("gzip;q=bad", False),
    ],
)
def test_accepts_gzip(header: str, ok: bool) -> None:
    assert accepts_gzip(header) is ok


def test_gzip_stream_is_deterministic() -> None:
    outputs = []
    for _ in range(2):
        stream = GzipStream()
        outputs.append(b"".join(stream.feed(c) for c in _chunks()) + stream.finish())
    assert outputs[0] == outputs[1]
    assert gzip.decompress(outputs[0]) == BIG * 4


# ------------------------------------------------- preconditions, on the real application

PROBLEM = "application/problem+json"


def _models(client: TestClient, **headers: str) -> httpx.Response:
    response: httpx.Response = client.get("/v1/models", headers={**IDENTITY, **headers})
    return response


def test_last_modified_is_when_the_data_was_loaded(sample_client: TestClient) -> None:
    loaded_at = dt.datetime.fromisoformat(sample_client.get("/v1/meta").json()["loaded_at"])
    response = _models(sample_client)
    assert response.status_code == 200
    last_modified = parsedate_to_datetime(response.headers["last-modified"])
    assert last_modified == loaded_at.replace(microsecond=0)
    assert response.headers["last-modified"].endswith(" GMT")


def test_meta_loaded_at_is_rfc3339_with_its_offset(sample_client: TestClient) -> None:
    loaded_at = sample_client.get("/v1/meta").json()["loaded_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)", loaded_at), loaded_at


def test_if_modified_since(sample_client: TestClient) -> None:
    first = _models(sample_client)
    last_modified = first.headers["last-modified"]
    earlier = format_datetime(parsedate_to_datetime(last_modified) - dt.timedelta(seconds=1))
    later = format_datetime(parsedate_to_datetime(last_modified) + dt.timedelta(days=1))
    for since in (last_modified, later):
        cached = _models(sample_client, **{"If-Modified-Since": since})
        assert cached.status_code == 304, since
        assert cached.content == b""
        assert cached.headers["etag"] == first.headers["etag"]
    for since in (earlier, "not a date", f"{last_modified}, {last_modified}"):
        fresh = _models(sample_client, **{"If-Modified-Since": since})
        assert fresh.status_code == 200, since
        assert fresh.content == first.content
    # If-None-Match decides alone when present (RFC 9110 13.2.2).
    stale = _models(sample_client, **{"If-Modified-Since": later, "If-None-Match": '"old"'})
    assert stale.status_code == 200


def test_if_match(sample_client: TestClient) -> None:
    etag = _models(sample_client).headers["etag"]
    for if_match in (etag, "*", f'"other", {etag}'):
        assert _models(sample_client, **{"If-Match": if_match}).status_code == 200, if_match
    for if_match in ('"other"', f"W/{etag}"):
        failed = _models(sample_client, **{"If-Match": if_match})
        assert failed.status_code == 412, if_match
        assert failed.headers["content-type"].startswith(PROBLEM)
        assert failed.headers["cache-control"] == "no-store"
        assert "etag" not in failed.headers
        body = failed.json()
        assert body["status"] == 412 and body["title"] == "Precondition Failed"
        assert body["instance"] == "/v1/models"
    head = sample_client.head("/v1/models", headers={"If-Match": '"other"'})
    assert head.status_code == 412 and head.content == b""
    # Preconditions are ignored when the answer would not be a 2xx (RFC 9110 13.2.1).
    missing = sample_client.get("/v1/models/no-such-model", headers={"If-Match": '"other"'})
    assert missing.status_code == 404


def test_if_match_on_a_streamed_download(sample_client: TestClient) -> None:
    url = "/v1/models.csv"
    etag = sample_client.get(url, headers=IDENTITY).headers["etag"]
    assert sample_client.get(url, headers={**IDENTITY, "If-Match": etag}).status_code == 200
    failed = sample_client.get(url, headers={**IDENTITY, "If-Match": '"other"'})
    assert failed.status_code == 412
    assert failed.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize(
    ("header", "etag", "matches"),
    [
        ('"a"', '"a"', True),
        ('"b", "a"', '"a"', True),
        ("*", '"a"', True),
        ('W/"a"', '"a"', False),
        ('"a"', 'W/"a"', False),
        ('"b"', '"a"', False),
    ],
)
def test_if_match_uses_the_strong_comparison(header: str, etag: str, matches: bool) -> None:
    assert etag_matches_strongly(header, etag) is matches


def test_http_dates() -> None:
    moment = dt.datetime(2026, 12, 2, 0, 48, 3, tzinfo=dt.UTC)
    assert http_date(moment) == "Wed, 02 Dec 2026 00:48:03 GMT"
    assert parse_http_date("Wed, 02 Dec 2026 00:48:03 GMT") == moment
    assert parse_http_date("Wednesday, 02-Dec-26 00:48:03 GMT") == moment
    for invalid in ("", "yesterday", "Wed, 02 Dec 2026 00:48:03 GMT, Thu, 03 Dec 2026"):
        assert parse_http_date(invalid) is None
