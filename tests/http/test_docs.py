"""``/docs`` and ``/redoc`` work offline: every asset they load is served by the app."""

from __future__ import annotations

import gzip
import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.http import compression
from api.http.docs import STATIC_PREFIX, assets_dir

# The files fastapi-offline ships and the pages load.
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")

URL_ATTRIBUTE = re.compile(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""")


@pytest.fixture(scope="module")
def docs_client() -> TestClient:
    # The pages and assets need no database.
    return TestClient(create_app())


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_reference_only_local_urls(docs_client: TestClient, page: str) -> None:
    response = docs_client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    urls = URL_ATTRIBUTE.findall(html)
    assert urls, "the page loads nothing?"
    for url in urls:
        assert url.startswith("/"), f"{page} loads {url} from outside the service"
    assert "cdn" not in html.lower() and "googleapis" not in html
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "/openapi.json" in html
    for url in urls:
        if url != "/openapi.json":
            asset = docs_client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 1000, url


def test_assets_are_served_with_caching_and_gzip(docs_client: TestClient) -> None:
    for name in ASSETS:
        response = docs_client.get(f"{STATIC_PREFIX}/{name}")
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == "public, max-age=86400"
        assert response.headers["etag"]
        head = docs_client.head(f"{STATIC_PREFIX}/{name}")
        assert head.status_code == 200 and head.content == b""
    script = docs_client.get(f"{STATIC_PREFIX}/swagger-ui-bundle.js")
    assert script.headers["content-encoding"] == "gzip"
    assert "SwaggerUIBundle" in script.text
    redoc = docs_client.get(f"{STATIC_PREFIX}/redoc.standalone.js")
    assert "Redoc" in redoc.text


def test_docs_show_the_attribution(docs_client: TestClient) -> None:
    document = docs_client.get("/openapi.json").json()
    assert "Epoch AI" in document["info"]["description"]
    assert "CC BY 4.0" in document["info"]["description"]


def test_docs_pages_are_not_operations(docs_client: TestClient) -> None:
    paths = docs_client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith(("/docs", "/redoc", "/static")) for p in paths)


def raw_get(client: TestClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent (not decoded)."""
    with client.stream("GET", url, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


@pytest.mark.parametrize("name", ["swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"])
def test_assets_are_sent_precompressed_and_revalidate(
    docs_client: TestClient, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    encodings: list[str] = []
    gzip_body, gzip_stream = compression.gzip_body, compression.GzipStream

    def counted_body(body: bytes) -> bytes:
        encodings.append("body")
        return gzip_body(body)

    def counted_stream() -> compression.GzipStream:
        encodings.append("stream")
        return gzip_stream()

    monkeypatch.setattr(compression, "gzip_body", counted_body)
    monkeypatch.setattr(compression, "GzipStream", counted_stream)
    url = f"{STATIC_PREFIX}/{name}"
    status, plain_headers, plain = raw_get(docs_client, url, **{"Accept-Encoding": "identity"})
    assert status == 200 and "content-encoding" not in plain_headers
    assert plain == (assets_dir() / name).read_bytes()
    assert plain_headers["content-length"] == str(len(plain))
    for _ in range(3):
        status, headers, sent = raw_get(docs_client, url, **{"Accept-Encoding": "gzip, br"})
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert headers["content-length"] == str(len(sent))
        assert gzip.decompress(sent) == plain and len(sent) < len(plain) / 2
        assert "accept-encoding" in headers["vary"].lower()
    # Encoded at most once per process (not at all if an earlier test already did).
    assert len(encodings) <= 1
    etag, plain_etag = headers["etag"], plain_headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/") and etag != plain_etag
    for tag, encoding in ((etag, "gzip"), (plain_etag, "identity")):
        revalidated = docs_client.get(
            url, headers={"Accept-Encoding": encoding, "If-None-Match": tag}
        )
        assert revalidated.status_code == 304 and revalidated.content == b""
        assert revalidated.headers["etag"] == tag
    head = docs_client.head(url, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == headers["content-length"]
    assert head.headers["etag"] == etag


def test_an_unknown_asset_is_a_404_problem(docs_client: TestClient) -> None:
    for name in ("nope.js", ".hidden", "..%2Fdocs.py"):
        response = docs_client.get(f"{STATIC_PREFIX}/{name}")
        assert response.status_code == 404, name
        assert response.headers["content-type"] == "application/problem+json"
