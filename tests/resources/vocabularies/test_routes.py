"""``/v1/vocabularies``: every closed vocabulary, its values with slugs and counts, and the
values the filters refuse (the examples of issue 13, each a 200 with zero rows before)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.resources.vocabularies.catalog import VOCABULARIES

PROBLEM = "application/problem+json"


def _problem(client: TestClient, url: str, status: int) -> dict[str, Any]:
    response = client.get(url, follow_redirects=False)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return body


def test_a_vocabulary_lists_each_value_with_its_slug_and_count(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/vocabularies/domains")
    assert response.status_code == 200
    assert response.headers["etag"]
    body = response.json()
    meta = body.pop("meta")
    assert set(meta) == {"data_version", "license", "attribution"}
    assert body == {
        "name": "domains",
        "title": "Domains",
        "description": "Fields of application (Language, Vision...); a model matches a value "
        "by its name or slug.",
        "parameters": ["domain"],
        "endpoints": [
            "/v1/models",
            "/v1/models/facets",
            "/v1/trends/{metric}",
            "/v1/charts/{chart}",
        ],
        "counts": "models",
        "fixed": False,
        "value_count": 4,
        "href": "/v1/vocabularies/domains",
        "values": [
            {"name": "Image generation", "slug": "image-generation", "count": 2},
            {"name": "Language", "slug": "language", "count": 4},
            {"name": "Other", "slug": "other", "count": 1},
            {"name": "Vision", "slug": "vision", "count": 3},
        ],
    }


def test_fixed_sets_list_every_value_even_unused(sample_client: TestClient) -> None:
    body = sample_client.get("/v1/vocabularies/confidence").json()
    assert body["fixed"] is True
    assert body["parameters"] == ["confidence", "min_confidence"]
    assert body["values"] == [
        {"name": "Confident", "slug": "confident", "count": 7},
        {"name": "Likely", "slug": "likely", "count": 1},
        {"name": "Speculative", "slug": "speculative", "count": 2},
        {"name": "Unknown", "slug": "unknown", "count": 0},
    ]
    eras = sample_client.get("/v1/vocabularies/eras").json()
    assert eras["counts"] == "milestones"
    assert [v["slug"] for v in eras["values"]] == [
        "pre-deep-learning",
        "deep-learning",
        "large-scale",
        "generative-ai",
    ]


def test_the_list_names_every_vocabulary(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/vocabularies")
    assert response.status_code == 200
    assert response.headers["x-total-count"] == str(len(VOCABULARIES))
    body = response.json()
    assert [item["name"] for item in body["items"]] == [v.name for v in VOCABULARIES]
    assert body["total"] == len(VOCABULARIES)
    assert "values" not in body["items"][0]
    for item in body["items"]:
        detail = sample_client.get(item["href"]).json()
        assert detail["value_count"] == item["value_count"] == len(detail["values"])


def test_counts_agree_with_the_filtered_lists(client: TestClient) -> None:
    """A value's count is the total of the list filtered by it (by its slug, too)."""
    for name, path, parameter in [
        ("domains", "/v1/models", "domain"),
        ("organizations", "/v1/models", "organization"),
        ("model-accessibility", "/v1/models", "model_accessibility"),
        ("milestone-categories", "/v1/milestones", "category"),
        ("eras", "/v1/milestones", "era"),
        ("tags", "/v1/milestones", "tag"),
        ("milestone-organizations", "/v1/milestones", "organization"),
    ]:
        values = client.get(f"/v1/vocabularies/{name}").json()["values"]
        for value in sorted(values, key=lambda v: -v["count"])[:3]:
            total = client.get(path, params={parameter: value["slug"], "limit": 1}).json()["total"]
            assert total == value["count"], (name, value)


def test_an_unknown_vocabulary_is_a_404_with_the_closest(sample_client: TestClient) -> None:
    body = _problem(sample_client, "/v1/vocabularies/domain", 404)
    assert body["errors"][0]["loc"] == ["path", "name"]
    assert body["errors"][0]["suggestions"] == ["domains"]
    assert "domains" in body["detail"]


def test_another_spelling_of_a_name_redirects_to_it(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/vocabularies/Organization_Categories", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/v1/vocabularies/organization-categories"


def test_every_vocabulary_serves_the_parameters_it_names(sample_client: TestClient) -> None:
    """Where a vocabulary says its values go, the document declares the parameter; and every
    operation declaring one of those parameters is under a path the vocabulary names."""
    document = sample_client.get("/openapi.json").json()
    declared = {
        (path, param["name"])
        for path, item in document["paths"].items()
        for param in item["get"].get("parameters", [])
        if param["in"] == "query"
    }
    for vocabulary in VOCABULARIES:
        for endpoint in vocabulary.endpoints:
            for parameter in vocabulary.parameters:
                trend_like = endpoint.startswith(("/v1/trends", "/v1/charts"))
                if parameter == "min_confidence" and not trend_like:
                    continue
                if parameter == "confidence" and trend_like:
                    continue
                assert (endpoint, parameter) in declared, (vocabulary.name, endpoint, parameter)
    served = {(endpoint, p) for v in VOCABULARIES for endpoint in v.endpoints for p in v.parameters}
    for path, parameter in declared:
        if any(p == parameter for _, p in served):
            assert any(p == parameter and path.startswith(endpoint) for endpoint, p in served), (
                path,
                parameter,
            )


@pytest.mark.parametrize(
    ("url", "parameter", "suggestions"),
    [
        ("/v1/models?domain=Langauge", "domain", ["Language"]),
        ("/v1/models?domain=LLM", "domain", ["Image generation", "Language", "Other", "Vision"]),
        ("/v1/models?domain=", "domain", None),
        ("/v1/models?organization=OpenAl", "organization", ["OpenAI"]),
        ("/v1/models?country=Canda", "country", ["Canada"]),
        ("/v1/models?organization_category=Industri", "organization_category", ["Industry"]),
        ("/v1/models?task=Translaton", "task", ["Translation"]),
        ("/v1/models/facets?domain=Langauge", "domain", ["Language"]),
        ("/v1/models.csv?domain=Langauge", "domain", ["Language"]),
        ("/v1/milestones?category=architectures", "category", ["architecture"]),
        ("/v1/milestones?era=deep-learnin", "era", ["Deep Learning Era"]),
        ("/v1/milestones?tag=transformers", "tag", ["transformer"]),
        ("/v1/milestones?organization=Open%20A", "organization", ["OpenAI"]),
        ("/v1/trends/parameters?domain=Langauge", "domain", ["Language"]),
        ("/v1/trends/parameters/compare?split=2020-01-01&domain=LLM", "domain", None),
        ("/v1/trends/parameters/yearly?organization=Open%20A", "organization", ["OpenAI"]),
    ],
)
def test_a_value_outside_a_vocabulary_of_the_data_is_a_400_with_the_closest(
    sample_client: TestClient, url: str, parameter: str, suggestions: list[str] | None
) -> None:
    body = _problem(sample_client, url, 400)
    error = body["errors"][0]
    assert error["loc"] == ["query", parameter]
    assert error["type"] in ("unknown_value", "empty_value")
    assert "/v1/vocabularies/" in error["msg"]
    if suggestions is not None:
        assert error["suggestions"][: len(suggestions)] == suggestions


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("organization=Open%20AI", "organization=OpenAI"),
        ("organization=openai", "organization=OpenAI"),
        ("domain=language", "domain=Language"),
        ("domain=IMAGE-GENERATION", "domain=Image%20generation"),
        ("country=united%20states%20of%20america", "country=United%20States%20of%20America"),
        ("task=text%20to%20image", "task=Text-to-image"),
    ],
)
def test_a_value_matching_but_for_case_spaces_and_punctuation_is_that_value(
    sample_client: TestClient, query: str, canonical: str
) -> None:
    written = sample_client.get(f"/v1/models?{query}&limit=1").json()
    expected = sample_client.get(f"/v1/models?{canonical}&limit=1").json()
    assert written["total"] == expected["total"] > 0
    assert written["next_cursor"] == expected["next_cursor"]
    if query.startswith(("domain", "organization")):  # the trends' filters
        trend = sample_client.get(f"/v1/trends/parameters/records?{query}").json()
        assert (
            trend["filters"]
            == sample_client.get(f"/v1/trends/parameters/records?{canonical}").json()["filters"]
        )


def test_nothing_close_suggests_the_most_used_values(client: TestClient) -> None:
    """In a vocabulary too large to list whole, a value close to none (``LLM``) gets the
    most used values: a start, and the vocabulary's URL for the rest."""
    body = _problem(client, "/v1/models?domain=LLM", 400)
    assert body["errors"][0]["suggestions"][:2] == ["Language", "Vision"]
    assert "/v1/vocabularies/domains" in body["detail"]
    gpt = _problem(client, "/v1/models?organization=Open%20A", 400)
    assert gpt["errors"][0]["suggestions"][0] == "OpenAI"


def test_milestone_vocabularies_match_the_same_way(sample_client: TestClient) -> None:
    for query, canonical in [
        ("era=Large%20Scale", "era=large-scale"),
        ("era=Deep%20Learning%20Era", "era=deep-learning"),
        ("tag=Computer%20Vision", "tag=computer-vision"),
        ("organization=open%20ai", "organization=OpenAI"),
        ("category=Model%20Release", "category=model-release"),
    ]:
        written = sample_client.get(f"/v1/milestones?{query}").json()
        expected = sample_client.get(f"/v1/milestones?{canonical}").json()
        assert written["total"] == expected["total"] > 0, query
