"""Downloads and gzip variants in the response cache: computed once per data version."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.db.migrate import upgrade
from api.http.response_cache.middleware import ResponseCacheMiddleware
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, make_client
from tests.http.test_response_cache import (
    FakeProbe,
    ToyApp,
    cache_status,
    make_cache,
    renamed_sample,
    request,
)

Chunks = tuple[int, list[tuple[bytes, bytes]], list[bytes]]
CSV_HEADERS = [(b"content-type", b"text/csv"), (b"etag", b'"v1-abc"'), (b"vary", b"Accept")]


def streamed(chunks: list[bytes]) -> ToyApp:
    async def answer(scope: dict[str, Any]) -> Chunks:
        return 200, CSV_HEADERS, chunks

    return ToyApp(answer)


def test_a_streamed_answer_is_stored_whole_and_sent_with_its_length() -> None:
    chunks = [b"a,b\r\n", b"1,2\r\n" * 100, b"3,4\r\n"]
    app = streamed(chunks)
    middleware = ResponseCacheMiddleware(app, make_cache(), FakeProbe())
    miss, miss_body = request(middleware)
    hit, hit_body = request(middleware)
    assert app.calls == 1
    assert (cache_status(miss), cache_status(hit)) == (b"MISS", b"HIT")
    assert hit_body == miss_body == b"".join(chunks)
    assert dict(hit["headers"])[b"content-length"] == str(len(hit_body)).encode()
    assert dict(hit["headers"])[b"etag"] == b'"v1-abc"'


def test_a_streamed_answer_over_the_download_bound_is_passed_through() -> None:
    chunks = [b"x" * 600, b"y" * 600]
    app = streamed(chunks)
    cache = make_cache(max_bytes=1 << 20, entry=1000)
    middleware = ResponseCacheMiddleware(app, cache, FakeProbe())
    for _ in range(2):
        _, body = request(middleware)
        assert body == b"".join(chunks)
    assert app.calls == 2 and len(cache) == 0


def test_the_gzip_variant_is_made_once_and_kept_within_the_bound() -> None:
    body = b"a,b\r\n" + b"1,2\r\n" * 1000
    app = streamed([body])
    cache = make_cache()
    middleware = ResponseCacheMiddleware(app, cache, FakeProbe())
    accept = [(b"accept-encoding", b"gzip")]
    request(middleware, headers=accept)
    identity_bytes = cache.bytes
    _, first_body = request(middleware, headers=accept)
    with_gzip = cache.bytes
    second, second_body = request(middleware, headers=accept)
    assert app.calls == 1 and cache.bytes == with_gzip > identity_bytes
    assert second_body == first_body and gzip.decompress(second_body) == body
    headers = dict(second["headers"])
    assert headers[b"content-encoding"] == b"gzip"
    assert headers[b"content-length"] == str(len(second_body)).encode()
    assert headers[b"etag"] == b'"v1-abc-gzip"'
    assert headers[b"vary"] == b"Accept, Accept-Encoding"
    # Without gzip in Accept-Encoding the identity body, from the same entry.
    plain, plain_body = request(middleware)
    assert plain_body == body and b"content-encoding" not in dict(plain["headers"])
    # A cache too small for both keeps the identity body only, and still answers gzip.
    small = make_cache(entry=identity_bytes + 10)
    middleware = ResponseCacheMiddleware(streamed([body]), small, FakeProbe())
    request(middleware, headers=accept)
    _, again = request(middleware, headers=accept)
    assert gzip.decompress(again) == body and small.bytes == identity_bytes


def test_a_second_full_csv_download_is_a_hit_with_the_same_bytes(seeded_url: str) -> None:
    with make_client(seeded_url) as client:  # its own, empty response cache
        _second_download_is_a_hit(client)


def _second_download_is_a_hit(client: TestClient) -> None:
    for encoding in ("identity", "gzip"):
        headers = {"Accept-Encoding": encoding}
        miss = client.get("/v1/models.csv?sort=-name", headers=headers)
        hit = client.get("/v1/models.csv?sort=-name", headers=headers)
        assert miss.status_code == hit.status_code == 200
        assert (miss.headers["x-cache"], hit.headers["x-cache"]) == (
            "MISS" if encoding == "identity" else "HIT",
            "HIT",
        )
        assert hit.content == miss.content and len(hit.content) > 100_000
        for name in ("etag", "content-type", "x-total-count", "vary", "content-disposition"):
            assert hit.headers[name] == miss.headers[name], name
        assert hit.headers.get("content-encoding") == miss.headers.get("content-encoding")
        revalidated = client.get(
            "/v1/models.csv?sort=-name", headers={**headers, "If-None-Match": hit.headers["etag"]}
        )
        assert revalidated.status_code == 304


def test_a_reseed_is_not_answered_with_the_old_download(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    params = {"fields": "name"}
    with make_client(empty_url) as client:
        before = client.get("/v1/models.ndjson", params=params)
        assert client.get("/v1/models.ndjson", params=params).headers["x-cache"] == "HIT"
        assert b'"AlexNet"' in before.content

        load_seed(empty_url, renamed_sample(tmp_path, "AlexNet", "ALEXNET"))
        after = client.get("/v1/models.ndjson", params=params)
        assert after.headers["x-cache"] == "MISS"
        assert b'"ALEXNET"' in after.content and b'"AlexNet"' not in after.content
        assert after.headers["etag"] != before.headers["etag"]
        again = client.get("/v1/models.ndjson", params=params)
        assert again.headers["x-cache"] == "HIT" and again.content == after.content


def test_every_download_path_is_cached_and_the_redirect_reaches_the_same_entry(
    seeded_url: str,
) -> None:
    with make_client(seeded_url) as client:  # its own, empty response cache
        _every_download_path_is_cached(client)


def _every_download_path_is_cached(client: TestClient) -> None:
    for url in (
        "/v1/milestones.csv?category=architecture",
        "/v1/timeline.ndjson?models=all",
        "/v1/trends/parameters/yearly.csv?start=2010-01-01",
    ):
        miss = client.get(url, headers={"Accept-Encoding": "identity"})
        hit = client.get(url, headers={"Accept-Encoding": "identity"})
        assert (miss.headers["x-cache"], hit.headers["x-cache"]) == ("MISS", "HIT"), url
        assert hit.content == miss.content and hit.headers["etag"] == miss.headers["etag"]
    path, _, query = "/v1/milestones.csv?category=architecture".partition("?")
    redirected = client.get(
        f"{path[: -len('.csv')]}?{query}&format=csv&limit=5",
        headers={"Accept-Encoding": "identity"},
    )
    assert redirected.history[0].status_code == 308
    assert redirected.headers["x-cache"] == "HIT"
