"""Security headers on every response, and no server banner from ``dle serve``."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.live_server import live_server

REQUESTS = [
    ("GET", "/health", {}),
    ("GET", "/v1/models?limit=2", {}),
    ("GET", "/v1/models.csv?min_parameters=1", {}),
    ("GET", "/v1/models/no-such-model", {}),
    ("GET", "/v1/models?nope=1", {}),
    ("GET", "/openapi.json", {}),
    ("GET", "/docs", {}),
    ("GET", "/docs/oauth2-redirect", {}),
    ("GET", "/redoc", {}),
    ("GET", "/static/docs/swagger-ui.css", {}),
    ("POST", "/v1/models", {}),
    (
        "OPTIONS",
        "/v1/models",
        {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    ),
]


def _policy(headers: httpx.Headers) -> dict[str, str]:
    directives = (d.strip() for d in headers["content-security-policy"].split(";"))
    return dict(d.partition(" ")[::2] for d in directives if d)


@pytest.mark.parametrize(("method", "path", "headers"), REQUESTS)
def test_every_response_has_the_security_headers(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.request(method, path, headers=headers)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = _policy(response.headers)
    assert policy["frame-ancestors"] in ("'none'", "'self'"), policy


def test_data_and_problems_load_nothing(client: TestClient) -> None:
    for path in ("/v1/models?limit=1", "/v1/models/no-such-model"):
        policy = _policy(client.get(path).headers)
        assert policy == {"default-src": "'none'", "frame-ancestors": "'none'"}


def test_documentation_pages_keep_their_own_policy(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        policy = _policy(client.get(path).headers)
        assert policy["default-src"] == "'self'", (path, policy)
        assert policy["frame-ancestors"] == "'self'", (path, policy)


def test_a_304_has_them_too(client: TestClient) -> None:
    etag = client.get("/v1/models?limit=1").headers["etag"]
    response = client.get("/v1/models?limit=1", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["x-content-type-options"] == "nosniff"


def test_dle_serve_sends_no_server_banner(seeded_url: str, tmp_path: Path) -> None:
    with live_server(seeded_url, tmp_path) as server:
        response = httpx.get(f"{server.base_url}/v1/models?limit=1", timeout=10)
    assert response.status_code == 200
    assert "server" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
