"""``/docs`` and ``/redoc`` work offline: every asset they load is served by the app."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.http.docs import STATIC_PREFIX

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
