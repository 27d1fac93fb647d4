"""``/v1/models/{slug}`` by everyday names: aliases and other cases redirect, 404s suggest."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/v1/models/gpt-2", "/v1/models/gpt-2-1-5b"),
        ("/v1/models/GPT-2", "/v1/models/gpt-2-1-5b"),
        ("/v1/models/gpt-3?fields=name", "/v1/models/gpt-3-175b-davinci?fields=name"),
        ("/v1/models/bert", "/v1/models/bert-large"),
        ("/v1/models/llama-2", "/v1/models/llama-2-70b"),
        ("/v1/models/AlexNet", "/v1/models/alexnet"),
        ("/v1/models/GPT-4-Mar-2023", "/v1/models/gpt-4-mar-2023"),
        ("/v1/milestones/AlexNet-Wins-ImageNet", "/v1/milestones/alexnet-wins-imagenet"),
        ("/v1/eras/Deep-Learning?fields=name", "/v1/eras/deep-learning?fields=name"),
    ],
)
def test_alias_or_other_case_redirects(client: TestClient, path: str, location: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == f"http://testserver{location}"
    assert client.get(path).status_code == 200


def test_model_lists_its_aliases(client: TestClient) -> None:
    assert client.get("/v1/models/gpt-2-1-5b").json()["aliases"] == ["gpt-2", "gpt2"]
    assert client.get("/v1/models/alexnet?fields=aliases").json()["aliases"] == []
    page = client.get("/v1/models?q=GPT-2 (1.5B)&fields=name,aliases").json()
    assert page["items"][0]["aliases"] == ["gpt-2", "gpt2"]


@pytest.mark.parametrize(
    ("path", "suggested"),
    [
        ("/v1/models/chinchila", "chinchilla"),
        ("/v1/models/gpt-2x", "gpt-2 (alias of gpt-2-1-5b)"),
        ("/v1/models/gpt_2_1_5b", "gpt-2-1-5b"),
        ("/v1/milestones/alexnet", "alexnet-wins-imagenet"),
        ("/v1/eras/deep", "deep-learning"),
    ],
)
def test_unknown_slug_suggests_the_closest(client: TestClient, path: str, suggested: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert "Did you mean: " in detail
    assert detail.split("Did you mean: ")[1].split(", ")[0].rstrip("?") == suggested
    error = response.json()["errors"][0]
    assert error["type"] == "unknown_slug"
    # The same suggestions as a field, for a client to offer: each one answers.
    assert error["suggestions"][0] == suggested.split(" ")[0]
    parent = path.rsplit("/", 1)[0]
    for slug in error["suggestions"]:
        assert client.get(f"{parent}/{slug}").status_code == 200, slug


def test_unknown_slug_without_neighbours(client: TestClient) -> None:
    body = client.get("/v1/models/zzzzzzzzzzzz").json()
    assert body["errors"][0].get("suggestions") is None
    assert body["detail"] == "No model with slug 'zzzzzzzzzzzz'."
