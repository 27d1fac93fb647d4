"""``/v1/models``: filters, sorting, pagination, facets, detail, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def names(response: Any) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every item of a list, following next_cursor."""
    items: list[dict[str, Any]] = []
    sep = "&" if "?" in url else "?"
    next_url: str | None = url
    while next_url:
        body = client.get(next_url).json()
        items += body["items"]
        next_url = f"{url}{sep}cursor={body['next_cursor']}" if body["next_cursor"] else None
    return items


def test_sample_list_exact_json(sample_client: TestClient) -> None:
    response = sample_client.get(
        "/v1/models?fields=name,publication_date,parameters,countries,frontier&limit=3"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == [
        {
            "slug": "solar-open-100b",
            "name": "Solar Open 100B",
            "publication_date": "2025-12-31",
            "parameters": 102000000000.0,
            "countries": ["Korea (Republic of)"],
            "frontier": False,
        },
        {
            "slug": "stable-diffusion-ldm-kl-8-g",
            "name": "Stable Diffusion (LDM-KL-8-G)",
            "publication_date": "2022-04-13",
            "parameters": 1450000000.0,
            "countries": ["United States of America", "Germany", "Germany"],
            "frontier": False,
        },
        {
            "slug": "dall-e-2",
            "name": "DALL·E 2",
            "publication_date": "2022-04-06",
            "parameters": 3500000000.0,
            "countries": ["United States of America"],
            "frontier": False,
        },
    ]
    assert body["total"] == 10
    assert body["limit"] == 3
    assert body["offset"] == 0
    assert body["next_cursor"]
    assert body["meta"]["license"] == "CC BY 4.0"
    assert "Epoch AI" in body["meta"]["attribution"]
    assert len(body["meta"]["data_version"]) == 12


def test_unknown_values_are_null_not_zero(sample_client: TestClient) -> None:
    item = sample_client.get("/v1/models/efficientnetv2-xl").json()
    assert item["training_dataset_size"] is None
    assert item["unparsed_values"] == [
        {
            "field": "training_dataset_size",
            "source_column": "Training dataset size (gradients)",
            "source_text": "14180000,14180000",
            "reason": "several numbers in one cell: '14180000,14180000'",
        }
    ]
    lenet = sample_client.get("/v1/models/lenet-5").json()
    assert lenet["training_compute_cost_2023_usd"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=gpt", ["GPT-3 175B (davinci)", "GPT-2 (1.5B)"]),
        ("q=GPT-3", ["GPT-3 175B (davinci)"]),
        ("q=%25", []),
        (
            "frontier=true&sort=publication_date",
            ["Perceptron Mark I", "LeNet-5", "AlexNet", "GPT-3 175B (davinci)"],
        ),
        ("start=2017-06-12&end=2020-05-28", ["GPT-2 (1.5B)", "Transformer"]),
        ("min_parameters=1.5e9&max_parameters=3.5e9", ["DALL·E 2", "GPT-2 (1.5B)"]),
        ("domain=Image%20generation", ["Stable Diffusion (LDM-KL-8-G)", "DALL·E 2"]),
        (
            "domain=image-generation&domain=Vision&start=2021-01-01",
            ["Stable Diffusion (LDM-KL-8-G)", "DALL·E 2", "EfficientNetV2-XL"],
        ),
        (
            "organization=openai&sort=publication_date",
            ["GPT-2 (1.5B)", "GPT-3 175B (davinci)", "DALL·E 2"],
        ),
        ("country=Germany", ["Stable Diffusion (LDM-KL-8-G)"]),
        ("confidence=speculative", ["DALL·E 2", "GPT-2 (1.5B)"]),
        ("sort=-parameters&limit=2", ["GPT-3 175B (davinci)", "Solar Open 100B"]),
        ("sort=parameters&limit=2", ["Perceptron Mark I", "LeNet-5"]),
    ],
)
def test_filters_and_sorts(sample_client: TestClient, query: str, expected: list[str]) -> None:
    response = sample_client.get(f"/v1/models?{query}&fields=name")
    assert response.status_code == 200, response.text
    assert names(response) == expected


def test_has_filter_and_nulls_sort_last(sample_client: TestClient) -> None:
    with_compute = sample_client.get(
        "/v1/models?has=training_compute_flop&fields=training_compute_flop"
    )
    values = [i["training_compute_flop"] for i in with_compute.json()["items"]]
    assert values and None not in values
    for direction in ("", "-"):
        items = walk(
            sample_client,
            f"/v1/models?sort={direction}training_compute_flop&limit=3&fields=training_compute_flop",
        )
        flops = [i["training_compute_flop"] for i in items]
        known = [f for f in flops if f is not None]
        assert flops == known + [None] * (len(flops) - len(known))
        assert known == sorted(known, reverse=direction == "-")


@pytest.mark.parametrize(
    "sort", ["-publication_date,name", "parameters", "-training_dataset_size,-name", "name"]
)
def test_cursor_and_offset_walk_the_same_order(client: TestClient, sort: str) -> None:
    by_cursor = [i["slug"] for i in walk(client, f"/v1/models?sort={sort}&limit=37&fields=slug")]
    by_offset: list[str] = []
    for offset in range(0, 976, 100):
        by_offset += [
            i["slug"]
            for i in client.get(
                f"/v1/models?sort={sort}&limit=100&offset={offset}&fields=slug"
            ).json()["items"]
        ]
    assert len(by_cursor) == 976
    assert len(set(by_cursor)) == 976
    assert by_cursor == by_offset


def test_cursor_pages_report_their_offset_and_link_headers(client: TestClient) -> None:
    first = client.get("/v1/models?limit=10&domain=Language")
    body = first.json()
    assert 'rel="next"' in first.headers["link"]
    assert 'rel="first"' in first.headers["link"]
    second = client.get(f"/v1/models?limit=10&domain=Language&cursor={body['next_cursor']}").json()
    assert second["offset"] == 10
    assert second["total"] == body["total"]
    last = client.get(f"/v1/models?limit=10&domain=Language&offset={body['total'] - 3}")
    assert len(last.json()["items"]) == 3
    assert last.json()["next_cursor"] is None
    assert 'rel="prev"' in last.headers["link"]
    assert 'rel="next"' not in last.headers["link"]


def test_total_counts_matches(client: TestClient) -> None:
    assert client.get("/v1/models?limit=1").json()["total"] == 976
    assert client.get("/v1/models?limit=1&has=parameters").json()["total"] == 679
    assert client.get("/v1/models?limit=1&has=training_compute_flop").json()["total"] == 515


def test_detail_has_related_entities(client: TestClient) -> None:
    body = client.get("/v1/models/gpt-3-175b-davinci").json()
    assert body["name"] == "GPT-3 175B (davinci)"
    assert body["organizations"] == ["OpenAI"]
    assert body["domains"] == ["Language"]
    assert body["countries"] == ["United States of America"]
    assert body["parameters"] == 174600000000.0
    assert body["training_compute_flop"] == 3.14e23
    assert body["publication_date"] == "2020-05-28"
    assert body["frontier"] is True
    assert body["source_line"] > 1


def test_fields_selection(sample_client: TestClient) -> None:
    body = sample_client.get("/v1/models/alexnet?fields=parameters").json()
    assert set(body) == {"slug", "parameters", "meta"}


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        ("bogus=1", 400, "bogus"),
        ("sort=paramters", 400, "sort"),
        ("sort=name,name", 400, "sort"),
        ("fields=name,nope", 400, "fields"),
        ("has=nope", 400, "has"),
        ("min_parameters=10&max_parameters=1", 400, "min_parameters"),
        ("start=2020-01-01&end=2019-01-01", 400, "start"),
        ("cursor=garbage", 400, "cursor"),
        ("cursor=eyJrIjpbMV19", 400, "cursor"),
        ("limit=0", 422, "limit"),
        ("limit=100000", 422, "limit"),
        ("limit=ten", 422, "limit"),
        ("offset=-1", 422, "offset"),
        ("start=2020-13-01", 422, "start"),
        ("min_parameters=abc", 422, "min_parameters"),
        ("frontier=maybe", 400, "frontier"),
    ],
)
def test_bad_input_is_a_problem(
    client: TestClient, query: str, status: int, parameter: str
) -> None:
    response = client.get(f"/v1/models?{query}")
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert parameter in body["detail"]
    assert body["errors"][0]["loc"][:2] == ["query", parameter]
    assert "Traceback" not in response.text


def test_cursor_from_another_query_is_refused(client: TestClient) -> None:
    cursor = client.get("/v1/models?limit=5").json()["next_cursor"]
    response = client.get(f"/v1/models?limit=5&sort=name&cursor={cursor}")
    assert response.status_code == 400
    assert "another sort or filter" in response.json()["detail"]
    both = client.get(f"/v1/models?limit=5&offset=5&cursor={cursor}")
    assert both.status_code == 400


def test_unknown_slug_and_path(client: TestClient) -> None:
    for url in ("/v1/models/no-such-model", "/v1/nothing"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["instance"] == url


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_refused(client: TestClient, method: str) -> None:
    response = client.request(method, "/v1/models")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM


def test_facets(sample_client: TestClient) -> None:
    body = sample_client.get(
        "/v1/models/facets?facet=country&facet=year&facet=frontier&start=2020-01-01"
    ).json()
    assert body["total"] == 5
    assert body["facets"]["country"] == [
        {"value": "United States of America", "count": 4},
        {"value": "Germany", "count": 1},
        {"value": "Korea (Republic of)", "count": 1},
    ]
    assert body["facets"]["year"] == [
        {"value": "2022", "count": 2},
        {"value": "2020", "count": 1},
        {"value": "2021", "count": 1},
        {"value": "2025", "count": 1},
    ]
    assert body["facets"]["frontier"] == [
        {"value": "false", "count": 4},
        {"value": "true", "count": 1},
    ]


def test_facets_agree_with_list_totals(client: TestClient) -> None:
    body = client.get("/v1/models/facets?facet=domain&start=2020-01-01").json()
    for entry in body["facets"]["domain"][:5]:
        total = client.get(f"/v1/models?domain={entry['value']}&start=2020-01-01&limit=1").json()[
            "total"
        ]
        assert total == entry["count"]


def test_unknown_facet(client: TestClient) -> None:
    response = client.get("/v1/models/facets?facet=colour")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"][:2] == ["query", "facet"]


def test_fixed_value_sets_are_enums_that_cover_the_data(client: TestClient) -> None:
    from api.resources.models.service import FACETS, HAS_FIELDS

    document = client.get("/openapi.json").json()
    params = {p["name"]: p["schema"] for p in document["paths"]["/v1/models"]["get"]["parameters"]}
    facet_params = document["paths"]["/v1/models/facets"]["get"]["parameters"]
    enums = {
        name: params[name]["items"]["enum"] for name in ("has", "confidence", "model_accessibility")
    }
    enums["facet"] = next(p for p in facet_params if p["name"] == "facet")["schema"]["items"][
        "enum"
    ]
    assert set(enums["has"]) == HAS_FIELDS and enums["facet"] == list(FACETS)
    facets = client.get("/v1/models/facets?facet=confidence&facet=model_accessibility").json()
    for name in ("confidence", "model_accessibility"):
        values = {v["value"] for v in facets["facets"][name] if v["value"] is not None}
        assert values and values <= set(enums[name]), name
        # Any case is still accepted, and selects the same models.
        value = sorted(values)[0]
        exact = client.get("/v1/models", params={name: value, "limit": 1}).json()["total"]
        folded = client.get("/v1/models", params={name: value.upper(), "limit": 1}).json()
        assert folded["total"] == exact > 0
