"""CORS that a shared cache cannot get wrong, and preflight refusals as problems."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client

ORIGIN = "https://frontend.example"
PATHS = ("/v1/models?limit=1", "/v1/models/no-such-model", "/health", "/v1/models?nope=1")


@pytest.fixture(scope="module")
def listed(seeded_url: str) -> Iterator[TestClient]:
    with make_client(seeded_url, cors_origins=[ORIGIN]) as test_client:
        yield test_client


def _vary(headers: object) -> set[str]:
    value = headers.get("vary", "")  # type: ignore[attr-defined]
    return {v.strip().lower() for v in value.split(",") if v.strip()}


@pytest.mark.parametrize("path", PATHS)
def test_public_data_says_any_origin_with_or_without_origin(client: TestClient, path: str) -> None:
    # A cache that leaves Origin out of its key may serve either copy to a browser.
    without = client.get(path)
    with_origin = client.get(path, headers={"Origin": ORIGIN})
    for response in (without, with_origin):
        assert response.headers["access-control-allow-origin"] == "*"
        assert "link" in response.headers["access-control-expose-headers"].lower()
        assert "origin" not in _vary(response.headers)


def test_a_304_and_a_refused_host_carry_the_cors_headers(client: TestClient) -> None:
    etag = client.get("/v1/models?limit=1").headers["etag"]
    revalidated = client.get("/v1/models?limit=1", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.headers["access-control-allow-origin"] == "*"
    refused = client.get("/v1/models?limit=1", headers={"Host": "bad/host"})
    assert refused.status_code == 400
    assert refused.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", PATHS)
def test_listed_origins_vary_on_origin_always(listed: TestClient, path: str) -> None:
    without = listed.get(path)
    assert "origin" in _vary(without.headers)
    assert "access-control-allow-origin" not in without.headers
    allowed = listed.get(path, headers={"Origin": ORIGIN})
    assert "origin" in _vary(allowed.headers)
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = listed.get(path, headers={"Origin": "https://other.example"})
    assert "origin" in _vary(other.headers)
    assert "access-control-allow-origin" not in other.headers


def test_an_allowed_preflight_names_methods_and_headers(client: TestClient) -> None:
    response = client.options(
        "/v1/models",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match, accept",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert "if-none-match" in response.headers["access-control-allow-headers"].lower()
    assert response.headers["access-control-max-age"] == "600"


@pytest.mark.parametrize(
    ("method", "headers", "named"),
    [("DELETE", "", "DELETE"), ("GET", "X-Secret", "x-secret")],
)
def test_a_refused_preflight_is_a_problem_with_cors_headers(
    client: TestClient, method: str, headers: str, named: str
) -> None:
    request = {"Origin": ORIGIN, "Access-Control-Request-Method": method}
    if headers:
        request["Access-Control-Request-Headers"] = headers
    response = client.options("/v1/models", headers=request)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.json()
    assert body["status"] == 403 and named in body["detail"]


def test_a_preflight_from_an_unlisted_origin_is_refused(listed: TestClient) -> None:
    response = listed.options(
        "/v1/models",
        headers={"Origin": "https://other.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "access-control-allow-origin" not in response.headers
    assert "origin" in _vary(response.headers)
    allowed = listed.options(
        "/v1/models", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
