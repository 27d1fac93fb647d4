"""``/v1/timeline``: one chronological feed of milestones and model releases."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def date_order(item: dict[str, Any]) -> tuple[int, int, int]:
    """The documented order: a year or month date after the precise dates of its period."""
    year, month, day = (int(part) for part in item["date"].split("-"))
    if item["date_precision"] == "year":
        return year, 13, 32
    if item["date_precision"] == "month":
        return year, month, 32
    return year, month, day


def test_default_feed_is_milestones_and_frontier_models(client: TestClient) -> None:
    body = client.get("/v1/timeline?limit=500").json()
    milestones = client.get("/v1/milestones?limit=1").json()["total"]
    frontier = client.get("/v1/models?frontier=true&limit=1").json()["total"]
    assert body["total"] == milestones + frontier
    keys = [date_order(item) for item in body["items"]]
    assert keys == sorted(keys)
    models = [item for item in body["items"] if item["kind"] == "model"]
    assert models and all(item["frontier"] is True for item in models)
    assert all(item["href"].startswith("/v1/") for item in body["items"])


def test_all_models_and_window(client: TestClient) -> None:
    body = client.get(
        "/v1/timeline?models=all&milestones=false&start=2020-01-01&end=2021-01-01&limit=1"
    ).json()
    models = client.get("/v1/models?start=2020-01-01&end=2021-01-01&limit=1").json()["total"]
    assert body["total"] == models


def test_linked_models_only(client: TestClient) -> None:
    items = client.get("/v1/timeline?models=linked&milestones=false&limit=500").json()["items"]
    linked = {
        slug
        for m in client.get("/v1/milestones?limit=500&fields=models").json()["items"]
        for slug in m["models"]
    }
    assert {item["slug"] for item in items} == linked


def test_cursor_pages_cover_the_feed(client: TestClient) -> None:
    seen = []
    url: str | None = "/v1/timeline?limit=40&sort=-date"
    while url:
        body = client.get(url).json()
        seen += [item["href"] for item in body["items"]]
        url = (
            f"/v1/timeline?limit=40&sort=-date&cursor={body['next_cursor']}"
            if body["next_cursor"]
            else None
        )
    assert len(seen) == len(set(seen)) == body["total"]


def test_errors(client: TestClient) -> None:
    for url, status in [
        ("/v1/timeline?models=some", 400),
        ("/v1/timeline?models=none&milestones=false", 400),
        ("/v1/timeline?sort=kind", 400),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.headers["content-type"] == "application/problem+json"


def test_fields_and_ndjson(client: TestClient) -> None:
    import json

    page = client.get("/v1/timeline?fields=kind,date&limit=3").json()
    assert all(set(item) == {"slug", "kind", "date"} for item in page["items"])
    download = client.get("/v1/timeline.ndjson?fields=kind")
    *lines, last = [json.loads(line) for line in download.text.splitlines()]
    assert len(lines) == page["total"] == last["meta"]["total"]
    assert all(set(line) == {"slug", "kind"} for line in lines)
