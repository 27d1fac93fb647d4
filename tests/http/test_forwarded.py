"""URLs behind a trusted proxy name the public host, proto and prefix; from others, never."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.http.forwarded import TrustedPeers, last_forwarded_element
from api.http.responses import LINK_BUDGET

PROXY = ("10.0.0.7", 40000)
PUBLIC = {"X-Forwarded-Host": "api.example.org", "X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def proxied(seeded_url: str) -> Iterator[TestClient]:
    """A client connecting from a proxy address the settings trust."""
    settings = Settings(database_url=seeded_url, forwarded_allow_ips="10.0.0.0/24")
    with TestClient(create_app(settings), client=PROXY) as test_client:
        yield test_client


def _links(response: object) -> list[str]:
    header: str = response.headers["link"]  # type: ignore[attr-defined]
    return [part.split(">")[0].lstrip(" <") for part in header.split(", <")]


def test_trusted_peers_are_addresses_and_networks() -> None:
    peers = TrustedPeers("127.0.0.1, ::1, 10.1.0.0/16")
    assert "127.0.0.1" in peers and "::1" in peers and "10.1.2.3" in peers
    assert "10.2.0.1" not in peers and "testclient" not in peers and None not in peers
    assert "203.0.113.9" in TrustedPeers("*")


def test_the_last_forwarded_element_is_the_closest_proxys() -> None:
    value = 'for=198.51.100.1;host=forged.example, for="[2001:db8::1]:80";proto=https;host="a.b"'
    assert last_forwarded_element(value) == {
        "for": "[2001:db8::1]:80",
        "proto": "https",
        "host": "a.b",
    }
    with pytest.raises(ValueError, match="pairs"):
        last_forwarded_element("for")


def test_links_name_the_public_host_proto_and_prefix(proxied: TestClient) -> None:
    response = proxied.get("/v1/models?limit=2", headers={**PUBLIC, "X-Forwarded-Prefix": "/dle/"})
    assert response.status_code == 200
    links = _links(response)
    assert links and all(u.startswith("https://api.example.org/dle/v1/models") for u in links)
    problem = proxied.get("/v1/models/nope", headers={"X-Forwarded-Prefix": "/dle"}).json()
    assert problem["instance"] == "/dle/v1/models/nope"


def test_forwarded_is_honoured_and_wins_over_x_forwarded(proxied: TestClient) -> None:
    headers = {
        "Forwarded": "for=198.51.100.1;host=forged.example, proto=https;host=cdn.example",
        "X-Forwarded-Host": "other.example",
    }
    links = _links(proxied.get("/v1/models?limit=2", headers=headers))
    assert all(u.startswith("https://cdn.example/v1/models") for u in links)


def test_docs_and_openapi_follow_the_prefix(proxied: TestClient) -> None:
    headers = {**PUBLIC, "X-Forwarded-Prefix": "/dle"}
    page = proxied.get("/docs", headers=headers).text
    assert "/dle/openapi.json" in page and "/dle/static/docs/swagger-ui-bundle.js" in page
    assert "/dle/openapi.json" in proxied.get("/redoc", headers=headers).text
    schema = proxied.get("/openapi.json", headers=headers).json()
    assert schema["servers"][0]["url"] == "/dle"


def test_untrusted_peers_change_nothing(client: TestClient) -> None:
    headers = {**PUBLIC, "X-Forwarded-Prefix": "/dle", "Forwarded": "host=evil.example"}
    links = _links(client.get("/v1/models?limit=2", headers=headers))
    assert links and all(u.startswith("http://testserver/v1/models") for u in links)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Host": "evil.example/x"},
        {"X-Forwarded-Host": "<script>"},
        {"Forwarded": 'host="a b"'},
        {"Forwarded": "host"},
        {"X-Forwarded-Proto": "javascript"},
        {"X-Forwarded-Prefix": "/a'b"},
        {"X-Forwarded-Prefix": "/../x"},
    ],
)
def test_malformed_forwarded_values_are_refused_not_echoed(
    proxied: TestClient, headers: dict[str, str]
) -> None:
    response = proxied.get("/v1/models?limit=1", headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["cache-control"] == "no-store"
    assert "link" not in response.headers
    assert "evil" not in response.text and "script" not in response.text


def _query(length: int) -> str:
    query = "limit=2"
    while len(query) + len("&domain=Language") < length:
        query += "&domain=Language"
    return query


@pytest.mark.parametrize("length", [300, 700, 1000, 2048])
def test_headers_and_target_fit_a_caching_proxys_buffer(client: TestClient, length: int) -> None:
    # nginx's default proxy_buffer_size is 4 KiB and, with proxy_cache, holds the cache
    # key (the request target) and ~0.4 KiB of cache header before the response head.
    target = f"/v1/models?{_query(length)}"
    response = client.get(target, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.json()["next_cursor"]
    head = sum(len(n) + len(v) + 4 for n, v in response.headers.raw) + len("HTTP/1.1 200 OK\r\n")
    assert len(target) + len(response.headers.get("link", "")) <= LINK_BUDGET
    assert len(target) + 400 + head < 4096 - 256, head  # room for a longer host and date
    if length <= 1000:  # the common queries keep the link a client pages with
        assert 'rel="next"' in response.headers["link"]
    if length <= 700:
        assert 'rel="first"' in response.headers["link"]


def test_links_do_not_repeat_defaults_or_re_encode(client: TestClient) -> None:
    response = client.get("/v1/models?domain=Language&fields=name,parameters")
    assert response.status_code == 200
    for url in _links(response):
        assert "limit=" not in url and "fields=name,parameters" in url
