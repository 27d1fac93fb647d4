"""Over-long query strings are refused with 414 problem+json, before any other work."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.http.security import SECURITY_HEADERS
from tests.conftest import make_client


def test_a_query_over_the_cap_is_a_414_problem_with_the_security_headers(
    sample_client: TestClient,
) -> None:
    response = sample_client.get("/v1/models?q=" + "x" * 4096)
    assert response.status_code == 414
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 414 and problem["title"] == "URI Too Long"
    assert problem["instance"] == "/v1/models"
    assert "2048" in problem["detail"] and "xxxx" not in response.text
    assert response.headers["cache-control"] == "no-store"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "content-security-policy" in response.headers
    # A browser's script can read the refusal (CORS headers, as on every answer).
    assert response.headers["access-control-allow-origin"] == "*"
    # Nothing was cached for it; the path answers normally with a short query.
    assert "x-cache" not in response.headers
    assert sample_client.get("/v1/models?q=alexnet").status_code == 200


def test_the_cap_applies_to_every_path_and_is_a_setting(sample_url: str) -> None:
    with make_client(sample_url, max_query_bytes=100) as client:
        assert client.get("/health?" + "a" * 101).status_code == 414
        assert client.get("/docs?" + "a" * 101).status_code == 414
        at_cap = client.get("/v1/models?q=" + "x" * 98)
        assert at_cap.status_code == 200
        # A query of legal length keeps its usual answers, 400 for unknown names included.
        assert client.get("/v1/models?nope=1").status_code == 400
