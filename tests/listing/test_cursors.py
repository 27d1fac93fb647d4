"""A forged cursor of any shape is a 400 problem, never a 500."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Payload = dict[str, Any]


def encode(payload: Any) -> str:
    raw = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def issued(client: TestClient, sort: str, path: str = "/v1/models") -> Payload:
    """The payload of a cursor the API issued for ``sort``."""
    body = client.get(path, params={"sort": sort, "limit": 2}).json()
    cursor = body["next_cursor"]
    payload: Payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return payload


def assert_bad_cursor(client: TestClient, sort: str, cursor: str, path: str = "/v1/models") -> None:
    response = client.get(path, params={"sort": sort, "limit": 2, "cursor": cursor})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_issued_cursor_still_works(sample_client: TestClient) -> None:
    for sort in ("publication_date", "-parameters"):
        cursor = encode(issued(sample_client, sort))
        response = sample_client.get(
            "/v1/models", params={"sort": sort, "limit": 2, "cursor": cursor}
        )
        assert response.status_code == 200, response.text


FORGERIES: dict[str, Callable[[Payload], Any]] = {
    "position beyond 2**63": lambda p: {**p, "p": 10**30},
    "position 2**63": lambda p: {**p, "p": 2**63},
    "position negative": lambda p: {**p, "p": -1},
    "position a float": lambda p: {**p, "p": 1.5},
    "position a string": lambda p: {**p, "p": "2"},
    "position a boolean": lambda p: {**p, "p": True},
    "tiebreaker 2**63": lambda p: {**p, "k": [*p["k"][:-1], 2**63]},
    "tiebreaker a string": lambda p: {**p, "k": [*p["k"][:-1], "x"]},
    "tiebreaker null": lambda p: {**p, "k": [*p["k"][:-1], None]},
    "nested lists": lambda p: {**p, "k": [[1], [2]]},
    "a dict for the key": lambda p: {**p, "k": {"a": 1}},
    "a dict inside the key": lambda p: {**p, "k": [{"a": 1}, 1]},
    "key too short": lambda p: {**p, "k": p["k"][:1]},
    "key too long": lambda p: {**p, "k": [*p["k"], 1]},
    "a dict for the sort": lambda p: {**p, "s": {"publication_date": 1}},
    "a number for the version": lambda p: {**p, "v": 5},
    "a list for the filters": lambda p: {**p, "f": []},
    "missing position": lambda p: {k: v for k, v in p.items() if k != "p"},
    "a list, not an object": lambda p: list(p.values()),
    "a number, not an object": lambda p: 7,
}
DATE_FORGERIES: dict[str, Callable[[Payload], Any]] = {
    "a float where a date belongs": lambda p: {**p, "k": [1.5, p["k"][-1]]},
    "an int where a date belongs": lambda p: {**p, "k": [2**70, p["k"][-1]]},
    "not a date": lambda p: {**p, "k": ["2020-13-45", p["k"][-1]]},
}
NULL_DATE: Callable[[Payload], Any] = lambda p: {**p, "k": [None, p["k"][-1]]}  # noqa: E731
NUMBER_FORGERIES: dict[str, Callable[[Payload], Any]] = {
    "a string where a number belongs": lambda p: {**p, "k": ["many", p["k"][-1]]},
    "an int beyond 2**63 where a number belongs": lambda p: {**p, "k": [2**64, p["k"][-1]]},
    "a boolean where a number belongs": lambda p: {**p, "k": [True, p["k"][-1]]},
    "a list where a number belongs": lambda p: {**p, "k": [[1.0], p["k"][-1]]},
}


@pytest.mark.parametrize("sort", ["publication_date", "-parameters"])
@pytest.mark.parametrize("forge", list(FORGERIES.values()), ids=list(FORGERIES))
def test_forged_cursor_is_a_400(
    sample_client: TestClient, sort: str, forge: Callable[[Payload], Any]
) -> None:
    assert_bad_cursor(sample_client, sort, encode(forge(issued(sample_client, sort))))


@pytest.mark.parametrize("forge", list(DATE_FORGERIES.values()), ids=list(DATE_FORGERIES))
def test_forged_date_key_is_a_400(
    sample_client: TestClient, forge: Callable[[Payload], Any]
) -> None:
    sort = "publication_date"
    assert_bad_cursor(sample_client, sort, encode(forge(issued(sample_client, sort))))


@pytest.mark.parametrize("forge", list(DATE_FORGERIES.values()), ids=list(DATE_FORGERIES))
def test_forged_date_key_of_a_milestone_is_a_400(
    sample_client: TestClient, forge: Callable[[Payload], Any]
) -> None:
    path = "/v1/milestones"
    assert_bad_cursor(
        sample_client, "date", encode(forge(issued(sample_client, "date", path))), path
    )


def test_null_for_a_date_that_is_never_null_is_a_400(sample_client: TestClient) -> None:
    """A milestone always has a date: no cursor the API issues holds a null one."""
    path = "/v1/milestones"
    cursor = encode(NULL_DATE(issued(sample_client, "date", path)))
    assert_bad_cursor(sample_client, "date", cursor, path)


def test_null_for_a_models_date_is_the_undated_models(sample_client: TestClient) -> None:
    """A model may be undated (its date is null, sorted after every date ascending), so a
    null date is a position the API issues: after it come only undated models."""
    sort = "publication_date"
    cursor = encode(NULL_DATE(issued(sample_client, sort)))
    response = sample_client.get("/v1/models", params={"sort": sort, "limit": 2, "cursor": cursor})
    assert response.status_code == 200, response.text
    assert all(item["publication_date"] is None for item in response.json()["items"])


@pytest.mark.parametrize("forge", list(NUMBER_FORGERIES.values()), ids=list(NUMBER_FORGERIES))
def test_forged_number_key_is_a_400(
    sample_client: TestClient, forge: Callable[[Payload], Any]
) -> None:
    sort = "-parameters"
    assert_bad_cursor(sample_client, sort, encode(forge(issued(sample_client, sort))))


@pytest.mark.parametrize(
    "raw",
    [
        "not base64 at all!",
        encode("not json"),
        encode('{"v":"x","s":"publication_date","f":"x","p":NaN,"k":[NaN,1]}'),
        encode("[" * 700 + "]" * 700),
    ],
    ids=["not base64", "not json", "NaN", "deeply nested"],
)
def test_undecodable_cursor_is_a_400(sample_client: TestClient, raw: str) -> None:
    assert_bad_cursor(sample_client, "publication_date", raw)


def test_nan_in_an_issued_shape_is_a_400(sample_client: TestClient) -> None:
    payload = issued(sample_client, "-parameters")
    text = json.dumps({**payload, "k": ["__nan__", payload["k"][-1]]}).replace('"__nan__"', "NaN")
    assert_bad_cursor(sample_client, "-parameters", encode(text))


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\ud800", "x\udfff"], ids=repr)
def test_text_key_no_database_can_compare_is_a_400(sample_client: TestClient, text: str) -> None:
    """NUL (PostgreSQL refuses it) and a lone surrogate (not UTF-8) in a forged text key
    are a 400, not a 500 from the database driver."""
    payload = issued(sample_client, "name")
    cursor = encode(json.dumps({**payload, "k": [text, payload["k"][-1]]}))
    assert_bad_cursor(sample_client, "name", cursor)


@pytest.mark.parametrize(
    "sort", ["-parameters", "training_compute_cost_2023_usd", "-publication_date"]
)
def test_a_cursor_walk_over_a_nullable_key_is_the_offset_order(
    client: TestClient, sort: str
) -> None:
    """Pages before a nullable key's null group read the rest of its values, then the
    nulls (two ranges of the index): the pages that straddle the two miss and repeat
    nothing."""
    fields = {"sort": sort, "fields": "slug"}
    download = client.get("/v1/models.ndjson", params=fields)  # every model, in list order
    assert download.status_code == 200, download.text
    lines = [json.loads(line) for line in download.text.splitlines()]
    everything = [line for line in lines if "meta" not in line]  # one line: its provenance
    total = next(line["meta"]["total"] for line in lines if "meta" in line)
    assert len(everything) == total > 500
    walked: list[str] = []
    cursor: str | None = None
    while True:
        params = {**fields, "limit": 97, **({"cursor": cursor} if cursor else {})}
        body = client.get("/v1/models", params=params).json()
        walked += [item["slug"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == [item["slug"] for item in everything]
