"""``/v1/milestones``: the facts of the story, filters, pagination, detail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient


def milestone(client: TestClient, slug: str) -> dict[str, Any]:
    response = client.get(f"/v1/milestones/{slug}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_lenet_5(client: TestClient) -> None:
    body = milestone(client, "lenet-5")
    assert body["date"].startswith("1998-")
    assert "convolutional" in body["summary"]
    assert "handwritten digits" in body["summary"]
    assert "small datasets" in body["summary"]
    assert [m["slug"] for m in body["models"]] == ["lenet-5"]
    assert body["models"][0]["parameters"] == 60000.0
    assert any(ref["doi"] == "10.1109/5.726791" for ref in body["references"])
    assert body["era"]["slug"] == "pre-deep-learning"


def test_alexnet_wins_imagenet(client: TestClient) -> None:
    body = milestone(client, "alexnet-wins-imagenet")
    assert body["date"].startswith("2012-")
    assert {"imagenet", "gpu"} <= set(body["tags"])
    for ingredient in ("big data", "GPU compute", "algorithmic advances"):
        assert ingredient in body["summary"]
    assert body["models"][0]["slug"] == "alexnet"
    assert body["era"]["slug"] == "deep-learning"


def test_attention_is_all_you_need(client: TestClient) -> None:
    body = milestone(client, "attention-is-all-you-need")
    assert body["date"].startswith("2017-")
    assert "Transformer" in body["summary"]
    assert any(ref["arxiv"] == "1706.03762" for ref in body["references"])
    assert "transformer" in [m["slug"] for m in body["models"]]


def test_gpt_2(client: TestClient) -> None:
    body = milestone(client, "gpt-2")
    assert body["date"].startswith("2019-")
    assert body["facts"]["parameters"] == 1.5e9
    assert body["facts"]["web_pages"] == 8e6
    assert "8 million web pages" in body["summary"]
    assert body["models"][0]["slug"] == "gpt-2-1-5b"


def test_gpt_3(client: TestClient) -> None:
    body = milestone(client, "gpt-3")
    assert body["date"].startswith("2020-")
    assert body["facts"]["parameters"] == 1.75e11
    assert "api-only" in body["tags"]
    assert "only through" in body["summary"]
    assert body["models"][0]["slug"] == "gpt-3-175b-davinci"


def test_dall_e_2_and_stable_diffusion(client: TestClient) -> None:
    dalle = milestone(client, "dall-e-2")
    sd = milestone(client, "stable-diffusion")
    for body in (dalle, sd):
        assert body["date"].startswith("2022-")
        assert "text-to-image" in body["tags"] or "text-to-image" in body["summary"]
    assert "open-source" in sd["tags"]
    assert sd["facts"]["model_size_gb"] == 2
    assert "2 GB" in sd["summary"]
    gap = dt.date.fromisoformat(sd["date"]) - dt.date.fromisoformat(dalle["date"])
    assert 60 < gap.days < 365, "Stable Diffusion was opened months after DALL-E 2"
    assert dalle["models"][0]["slug"] == "dall-e-2"


def test_at_least_80_milestones_from_the_1940s(client: TestClient) -> None:
    body = client.get("/v1/milestones?limit=500&fields=date").json()
    assert body["total"] >= 80
    dates = [item["date"] for item in body["items"]]
    assert dates == sorted(dates), "sorted by date by default"
    assert dates[0] < "1950-01-01"
    assert dates[-1] >= "2025-01-01"


def test_every_linked_model_exists(client: TestClient) -> None:
    items = client.get("/v1/milestones?limit=500&fields=models").json()["items"]
    linked = {slug for item in items for slug in item["models"]}
    assert len(linked) >= 40
    for slug in sorted(linked):
        assert client.get(f"/v1/models/{slug}?fields=name").status_code == 200, slug


def test_every_milestone_is_sourced(client: TestClient) -> None:
    items = client.get("/v1/milestones?limit=500&fields=references,summary,era,date").json()[
        "items"
    ]
    eras = client.get("/v1/eras").json()["items"]
    for item in items:
        assert item["references"], item["slug"]
        assert all(r["doi"] or r["arxiv"] or r["url"] for r in item["references"])
        era = next(e for e in eras if e["slug"] == item["era"]["slug"])
        assert era["start_date"] <= item["date"]
        assert era["end_date"] is None or item["date"] < era["end_date"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=imagenet&start=2012-01-01&end=2013-01-01", ["alexnet-wins-imagenet"]),
        ("model=alexnet", ["alexnet-wins-imagenet"]),
        ("category=architecture&q=attention%20is%20all", ["attention-is-all-you-need"]),
        ("organization=openai&start=2019-01-01&end=2019-06-01", ["gpt-2"]),
        ("era=generative-ai&q=stable%20diffusion", ["stable-diffusion"]),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    response = client.get(f"/v1/milestones?{query}&fields=slug")
    assert response.status_code == 200, response.text
    assert [item["slug"] for item in response.json()["items"]] == expected


@pytest.mark.parametrize("asked", ["gpt-2-1-5b", "GPT-2-1-5B", "gpt-2"])
def test_a_model_is_named_by_its_slug_in_any_case_or_an_alias(
    client: TestClient, asked: str
) -> None:
    response = client.get(f"/v1/milestones?model={asked}&fields=slug,models")
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items and all("gpt-2-1-5b" in item["models"] for item in items)


@pytest.mark.parametrize(("asked", "closest"), [("alexnte", "alexnet"), ("", None)])
def test_an_unknown_model_is_a_400_with_the_closest(
    client: TestClient, asked: str, closest: str | None
) -> None:
    """Not a 200 with no milestones: the slug was mistyped."""
    response = client.get(f"/v1/milestones?model={asked}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    error = response.json()["errors"][0]
    assert error["loc"] == ["query", "model"]
    if closest is None:
        assert error["type"] == "empty_value"
    else:
        assert error["type"] == "unknown_value" and closest in error["suggestions"]


def test_cursor_walk_matches_offset(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/v1/milestones?limit=7&sort=-date&fields=slug"
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["items"]]
        cursor = body["next_cursor"]
        url = f"/v1/milestones?limit=7&sort=-date&fields=slug&cursor={cursor}" if cursor else None
    everything = client.get("/v1/milestones?limit=500&sort=-date&fields=slug").json()["items"]
    assert seen == [item["slug"] for item in everything]


def test_sample_exact_json(sample_client: TestClient) -> None:
    body = sample_client.get(
        "/v1/milestones?model=gpt-2-1-5b&fields=date,date_precision,title,era,models,facts"
    )
    assert body.json()["items"] == [
        {
            "slug": "gpt-2",
            "date": "2019-02-14",
            "date_precision": "day",
            "title": "GPT-2",
            "era": {"slug": "large-scale", "name": "Large-Scale Era"},
            "models": ["gpt-2-1-5b"],
            "facts": {"dataset_gb": 40.0, "parameters": 1500000000.0, "web_pages": 8000000.0},
        }
    ]


def test_model_detail_lists_its_milestones(client: TestClient) -> None:
    body = client.get("/v1/models/gpt-3-175b-davinci?fields=milestones").json()
    assert {"slug": "gpt-3", "date": "2020-05-28", "title": body["milestones"][0]["title"]} in body[
        "milestones"
    ]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/milestones/no-such-event", 404),
        ("/v1/milestones?sort=when", 400),
        ("/v1/milestones?fields=nope", 400),
        ("/v1/milestones?start=2020-01-01&end=2010-01-01", 400),
        ("/v1/milestones?start=1998", 422),
        ("/v1/milestones?colour=red", 400),
    ],
)
def test_errors(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_csv_download_has_every_milestone(client: TestClient) -> None:
    import csv
    import io

    total = client.get("/v1/milestones?limit=1").json()["total"]
    response = client.get("/v1/milestones.csv?fields=title,date,tags")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == total
    assert list(rows[0]) == ["slug", "title", "date", "tags", "attribution"]
    assert all("Epoch AI" in row["attribution"] for row in rows)


def test_csv_references_are_one_json_array_per_cell(client: TestClient) -> None:
    import csv
    import io
    import json

    expected = {
        item["slug"]: item["references"]
        for item in client.get("/v1/milestones?fields=references&limit=500").json()["items"]
    }
    response = client.get("/v1/milestones.csv?fields=references")
    rows = list(csv.DictReader(io.StringIO(response.text), strict=True))
    assert len(rows) == len(expected)
    several = [row for row in rows if len(expected[row["slug"]]) > 1]
    assert several, "the data has milestones with several references"
    for row in rows:
        assert json.loads(row["references"]) == expected[row["slug"]], row["slug"]


def test_detail_fields(client: TestClient) -> None:
    body = client.get("/v1/milestones/gpt-3?fields=facts").json()
    assert set(body) == {"slug", "facts", "meta"}
