"""``/``, ``/v1``, ``/embed/{chart}`` and the pages' static files."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.pages.routes import wants_json
from api.pages.vendor import EMBED_POLICY, HOME_POLICY, VENDORED_SCRIPTS


def test_home_page_tells_the_story_with_live_figures(client: TestClient) -> None:
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == HOME_POLICY
    assert "accept" in response.headers["vary"].lower()
    page = response.text
    for era in client.get("/v1/eras").json()["items"]:
        assert f'id="era-{era["slug"]}"' in page
    milestones = client.get("/v1/milestones?limit=500&fields=title").json()["items"]
    for milestone in milestones:
        assert milestone["title"].replace("&", "&amp;").replace("'", "&#39;") in page
    for metric in ("parameters", "training_compute", "training_dataset_size"):
        assert f'src="/v1/charts/{metric}.svg"' in page
        for era in client.get(f"/v1/trends/{metric}/eras").json()["items"]:
            if era["fit"] is not None:
                assert f"x{era['fit']['growth_per_year']:.3g}" in page
    largest = client.get("/v1/models?sort=-parameters&limit=1&fields=name").json()
    assert largest["items"][0]["name"] in page
    assert re.search(r'<img [^>]*alt="Scatter chart, log scale: the parameter counts of \d+', page)
    for link in ("/docs", "/openapi.json", "/v1/models.csv", "/v1/charts"):
        assert f'href="{link}"' in page
    assert "CC BY 4.0" in page and "Epoch AI" in page


def test_home_page_revalidates(client: TestClient) -> None:
    first = client.get("/")
    assert first.headers["etag"].startswith(f'"{first.headers["x-data-version"]}-')
    assert client.get("/", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_index_and_home_as_json_are_the_same(client: TestClient) -> None:
    index = client.get("/v1")
    assert index.status_code == 200
    body = index.json()
    names = {r["name"] for r in body["resources"]}
    assert {"models", "milestones", "eras", "trends", "charts", "meta"} <= names
    operations = {o["operation_id"] for r in body["resources"] for o in r["operations"]}
    document = client.get("/openapi.json").json()
    assert operations == {
        item["get"]["operationId"]
        for path, item in document["paths"].items()
        if path.startswith("/v1/")  # /health and /ready are links
    }
    assert body["links"]["docs"] == "/docs"
    home = client.get("/", headers={"Accept": "application/json"})
    assert home.headers["content-type"] == "application/json"
    assert home.json() == body


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        ("application/json", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("*/*", False),
        ("", False),
        ("application/json;q=0.5, text/html", False),
        ("text/html;q=0.1, application/json", True),
    ],
)
def test_accept_negotiation(accept: str, json: bool) -> None:
    assert wants_json(accept) is json


def test_embed_page_inlines_the_spec_and_loads_only_local_scripts(client: TestClient) -> None:
    response = client.get("/embed/training_compute?theme=dark&domain=Language")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == EMBED_POLICY
    page = response.text
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == [f"/static/pages/{name}" for name in VENDORED_SCRIPTS] + [
        "/static/pages/embed.js"
    ]
    assert '<script type="application/json" id="spec">' in page
    assert 'src="/v1/charts/training_compute.svg?theme=dark&amp;domain=Language"' in page
    assert "</script" not in page.split('id="spec">')[1].split("</script>")[0]
    assert client.get("/embed/nope").status_code == 404
    assert client.get("/embed/timeline?domain=Language").status_code == 400


def test_static_files(client: TestClient) -> None:
    vendored = client.get(f"/static/pages/{VENDORED_SCRIPTS[0]}")
    assert vendored.status_code == 200
    assert vendored.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert vendored.headers["content-type"].startswith("text/javascript")
    css = client.get("/static/pages/site.css")
    assert css.headers["cache-control"] == "public, max-age=86400"
    assert client.get("/static/pages/../app.py").status_code == 404
    assert client.get("/static/pages/nope.js").status_code == 404
