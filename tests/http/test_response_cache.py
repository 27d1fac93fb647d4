"""The response cache: hits, keys, bounds, and never a response of an older data version."""

from __future__ import annotations

import asyncio
import shutil
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from api.db.migrate import upgrade
from api.http.response_cache.middleware import (
    ResponseCacheMiddleware,
    canonical_query,
    request_key,
)
from api.http.response_cache.store import ENTRY_OVERHEAD_BYTES, ResponseCache
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, make_client

Message = dict[str, Any]
Handler = Callable[[dict[str, Any]], Awaitable[tuple[int, list[tuple[bytes, bytes]], list[bytes]]]]


class FakeProbe:
    """A generation the test sets; ``None`` means the database cannot be read."""

    def __init__(self, generation: str | None = "v1@1") -> None:
        self.generation = generation
        self.reads = 0
        self.closed = False

    async def read(self, arrived_ns: int | None = None) -> str | None:
        self.reads += 1
        return self.generation

    def close(self) -> None:
        self.closed = True


class ToyApp:
    """An ASGI app answering from ``handler``; counts the requests that reach it."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.calls = 0
        self.handler = handler or self.default

    @staticmethod
    async def default(
        scope: dict[str, Any],
    ) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
        body = f"{scope['path']}?{scope['query_string'].decode()}".encode()
        return 200, [(b"content-type", b"text/plain")], [body]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls += 1
        status, headers, chunks = await self.handler(scope)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for index, chunk in enumerate(chunks):
            more = index < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})


def make_cache(entries: int = 100, max_bytes: int = 1 << 20, entry: int = 1 << 20) -> ResponseCache:
    return ResponseCache(entries, max_bytes, entry)


def request(
    app: Any,
    path: str = "/v1/models",
    query: str = "",
    method: str = "GET",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[Message, bytes]:
    """Send one request through ``app``; the start message and the whole body."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": headers or [],
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0], body


def cache_status(start: Message) -> bytes | None:
    return dict(start["headers"]).get(b"x-cache")


# -- the middleware, with a toy application ----------------------------------------


def test_second_request_is_a_hit_with_the_same_answer() -> None:
    app = ToyApp()
    middleware = ResponseCacheMiddleware(app, make_cache(), FakeProbe())
    first, first_body = request(middleware, query="limit=5")
    second, second_body = request(middleware, query="limit=5")
    assert app.calls == 1
    assert (cache_status(first), cache_status(second)) == (b"MISS", b"HIT")
    assert second_body == first_body
    assert second["status"] == 200
    assert (b"content-type", b"text/plain") in second["headers"]


def test_key_sorts_parameters_but_keeps_the_order_of_repeated_values() -> None:
    app = ToyApp()
    middleware = ResponseCacheMiddleware(app, make_cache(), FakeProbe())
    request(middleware, query="limit=5&domain=Language")
    request(middleware, query="domain=Language&limit=5")
    assert app.calls == 1
    request(middleware, query="facet=year&facet=domain")
    request(middleware, query="facet=domain&facet=year")
    assert app.calls == 3
    assert canonical_query(b"b=2&a=%4C&a=1") == "a=L&a=1&b=2"


def test_query_memo_is_bounded_in_bytes() -> None:
    from api.http.response_cache import middleware

    long = b"q=" + b"x" * middleware.QUERY_MEMO_MAX_QUERY
    assert canonical_query(long) == long.decode()
    assert long not in middleware._query_memo
    for index in range(20_000):
        canonical_query(f"limit={index}&offset={index}".encode())
    assert middleware._query_memo.currsize <= middleware.QUERY_MEMO_BYTES
    for index in range(2_000):  # long but legal queries, each one new
        canonical_query(f"q={index}-{'x' * 1_900}".encode())
    assert 0 < middleware._query_memo.currsize <= middleware.QUERY_MEMO_BYTES


@pytest.mark.parametrize("size", [10, 1_000])
def test_query_memo_weight_covers_the_memory_it_holds(size: int) -> None:
    from api.http.response_cache import middleware

    middleware._query_memo.clear()
    queries = [f"q={index}-{'x' * size}&sort=-year".encode() for index in range(400)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for raw in queries:
            canonical_query(bytes(bytearray(raw)))  # a fresh object, as each request brings
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(middleware._query_memo) == len(queries)
    assert 0 < held <= middleware._query_memo.currsize <= middleware.QUERY_MEMO_BYTES


def test_scheme_and_host_are_part_of_the_key() -> None:
    """Responses carry absolute URLs (Link): another host or scheme is another entry."""
    app = ToyApp()
    middleware = ResponseCacheMiddleware(app, make_cache(), FakeProbe())
    request(middleware, headers=[(b"host", b"api.example.org")])
    request(middleware, headers=[(b"host", b"mirror.example.org")])
    request(middleware, headers=[(b"host", b"api.example.org")])
    assert app.calls == 2
    plain = {"path": "/v1/x", "query_string": b"", "headers": [(b"host", b"a")]}
    assert request_key({**plain, "scheme": "http"}) != request_key({**plain, "scheme": "https"})


def test_accept_header_is_part_of_the_key() -> None:
    app = ToyApp()
    middleware = ResponseCacheMiddleware(app, make_cache(), FakeProbe())
    request(middleware, headers=[(b"accept", b"application/json")])
    request(middleware, headers=[(b"accept", b"text/csv")])
    request(middleware, headers=[(b"accept", b"text/csv")])
    assert app.calls == 2
    scope = {"path": "/v1/x", "query_string": b"", "headers": [(b"accept", b"text/csv")]}
    assert request_key(scope).endswith("text/csv")


def test_new_generation_is_never_answered_from_the_old_one() -> None:
    app = ToyApp()
    cache = make_cache()
    probe = FakeProbe("v1@1")
    middleware = ResponseCacheMiddleware(app, cache, probe)
    request(middleware)
    probe.generation = "v2@2"
    start, _ = request(middleware)
    assert cache_status(start) == b"MISS"
    assert app.calls == 2
    assert len(cache) == 1 and cache.generation == "v2@2"
    # A reload that returns to the first data version is still a new generation.
    probe.generation = "v1@3"
    assert cache_status(request(middleware)[0]) == b"MISS"


def test_response_computed_while_the_generation_changed_is_not_stored() -> None:
    probe = FakeProbe("v1@1")

    async def reload_during_request(
        scope: dict[str, Any],
    ) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
        probe.generation = "v2@2"
        return 200, [], [b"mixed"]

    app = ToyApp(reload_during_request)
    cache = make_cache()
    middleware = ResponseCacheMiddleware(app, cache, probe)
    request(middleware)
    assert len(cache) == 0 and cache.bytes == 0
    assert cache_status(request(middleware)[0]) == b"MISS"
    assert app.calls == 2


def test_unknown_generation_bypasses_the_cache() -> None:
    app = ToyApp()
    probe = FakeProbe("v1@1")
    cache = make_cache()
    middleware = ResponseCacheMiddleware(app, cache, probe)
    request(middleware)
    probe.generation = None  # database unreachable: nothing may be served unchecked
    start, _ = request(middleware)
    assert app.calls == 2
    assert cache_status(start) is None
    probe.generation = "v1@1"
    assert cache_status(request(middleware)[0]) == b"HIT"  # the entry was kept, not served


@pytest.mark.parametrize(
    ("status", "headers", "chunks"),
    [
        (404, [], [b"not found"]),
        (500, [], [b"error"]),
        (304, [], [b""]),
        (200, [(b"cache-control", b"no-store")], [b"secret"]),
        (200, [(b"cache-control", b"private, max-age=60")], [b"mine"]),
        (200, [(b"set-cookie", b"a=b")], [b"cookie"]),
        (200, [(b"vary", b"Authorization")], [b"per user"]),
    ],
    ids=["404", "500", "304", "no-store", "private", "set-cookie", "vary"],
)
def test_only_complete_shareable_200_answers_are_stored(
    status: int, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> None:
    async def answer(scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
        return status, headers, chunks

    app = ToyApp(answer)
    cache = make_cache()
    middleware = ResponseCacheMiddleware(app, cache, FakeProbe())
    _, body = request(middleware)
    assert body == b"".join(chunks)
    request(middleware)
    assert app.calls == 2
    assert len(cache) == 0


def test_other_paths_and_methods_pass_through() -> None:
    app = ToyApp()
    probe = FakeProbe()
    middleware = ResponseCacheMiddleware(app, make_cache(), probe)
    for _ in range(2):
        request(middleware, path="/health")
        request(middleware, path="/ready")
        request(middleware, method="POST")
    assert app.calls == 6
    assert probe.reads == 0


def test_head_is_answered_from_the_get_entry_without_a_body() -> None:
    app = ToyApp()
    middleware = ResponseCacheMiddleware(app, make_cache(), FakeProbe())
    request(middleware, method="HEAD")  # a miss: passed through, not stored
    assert app.calls == 1
    request(middleware)
    start, body = request(middleware, method="HEAD")
    assert app.calls == 2
    assert cache_status(start) == b"HIT"
    assert body == b""


def test_hit_headers_are_a_fresh_list() -> None:
    """Outer middleware edits headers in place; the stored entry must not change."""
    app = ToyApp()
    cache = make_cache()
    middleware = ResponseCacheMiddleware(app, cache, FakeProbe())
    request(middleware)
    start, _ = request(middleware)
    start["headers"].append((b"etag", b'"x"'))
    again, _ = request(middleware)
    assert (b"etag", b'"x"') not in again["headers"]


def test_probe_is_closed_at_shutdown() -> None:
    probe = FakeProbe()

    async def lifespan_app(scope: Any, receive: Any, send: Any) -> None:
        return None

    middleware = ResponseCacheMiddleware(lifespan_app, make_cache(), probe)

    async def run() -> None:
        await middleware({"type": "lifespan"}, None, None)

    asyncio.run(run())
    assert probe.closed


# -- the store's bounds ------------------------------------------------------------


def entry_size(key: str, body: bytes) -> int:
    return len(key) + len(body) + ENTRY_OVERHEAD_BYTES


def test_entry_bound_evicts_least_recently_used() -> None:
    cache = make_cache(entries=2)
    cache.observe("g")
    for key in ("a", "b"):
        cache.put("g", key, 200, [], b"x")
    assert cache.get("g", "a") is not None  # "a" is now more recent than "b"
    cache.put("g", "c", 200, [], b"x")
    assert len(cache) == 2
    assert cache.get("g", "b") is None
    assert cache.get("g", "a") is not None and cache.get("g", "c") is not None
    assert cache.bytes == 2 * entry_size("a", b"x")


def test_byte_bound_holds_and_oversized_answers_are_refused() -> None:
    body = b"x" * 1000
    size = entry_size("k0", body)
    cache = make_cache(entries=100, max_bytes=3 * size, entry=2 * size)
    cache.observe("g")
    for index in range(10):
        cache.put("g", f"k{index}", 200, [], body)
        assert cache.bytes <= 3 * size
    assert len(cache) == 3
    assert cache.bytes == 3 * size
    assert not cache.put("g", "big", 200, [], b"x" * (2 * size))
    assert cache.get("g", "big") is None


def test_entries_of_an_old_generation_are_dropped() -> None:
    cache = make_cache()
    cache.observe("g1")
    cache.put("g1", "a", 200, [], b"x")
    cache.observe("g2")
    assert len(cache) == 0 and cache.bytes == 0
    assert not cache.put("g1", "a", 200, [], b"x")  # a late answer of g1 is refused
    assert cache.get("g1", "a") is None


# -- the application, on each backend ----------------------------------------------


def test_app_caches_lists_but_not_errors(sample_url: str) -> None:
    with make_client(sample_url) as client:
        cache = client.app.state.response_cache  # type: ignore[attr-defined]
        first = client.get("/v1/models", params={"limit": 3, "sort": "name"})
        second = client.get("/v1/models", params={"sort": "name", "limit": 3})
        assert first.status_code == second.status_code == 200
        assert first.headers["x-cache"] == "MISS"
        assert second.headers["x-cache"] == "HIT"
        assert second.json() == first.json()
        assert second.headers["etag"] == first.headers["etag"]
        stored = len(cache)
        for _ in range(2):
            missing = client.get("/v1/models/no-such-model")
            assert missing.status_code == 404
            assert "x-cache" not in missing.headers
            unknown = client.get("/v1/models", params={"limti": 3})
            assert unknown.status_code == 400
        assert len(cache) == stored
        assert client.get("/health").status_code == 200
        assert "x-cache" not in client.get("/health").headers


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_hits_carry_the_etag_of_the_miss(sample_url: str, encoding: str) -> None:
    """A hit's ETag (set when stored) is the one the HTTP layer gave the miss, and
    revalidation works on hits."""
    params = {"limit": 2, "fields": "name"}
    headers = {"Accept-Encoding": encoding}
    with make_client(sample_url) as client:
        miss = client.get("/v1/models", params=params, headers=headers)
        hit = client.get("/v1/models", params=params, headers=headers)
        assert (miss.headers["x-cache"], hit.headers["x-cache"]) == ("MISS", "HIT")
        assert hit.headers["etag"] == miss.headers["etag"]
        assert hit.content == miss.content
        revalidated = client.get(
            "/v1/models", params=params, headers={**headers, "If-None-Match": hit.headers["etag"]}
        )
        assert revalidated.status_code == 304


def test_app_with_cache_off(sample_url: str) -> None:
    with make_client(sample_url, cache_max_entries=0) as client:
        for _ in range(2):
            response = client.get("/v1/models", params={"limit": 3})
            assert response.status_code == 200
            assert "x-cache" not in response.headers
        cache = client.app.state.response_cache  # type: ignore[attr-defined]
        assert len(cache) == 0 and cache.bytes == 0


def renamed_sample(tmp_path: Path, old: str, new: str) -> Path:
    """The sample seed with a model renamed (to a name with the same slug)."""
    target = tmp_path / "seed-renamed"
    shutil.copytree(SAMPLE_DIR, target)
    csv_path = target / "epoch_notable_ai_models.csv"
    text = csv_path.read_text(encoding="utf-8")
    assert old in text
    csv_path.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_reseed_invalidates_cached_answers(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    first_version = load_seed(empty_url, SAMPLE_DIR).data_version
    params = {"q": "alexnet", "fields": "name"}
    with make_client(empty_url) as client:
        before = client.get("/v1/models", params=params)
        cached = client.get("/v1/models", params=params)
        assert cached.headers["x-cache"] == "HIT"
        assert [m["name"] for m in cached.json()["items"]] == ["AlexNet"]

        report = load_seed(empty_url, renamed_sample(tmp_path, "AlexNet", "ALEXNET"))
        assert report.changed and report.data_version != first_version
        after = client.get("/v1/models", params=params)
        assert after.headers["x-cache"] == "MISS"
        assert after.json()["meta"]["data_version"] == report.data_version
        assert [m["name"] for m in after.json()["items"]] == ["ALEXNET"]
        assert after.headers["etag"] != before.headers["etag"]
        assert client.get("/v1/models", params=params).headers["x-cache"] == "HIT"

        # Back to the first files: the same data version, but a new load: new entries.
        assert load_seed(empty_url, SAMPLE_DIR).data_version == first_version
        back = client.get("/v1/models", params=params)
        assert back.headers["x-cache"] == "MISS"
        assert [m["name"] for m in back.json()["items"]] == ["AlexNet"]
