"""The corrections and additions of the outside fact check, as ``/v1/milestones`` and
``/v1/eras`` serve them (seed/data/PROVENANCE.md lists them)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def milestone(client: TestClient, slug: str) -> dict[str, Any]:
    response = client.get(f"/v1/milestones/{slug}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def urls(body: dict[str, Any]) -> list[str]:
    return [ref["url"] for ref in body["references"] if ref.get("url")]


@pytest.mark.parametrize(
    ("slug", "date", "precision"),
    [("alexnet-wins-imagenet", "2012-09-30", "day"), ("deepseek-v3", "2024-12-26", "day")],
)
def test_corrected_dates_and_precision(
    client: TestClient, slug: str, date: str, precision: str
) -> None:
    body = milestone(client, slug)
    assert (body["date"], body["date_precision"]) == (date, precision)


def test_chatgpt_cites_the_million_users_and_links_no_api_model(client: TestClient) -> None:
    body = milestone(client, "chatgpt")
    assert body["facts"]["users_after_5_days"] == 1e6
    assert "https://x.com/sama/status/1599668808285028353" in urls(body)
    assert body["models"] == []


def test_stable_diffusion_cites_the_august_2022_release(client: TestClient) -> None:
    body = milestone(client, "stable-diffusion")
    assert "https://huggingface.co/CompVis/stable-diffusion-v1-4" in urls(body)
    assert not any("runwayml" in url or "v1-5" in url for url in urls(body))
    assert set(body["facts"]) == {"model_size_gb", "unet_parameters"}
    assert "1.45-billion" in body["summary"] and "2022-04-13" in body["summary"]


def test_gpt_1_parameters_cite_the_gpt_2_paper(client: TestClient) -> None:
    body = milestone(client, "gpt-1")
    assert body["facts"]["parameters"] == 1.17e8
    assert any("language_models_are_unsupervised_multitask_learners" in url for url in urls(body))


def test_deepseek_r1_distilled_models_keep_their_licences(client: TestClient) -> None:
    summary = milestone(client, "deepseek-r1")["summary"]
    assert "Apache 2.0" in summary and "Llama" in summary


def test_dead_and_secondary_links_are_gone(client: TestClient) -> None:
    assert not any("citeseerx" in url for url in urls(milestone(client, "boltzmann-machine")))
    cuda = urls(milestone(client, "cuda"))
    assert cuda and all("nvidia.com" in url for url in cuda)


@pytest.mark.parametrize(
    ("slug", "date", "category", "locator"),
    [
        ("deep-learning-speech-recognition", "2012-11-01", "paper", "10.1109/MSP.2012.2205597"),
        ("sparsely-gated-mixture-of-experts", "2017-01-23", "architecture", "1701.06538"),
        ("nvidia-v100", "2017-05-01", "hardware", "volta-architecture-whitepaper"),
        ("rlhf-human-preferences", "2017-06-12", "training-method", "1706.03741"),
        ("ai-and-compute", "2018-05-16", "paper", "openai.com/blog/ai-and-compute"),
        ("turing-award-deep-learning", "2019-03-27", "award", "turing-award-2018"),
        ("nvidia-a100", "2020-05-14", "hardware", "nvidia-ampere-architecture"),
        ("nvidia-h100", "2022-03-22", "hardware", "hopper-architecture"),
        ("nobel-physics-2024", "2024-10-08", "award", "physics/2024/press-release"),
        ("nobel-chemistry-2024", "2024-10-09", "award", "chemistry/2024/press-release"),
        ("claude-sonnet-4-5", "2025-09-29", "model-release", "claude-sonnet-4-5"),
        ("sora-2", "2025-09-30", "model-release", "openai.com/index/sora-2"),
        ("gemini-3", "2025-11-18", "model-release", "gemini-3"),
    ],
)
def test_added_milestones_cite_their_primary_source(
    client: TestClient, slug: str, date: str, category: str, locator: str
) -> None:
    body = milestone(client, slug)
    assert (body["date"], body["category"]) == (date, category)
    locators = [str(ref.get(key)) for ref in body["references"] for key in ("doi", "arxiv", "url")]
    assert any(locator in value for value in locators), locators


def test_award_is_a_category_filter(client: TestClient) -> None:
    response = client.get("/v1/milestones?category=award&fields=slug")
    assert response.status_code == 200, response.text
    assert [item["slug"] for item in response.json()["items"]] == [
        "turing-award-deep-learning",
        "nobel-physics-2024",
        "nobel-chemistry-2024",
    ]


def test_large_scale_era_starts_where_the_authors_do_and_says_what_it_is(
    client: TestClient,
) -> None:
    eras = {era["slug"]: era for era in client.get("/v1/eras").json()["items"]}
    assert eras["deep-learning"]["end_date"] == "2015-09-01"
    large = eras["large-scale"]
    assert large["start_date"] == "2015-09-01"
    assert "selection=sevilla-2022-large-scale" in large["summary"]
    assert "5.3 months" in large["summary"] and "selection" in large["boundary_source"]
