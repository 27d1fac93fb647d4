"""Query values follow one strict grammar per type, on every route.

Pydantic's lax parsing alone reads ``1_000`` as 1000, `` 5`` and ``+5`` as 5 and ``nan``
or ``inf`` as floats; a typo must not turn into another number. Sort keys take one
optional ``-``.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def _refused(
    client: TestClient, path: str, params: dict[str, str], status: int, param: str
) -> dict[str, object]:
    response = client.get(path, params=params)
    assert response.status_code == status, (path, params, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert param in response.text
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "value", ["1_000", "nan", "inf", "-inf", "+5", " 5", "5 ", "0x10", "1.", ".5", "1e", "--1"]
)
def test_a_number_outside_json_syntax_is_refused(client: TestClient, value: str) -> None:
    body = _refused(client, "/v1/models", {"min_parameters": value}, 422, "min_parameters")
    assert "float_parsing" in str(body)


@pytest.mark.parametrize("value", ["1000", "1e9", "1.5E+3", "2.5e-1", "0"])
def test_json_numbers_are_accepted(client: TestClient, value: str) -> None:
    response = client.get("/v1/models", params={"min_parameters": value, "limit": "1"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("value", ["1_0", "+5", "05", "5.0", "1e1", " 5"])
def test_an_integer_outside_json_syntax_is_refused(client: TestClient, value: str) -> None:
    body = _refused(client, "/v1/models", {"limit": value}, 422, "limit")
    assert "int_parsing" in str(body)


def test_the_grammar_holds_on_every_route(client: TestClient) -> None:
    assert client.get("/v1/trends/parameters", params={"ci": "0.9"}).status_code == 200
    _refused(client, "/v1/trends/parameters", {"ci": ".9"}, 422, "ci")
    _refused(client, "/v1/milestones", {"limit": "1_0"}, 422, "limit")
    breakpoint_path = "/v1/trends/parameters/breakpoint"
    _refused(client, breakpoint_path, {"min_points_per_side": "+5"}, 422, "min_points_per_side")


@pytest.mark.parametrize("sort", ["+-parameters", "--parameters", "-+parameters", "+parameters"])
def test_a_sort_key_takes_one_optional_minus(client: TestClient, sort: str) -> None:
    _refused(client, "/v1/models", {"sort": sort}, 400, "sort")


def test_a_minus_sorts_descending(client: TestClient) -> None:
    items = client.get("/v1/models?sort=-parameters&limit=3&fields=parameters").json()["items"]
    values = [item["parameters"] for item in items]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize(
    ("path", "query", "param"),
    [
        ("/v1/models", "limit=1&limit=2", "limit"),
        ("/v1/models", "sort=name&q=gpt&sort=slug", "sort"),
        ("/v1/models", "q=a&q=a", "q"),
        ("/v1/trends/parameters", "ci=0.9&ci=0.5", "ci"),
        ("/v1/trends/parameters/compare", "split=2018-01-01&split=2019-01-01", "split"),
        ("/v1/timeline", "milestones=true&milestones=false", "milestones"),
        ("/v1/models/gpt-3-175b-davinci", "fields=name&fields=slug", "fields"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_refused(
    client: TestClient, path: str, query: str, param: str
) -> None:
    """Which of two values was meant? Not the last one silently: a 400 naming it."""
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    error = response.json()["errors"][0]
    assert error["loc"] == ["query", param]
    assert error["type"] == "repeated"


def test_a_repeatable_parameter_may_repeat(client: TestClient) -> None:
    response = client.get("/v1/models?domain=Language&domain=Vision&limit=1")
    assert response.status_code == 200, response.text
