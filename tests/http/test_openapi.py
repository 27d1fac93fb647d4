"""The HTTP contract in the OpenAPI document (``api.http.openapi``): every operation
declares the headers, 304, 412 and 400 of the shared HTTP layer, and the real responses
carry every header the document says is always there, so the two cannot drift."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.examples import example_url
from tests.test_contract import DOCUMENT, IDENTITY, OPERATION_IDS, OPERATIONS, PROBLEM_REF, is_list

by_operation = pytest.mark.parametrize(("path", "operation"), OPERATIONS, ids=OPERATION_IDS)
DATA_HEADERS = {"ETag", "Cache-Control", "X-Data-Version", "Last-Modified"}


def _required(headers: Mapping[str, Any]) -> list[str]:
    return [name for name, header in headers.items() if header.get("required")]


@by_operation
def test_every_operation_declares_the_caching_contract(
    path: str, operation: dict[str, Any]
) -> None:
    responses = operation["responses"]
    declared = set(responses["200"].get("headers", {}))
    assert {"ETag", "Cache-Control"} <= declared
    if path.startswith("/v1/"):
        assert declared >= DATA_HEADERS, sorted(DATA_HEADERS - declared)
    if is_list(operation):
        assert {"Link", "X-Total-Count"} <= declared
    if len(responses["200"]["content"]) > 1:  # CSV/NDJSON negotiated by Accept
        assert "Vary" in declared
    assert {"ETag", "Cache-Control"} <= set(responses["304"]["headers"])
    assert "content" not in responses["304"]
    for status in ("400", "412", "414"):  # unknown parameter; failed If-Match; long URL
        schema = responses[status]["content"]["application/problem+json"]["schema"]
        assert schema == {"$ref": PROBLEM_REF}, status


def _send_all(client: TestClient, url: str, **headers: str) -> Iterator[Any]:
    yield client.get(url, headers={**IDENTITY, **headers})
    yield client.get(url, headers={"Accept-Encoding": "gzip", **headers})
    yield client.head(url, headers={**IDENTITY, **headers})


@by_operation
def test_real_responses_carry_every_declared_header(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url = example_url(path, operation)
    success = operation["responses"]["200"]["headers"]
    for response in _send_all(client, url):
        assert response.status_code == 200, response.text
        missing = [name for name in _required(success) if name not in response.headers]
        assert not missing, f"{response.request.method} {url}: declared but not sent {missing}"
        declared_policy = success["Cache-Control"]["schema"]["example"]
        assert response.headers["cache-control"] == declared_policy
        if "X-Total-Count" in success:
            assert int(response.headers["x-total-count"]) >= 0
    not_modified = operation["responses"]["304"]["headers"]
    etag = client.get(url, headers=IDENTITY).headers["etag"]
    cached = client.get(url, headers={**IDENTITY, "If-None-Match": etag})
    assert cached.status_code == 304
    missing = [name for name in _required(not_modified) if name not in cached.headers]
    assert not missing, f"304 of {url}: declared but not sent {missing}"


@by_operation
def test_declared_refusals_are_the_real_ones(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url = example_url(path, operation)
    separator = "&" if "?" in url else "?"
    assert client.get(f"{url}{separator}no_such_parameter=1").status_code == 400
    assert client.get(url, headers={"If-Match": '"no-such-tag"'}).status_code == 412


def test_every_array_schema_describes_its_items() -> None:
    """A tuple (an interval ``[low, high]``) is an array of numbers to tools that read only
    ``items`` (linters, client generators), not only a ``prefixItems`` tuple."""
    untyped: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "array" and "items" not in node:
                untyped.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(DOCUMENT, "#")
    assert not untyped, untyped
