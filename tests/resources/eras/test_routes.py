"""``/v1/eras``."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient


def test_eras_tile_time_and_cite_their_boundaries(client: TestClient) -> None:
    body = client.get("/v1/eras").json()
    eras = body["items"]
    assert [e["slug"] for e in eras][:4] == [
        "pre-deep-learning",
        "deep-learning",
        "large-scale",
        "generative-ai",
    ]
    assert body["total"] == len(eras)
    for before, after in itertools.pairwise(eras):
        assert before["end_date"] == after["start_date"]
    assert eras[-1]["end_date"] is None
    assert "2010" <= eras[1]["start_date"] < "2013"
    assert eras[2]["start_date"].startswith("2015-")
    for era in eras:
        assert era["boundary_source"]
        assert era["references"]


def test_era_counts_agree_with_the_lists(client: TestClient) -> None:
    for era in client.get("/v1/eras").json()["items"]:
        window = f"start={era['start_date']}" + (
            f"&end={era['end_date']}" if era["end_date"] else ""
        )
        models = client.get(f"/v1/models?{window}&limit=1").json()["total"]
        milestones = client.get(f"/v1/milestones?era={era['slug']}&limit=1").json()["total"]
        assert era["model_count"] == models
        assert era["milestone_count"] == milestones


def test_era_detail(client: TestClient) -> None:
    body = client.get("/v1/eras/deep-learning").json()
    slugs = [m["slug"] for m in body["milestones"]]
    assert "alexnet-wins-imagenet" in slugs
    dates = [m["date"] for m in body["milestones"]]
    assert dates == sorted(dates)
    assert body["milestone_count"] == len(slugs)
    missing = client.get("/v1/eras/bronze-age")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_fields(client: TestClient) -> None:
    items = client.get("/v1/eras?fields=start_date").json()["items"]
    assert all(set(item) == {"slug", "start_date"} for item in items)
    detail = client.get("/v1/eras/large-scale?fields=milestones").json()
    assert set(detail) == {"slug", "milestones", "meta"}
    assert client.get("/v1/eras?fields=colour").status_code == 400
