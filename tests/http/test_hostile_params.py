"""Hostile query strings and path values on every operation of the OpenAPI document.

Each GET operation is taken from the app's own OpenAPI document, so a new route or a new
parameter is covered the moment it is added. Hypothesis builds raw query strings (so that
invalid percent escapes such as ``%ff`` or ``%ed%a0%80`` really reach the server) from
the operation's parameters: huge and non-finite numbers, overlong and unicode text, NUL,
broken escapes, repeated and empty parameters, forged cursors, next to valid values drawn
from the schema (enums, bounds, dates) and from the data (real slugs, organizations,
domains). The answer is always either problem details whose ``status`` is the HTTP
status, or a 2xx whose JSON body fits the operation's response schema: never a 5xx,
and never a 2xx when a single-valued parameter was given twice. The value families and
the request strategy are in ``tests/http/hostile.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.http.examples import example_url
from tests.http.hostile import (
    DOCUMENT,
    OPERATIONS,
    Real,
    examples,
    extreme_values,
    real_values,
    requests,
    resolve,
    vocabulary,
)

PROBLEM = "application/problem+json"
PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
EXAMPLES = 40  # per operation and backend
by_operation = pytest.mark.parametrize(
    ("path", "operation"), OPERATIONS, ids=[o["operationId"] for _, o in OPERATIONS]
)
_VALIDATORS: dict[str, Any] = {}


def _validator(schema: Mapping[str, Any]) -> Any:
    key = json.dumps(schema, sort_keys=True)
    if key not in _VALIDATORS:
        full = {**schema, "components": DOCUMENT["components"]}
        _VALIDATORS[key] = jsonschema_rs.Draft202012Validator(full)
    return _VALIDATORS[key]


def check_answer(target: str, response: httpx.Response, operation: Mapping[str, Any]) -> None:
    """A 4xx problem whose status is the HTTP status, or a 2xx that fits the schema."""
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    where = f"GET {target} -> {status} {content_type}: {response.text[:300]!r}"
    assert status < 500, where
    assert "Traceback" not in response.text, where
    if status >= 400:
        assert content_type.startswith(PROBLEM), where
        body = response.json()
        errors = [e.message for e in _validator(PROBLEM_SCHEMA).iter_errors(body)]
        assert not errors, f"{where}: {errors[:3]}"
        assert body["status"] == status, where
        return
    if status == 307:  # the router's trailing-slash redirect: /v1/models/ -> /v1/models
        assert target.split("?")[0].endswith(("/", "%2F", "%2f")), where
        assert response.headers["location"], where
        return
    if status == 308:  # format=csv|ndjson: the declared redirect to the download path
        assert "308" in operation["responses"], where
        location = httpx.URL(response.headers["location"])
        fmt = location.path.rsplit(".", 1)[-1]
        assert location.path == f"{target.split('?')[0]}.{fmt}", where
        assert fmt in ("csv", "ndjson") and "format" not in location.params, where
        return
    assert status in (200, 304), where
    if status == 304:
        return
    repeated = _repeated_single_valued(target, operation)
    assert not repeated, f"{where}: {repeated} given twice, one value silently won"
    declared = operation["responses"]["200"]["content"]
    media = content_type.split(";")[0].strip()
    assert media in declared, where
    if media == "application/json":
        errors = [
            e.message for e in _validator(declared[media]["schema"]).iter_errors(response.json())
        ]
        assert not errors, f"{where}: {errors[:3]}"
    elif media == "application/x-ndjson":
        for line in response.text.splitlines():
            json.loads(line)


def _repeated_single_valued(target: str, operation: Mapping[str, Any]) -> list[str]:
    """The single-valued parameters named more than once in the raw query."""
    single = {
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and resolve(p["schema"]).get("type") != "array"
    }
    names = [pair.split("=")[0] for pair in target.partition("?")[2].split("&") if pair]
    return sorted({n for n in names if n in single and names.count(n) > 1})


def fetch(client: TestClient, target: str) -> httpx.Response:
    """The answer to a raw request target, sent as is (no re-encoding, no redirects)."""
    path, _, query = target.partition("?")
    url = httpx.URL(path, query=query.encode("ascii"))
    try:
        return client.get(url, follow_redirects=False)
    except Exception as exc:  # the app raised: the server would have answered 500
        pytest.fail(f"GET {target} raised {type(exc).__name__}: {exc}")


@by_operation
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hostile_queries_get_a_problem_or_a_valid_answer(
    client: TestClient, path: str, operation: dict[str, Any], data: st.DataObject
) -> None:
    target = data.draw(requests(path, operation, real_values(client)), label="request")
    check_answer(target, fetch(client, target), operation)


@by_operation
def test_every_parameter_at_the_edges_of_its_type(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    """Each query parameter in turn takes each extreme of its type (1e309, 2**64, -0,
    9999-12-31, broken escapes, direction marks, ...) in the documented example request:
    a sweep that the random search above may miss with its budget."""
    query = example_url(path, operation).partition("?")[2]
    base = data_free_target(path, operation, real_values(client))
    pairs = [pair for pair in query.split("&") if pair]
    for param in (p for p in operation.get("parameters", []) if p["in"] == "query"):
        name = param["name"]
        rest = "".join(f"{pair}&" for pair in pairs if pair.split("=")[0] != name)
        for value in extreme_values(param):
            target = f"{base}?{rest}{name}={value}"
            check_answer(target, fetch(client, target), operation)


def test_the_wire_carries_the_raw_query(client: TestClient) -> None:
    """Invalid escapes reach the server unchanged: the fuzzing above tests what it says."""
    raw = "q=%ff%c3%28%80%ed%a0%80&q=&q&fields=%00"
    seen: list[bytes] = []
    app = client.app

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope.get("query_string", b""))
        await app(scope, receive, send)

    response = fetch(TestClient(spy), f"/v1/models?{raw}")
    assert seen == [raw.encode()]
    assert response.status_code in (400, 422)
    check_answer(raw, response, DOCUMENT["paths"]["/v1/models"]["get"])


def _long_queries(operation: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Queries of about 3 KB: one long value, a valid value repeated, one long name."""
    params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    yield "long value", f"{params[0]['name'] if params else 'q'}=" + "a" * 3000
    lists = [p for p in params if p["schema"].get("type") == "array" and examples(p)]
    repeated = f"{lists[0]['name']}={quote(examples(lists[0])[0])}" if lists else "q=%ff"
    yield "repeated", "&".join([repeated] * (3000 // len(repeated)))
    yield "long name", "n" * 3000 + "=1"


@by_operation
def test_a_3_kb_query_is_a_problem(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    """Over the cap on the whole query (DLE_MAX_QUERY_BYTES): a 414 problem, whatever the
    query holds (one long value, a valid value repeated, a long name)."""
    base = data_free_target(path, operation, real_values(client))
    for kind, query in _long_queries(operation):
        target = f"{base}?{query}"
        response = fetch(client, target)
        assert len(query) > 2048, kind
        assert response.status_code == 414, f"{kind}: GET {target[:150]}... -> {response}"
        check_answer(target, response, operation)


def data_free_target(path: str, operation: Mapping[str, Any], real: Real) -> str:
    """The path with real values for its path parameters."""
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            value = (vocabulary(param, operation, real) or examples(param))[0]
            path = path.replace("{" + param["name"] + "}", value)
    return path
