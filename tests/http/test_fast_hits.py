"""Cache hits answered in front of the whole application: the same bytes, never stale."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.config import Settings
from api.db.migrate import upgrade
from api.http.response_cache.fast import FastHitMiddleware
from api.http.response_cache.middleware import ResponseCacheMiddleware
from api.http.response_cache.probe import PostgresGenerationProbe, SQLiteGenerationProbe
from api.http.response_cache.store import Prepared, ResponseCache
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, make_client
from tests.http.test_generation_probe import sqlite_copy
from tests.http.test_response_cache import FakeProbe, ToyApp, renamed_sample, request

LIST = "/v1/models"
PARAMS = {"limit": "3", "fields": "name", "sort": "name"}


class Decorating:
    """An outer middleware of the chain: adds a header, counts the requests it sees."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.calls += 1

        async def decorated(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-outer", b"yes")]
            await send(message)

        await self.app(scope, receive, decorated)


def toy_chain() -> tuple[FastHitMiddleware, Decorating, ToyApp]:
    app = ToyApp()
    cache = ResponseCache(100, 1 << 20, 1 << 20)
    probe = FakeProbe()
    outer = Decorating(ResponseCacheMiddleware(app, cache, probe))
    fast = FastHitMiddleware(outer, cache, probe, max_query_bytes=100, any_origin=True, trusted="")
    return fast, outer, app


HOST = [(b"host", b"api.test")]


def test_the_third_request_is_answered_in_front_with_the_chains_bytes() -> None:
    fast, outer, app = toy_chain()
    first = request(fast, query="a=1", headers=HOST)
    second = request(fast, query="a=1", headers=HOST)  # an inner hit: recorded
    third = request(fast, query="a=1", headers=HOST)
    assert (app.calls, outer.calls) == (1, 2)
    assert dict(first[0]["headers"])[b"x-cache"] == b"MISS"
    assert third == second
    assert (b"x-outer", b"yes") in third[0]["headers"]


@pytest.mark.parametrize(
    "headers",
    [
        [(b"if-match", b'"x"')],
        [(b"if-modified-since", b"Mon, 01 Jan 2024 00:00:00 GMT")],
        [(b"host", b"api.test")],  # a second Host: a 400 of the Host check
        [],
    ],
    ids=["if-match", "if-modified-since", "two-hosts", "plain"],
)
def test_requests_the_chain_could_answer_differently_pass_through(
    headers: list[tuple[bytes, bytes]],
) -> None:
    fast, outer, _ = toy_chain()
    for _ in range(2):
        request(fast, query="a=1", headers=HOST)
    calls = outer.calls
    request(fast, query="a=1", headers=HOST + headers)
    assert outer.calls == calls + (0 if headers == [] else 1)


def test_a_long_query_and_a_listed_origin_pass_through() -> None:
    app = ToyApp()
    cache = ResponseCache(100, 1 << 20, 1 << 20)
    probe = FakeProbe()
    outer = Decorating(ResponseCacheMiddleware(app, cache, probe))
    fast = FastHitMiddleware(outer, cache, probe, max_query_bytes=5, any_origin=False, trusted="*")
    for query, headers in [
        ("a=123456", HOST),
        ("a=1", [*HOST, (b"origin", b"https://x.test")]),
        ("a=1", [*HOST, (b"x-forwarded-proto", b"https")]),
    ]:
        for _ in range(3):
            request(fast, query=query, headers=headers)
    assert outer.calls == 9


def test_a_new_generation_is_never_answered_from_a_recorded_answer() -> None:
    app = ToyApp()
    cache = ResponseCache(100, 1 << 20, 1 << 20)
    probe = FakeProbe("v1@1")
    outer = Decorating(ResponseCacheMiddleware(app, cache, probe))
    fast = FastHitMiddleware(outer, cache, probe, max_query_bytes=100, any_origin=True, trusted="")
    for _ in range(3):
        request(fast, headers=HOST)
    probe.generation = "v2@2"
    start, _ = request(fast, headers=HOST)
    assert dict(start["headers"])[b"x-cache"] == b"MISS"
    assert app.calls == 2
    probe.generation = None  # unknown: the application answers, unchecked hits never
    request(fast, headers=HOST)
    assert app.calls == 3


def test_prepared_answers_count_towards_the_entry_bound() -> None:
    cache = ResponseCache(10, 1 << 20, 3000)
    cache.observe("g")
    cache.put("g", "k", 200, [], b"x" * 100)
    entry = cache.get("g", "k")
    assert entry is not None
    before = cache.bytes
    small = Prepared(200, ((b"etag", b'"e"'),), entry.body, '"e"')
    assert cache.put_prepared("g", "k", entry, False, small)
    assert before < cache.bytes < before + 1000  # the body is shared, not counted again
    stored = cache.get("g", "k")
    assert stored is not None
    big = Prepared(304, ((b"x", b"y" * 4000),), b"", "")
    assert not cache.put_prepared("g", "k", stored, False, big)
    assert not cache.put_prepared("g", "k", entry, True, small)  # an older object of it


# -- the application ---------------------------------------------------------------


def counted_client(url: str, **settings: object) -> tuple[TestClient, dict[str, Decorating]]:
    """A client, and (once started) the counter of the requests that reach the chain
    behind the fast path under ``"chain"``."""
    client = make_client(url, **settings)
    app: FastAPI = client.app  # type: ignore[assignment]
    spy: dict[str, Decorating] = {}

    def factory(inner: Any) -> Decorating:
        spy["chain"] = Decorating(inner)
        return spy["chain"]

    app.add_middleware(factory)  # type: ignore[arg-type]
    return client, spy


CLASSES: list[dict[str, str]] = [
    {},
    {"Accept-Encoding": "gzip"},
    {"Origin": "https://elsewhere.test"},
    {"If-None-Match": '"not-it"'},
]


@pytest.mark.parametrize("headers", CLASSES, ids=["plain", "gzip", "origin", "other-etag"])
def test_the_fast_answer_is_the_applications_answer(
    sample_url: str, headers: dict[str, str]
) -> None:
    client, spy = counted_client(sample_url)
    with client:
        chain = spy["chain"]
        answers = [client.get(LIST, params=PARAMS, headers=headers) for _ in range(4)]
        assert chain.calls == 2  # the miss and the recorded hit
        recorded, fast = answers[1], answers[3]
        assert fast.status_code == recorded.status_code == 200
        assert fast.headers.multi_items() == recorded.headers.multi_items()
        assert fast.content == recorded.content
        assert fast.headers["x-cache"] == "HIT"
        assert fast.headers["x-content-type-options"] == "nosniff"
        head = client.head(LIST, params=PARAMS, headers=headers)
        assert head.headers.multi_items() == recorded.headers.multi_items()
        assert head.content == b""
        assert chain.calls == 2


def test_revalidation_in_front_gives_the_applications_304(sample_url: str) -> None:
    client, spy = counted_client(sample_url)
    with client:
        chain = spy["chain"]
        etag = [client.get(LIST, params=PARAMS) for _ in range(2)][1].headers["etag"]
        revalidate = {"If-None-Match": etag}
        recorded = client.get(LIST, params=PARAMS, headers=revalidate)
        calls = chain.calls
        fast = client.get(LIST, params=PARAMS, headers=revalidate)
        assert chain.calls == calls
        assert fast.status_code == recorded.status_code == 304
        assert fast.headers.multi_items() == recorded.headers.multi_items()
        listed = client.get(LIST, params=PARAMS, headers={"If-None-Match": f'"x", {etag}'})
        assert listed.status_code == 304 and chain.calls == calls


def test_what_the_chain_refuses_is_still_refused(sample_url: str) -> None:
    with make_client(sample_url, forwarded_allow_ips="*") as client:
        for _ in range(3):
            assert client.get(LIST, params=PARAMS).status_code == 200
        bad_proxy = client.get(LIST, params=PARAMS, headers={"X-Forwarded-Proto": "gopher"})
        assert bad_proxy.status_code == 400
        long = client.get(LIST, params={**PARAMS, "q": "x" * 3000})
        assert long.status_code == 414
        etag = client.get(LIST, params=PARAMS).headers["etag"]
        assert client.get(LIST, params=PARAMS, headers={"If-Match": '"x"'}).status_code == 412
        assert client.get(LIST, params=PARAMS, headers={"If-Match": etag}).status_code == 200


def test_a_reseed_is_never_answered_in_front_with_the_old_data(
    empty_url: str, tmp_path: Path
) -> None:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    params = {"q": "alexnet", "fields": "name"}
    client, spy = counted_client(empty_url)
    with client:
        for _ in range(3):
            old = client.get(LIST, params=params)
        assert spy["chain"].calls == 2 and old.json()["items"][0]["name"] == "AlexNet"
        load_seed(empty_url, renamed_sample(tmp_path, "AlexNet", "ALEXNET"))
        after = client.get(LIST, params=params)
        assert after.headers["x-cache"] == "MISS"
        assert after.json()["items"][0]["name"] == "ALEXNET"
        assert after.headers["etag"] != old.headers["etag"]


# -- the probes --------------------------------------------------------------------


def test_sqlite_probe_reads_the_row_only_after_a_commit(seeded_url: str, tmp_path: Path) -> None:
    path = sqlite_copy(seeded_url, tmp_path)
    probe = SQLiteGenerationProbe(path)
    statements: list[str] = []
    try:
        first = asyncio.run(probe.read())
        assert probe._connection is not None
        probe._connection.set_trace_callback(statements.append)
        assert asyncio.run(probe.read()) == first
        assert not any("data_release" in s for s in statements)
        with sqlite3.connect(path) as writer:
            writer.execute("UPDATE data_release SET loaded_at = '2030-01-01 00:00:00'")
        changed = asyncio.run(probe.read())
        assert changed != first and changed is not None and changed.endswith("2030-01-01 00:00:00")
        assert any("data_release" in s for s in statements)
    finally:
        probe.close()


def test_postgres_probe_answers_a_request_only_from_a_read_started_after_it() -> None:
    probe = PostgresGenerationProbe(Settings(database_url="postgresql+psycopg://u@127.0.0.1/x"))
    state = {"generation": "g1"}
    started: list[asyncio.Event] = []
    release: list[asyncio.Event] = []

    async def fake_read() -> str | None:
        seen_at_start = state["generation"]
        started.append(asyncio.Event())
        release.append(asyncio.Event())
        started[-1].set()
        await release[-1].wait()
        return seen_at_start

    probe._read_once = fake_read  # type: ignore[method-assign]

    async def scenario() -> tuple[str | None, str | None, str | None]:
        early = asyncio.create_task(probe.read())
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert len(started) == 1  # a read is under way
        state["generation"] = "g2"  # a seed commits while it is
        late = asyncio.create_task(probe.read())
        later = asyncio.create_task(probe.read())
        await asyncio.sleep(0)
        release[0].set()
        first = await early
        while len(started) < 2:
            await asyncio.sleep(0)
        assert len(started) == 2  # one more read serves both late requests
        release[1].set()
        return first, await late, await later

    assert asyncio.run(scenario()) == ("g1", "g2", "g2")


def test_postgres_probe_gives_none_when_the_database_is_unreachable() -> None:
    settings = Settings(
        database_url="postgresql+psycopg://u@127.0.0.1:9/x", db_connect_timeout_seconds=1
    )
    probe = PostgresGenerationProbe(settings)
    assert asyncio.run(probe.read()) is None
    assert probe._connection is None


def test_postgres_probe_reads_the_generation(seeded_url: str) -> None:
    if seeded_url.startswith("sqlite"):
        pytest.skip("the PostgreSQL probe")
    probe = PostgresGenerationProbe(Settings(database_url=seeded_url))

    async def many() -> list[str | None]:
        return list(await asyncio.gather(*(probe.read() for _ in range(20))))

    try:
        tokens = asyncio.run(many())
        assert len(set(tokens)) == 1 and tokens[0] is not None
        assert probe.reads < 20  # requests waiting together share a read
    finally:
        probe.close()
