"""``/v1/search``: normalised matching, ranking, pagination, refusals (each backend)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.resources.models.test_routes import walk


def hits(client: TestClient, q: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.parametrize("q", ["GPT 4", "gpt4", "gpt-4", "Gpt-4!"])
def test_gpt_4_is_found_however_it_is_written(client: TestClient, q: str) -> None:
    # The example: all spellings find GPT-4 (Mar 2023), as an exact name (its alias).
    found = hits(client, q, type="model", limit=2)
    assert found[0] == {
        "type": "model",
        "slug": "gpt-4-mar-2023",
        "title": "GPT-4 (Mar 2023)",
        "snippet": found[0]["snippet"],
        "href": "/v1/models/gpt-4-mar-2023",
        "match": "exact",
    }
    assert "GPT-4" in found[0]["snippet"]


def test_one_list_across_types_in_rank_order(client: TestClient) -> None:
    found = hits(client, "alexnet", limit=50)
    assert [(h["type"], h["slug"], h["match"]) for h in found[:2]] == [
        ("model", "alexnet", "exact"),
        ("milestone", "alexnet-wins-imagenet", "prefix"),
    ]
    # Text-only hits come last; they include an era whose summary names AlexNet.
    matches = [h["match"] for h in found]
    assert matches == sorted(matches, key=["exact", "prefix", "title", "text"].index)
    assert ("era", "deep-learning") in {(h["type"], h["slug"]) for h in found}


def test_organizations_and_eras_are_found(client: TestClient) -> None:
    assert hits(client, "open ai", limit=1)[0] | {"snippet": None} == {
        "type": "organization",
        "slug": "openai",
        "title": "OpenAI",
        "snippet": None,
        "href": "/v1/models?organization=openai",
        "match": "exact",
    }
    era = hits(client, "generative ai", type="era")
    assert [h["slug"] for h in era][:1] == ["generative-ai"]


def test_words_match_as_prefixes_in_the_text(client: TestClient) -> None:
    found = hits(client, "convolut imagenet", type="milestone", limit=100)
    assert "alexnet-wins-imagenet" in [h["slug"] for h in found]
    assert all(h["type"] == "milestone" for h in found)


def test_aliases_are_searchable(client: TestClient) -> None:
    assert hits(client, "chatgpt", limit=1)[0]["slug"] == "gpt-3-5-turbo"


def test_pages_walk_the_same_order(client: TestClient) -> None:
    everything = client.get("/v1/search", params={"q": "transformer", "limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 20
    walked = walk(client, "/v1/search?q=transformer&limit=7")
    assert walked == everything["items"]
    offset = client.get("/v1/search", params={"q": "transformer", "limit": 7, "offset": 7})
    assert offset.json()["items"] == everything["items"][7:14]
    assert "data_version" in everything["meta"]


@pytest.mark.parametrize("q", ["", "   ", "-", "()"])
def test_empty_query_is_a_400(client: TestClient, q: str) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["query", "q"]


def test_missing_query_and_unknown_type_are_refused(client: TestClient) -> None:
    assert client.get("/v1/search").status_code == 422
    assert client.get("/v1/search?q=gpt&type=person").status_code == 400


def test_nothing_found_is_an_empty_page(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "zzzzqqqq"}).json()
    assert (body["items"], body["total"], body["next_cursor"]) == ([], 0, None)


def test_list_q_ignores_case_spaces_and_punctuation(client: TestClient) -> None:
    for q in ("GPT 4", "gpt4", "gpt-4"):
        names = [m["name"] for m in walk(client, f"/v1/models?q={q}&fields=name")]
        assert "GPT-4 (Mar 2023)" in names, q
    titles = [m["slug"] for m in walk(client, "/v1/milestones?q=alex net")]
    assert "alexnet-wins-imagenet" in titles
