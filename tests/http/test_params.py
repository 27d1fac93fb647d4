"""Query values follow one strict grammar per type, and closed sets one matching rule,
on every route.

Pydantic's lax parsing alone reads ``1_000`` as 1000, `` 5`` and ``+5`` as 5 and ``nan``
or ``inf`` as floats; a typo must not turn into another number. Sort keys take one
optional ``-``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from api.charts.catalogue import CHARTS
from api.charts.params import TREND_PARAMETERS
from api.http.examples import example_url
from api.trends.estimation import ESTIMATION_PARAMETERS
from tests.http.hostile import OPERATIONS, resolve

PROBLEM = "application/problem+json"


def _refused(
    client: TestClient, path: str, params: dict[str, str], status: int, param: str
) -> dict[str, object]:
    response = client.get(path, params=params) if params else client.get(path)
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
        ("/v1/models", "limit=1&limit=5", "limit"),  # the examples of issue 13
        ("/v1/models", "q=gpt&q=llama", "q"),
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


# Closed sets: every parameter whose values are an enum of the document or a boolean, on
# every route.
def _enum_params() -> list[tuple[str, dict[str, Any], str, list[str]]]:
    found = []
    for path, operation in OPERATIONS:
        if path.endswith((".csv", ".ndjson")):
            continue  # the same declarations as their list, and they stream every row
        for param in operation.get("parameters", []):
            schema = resolve(param["schema"])
            options = [resolve(o) for o in schema.get("anyOf", [schema])]
            options = [resolve(o.get("items", o)) for o in options]
            values = next((o["enum"] for o in options if "enum" in o), None)
            if any(o.get("type") == "boolean" for o in options):
                values = ["true", "false"]
            if param["in"] == "query" and values:
                found.append((path, operation, param["name"], [str(v) for v in values]))
    return found


ENUM_PARAMS = _enum_params()
by_enum_param = pytest.mark.parametrize(
    ("path", "operation", "name", "values"),
    ENUM_PARAMS,
    ids=[f"{o['operationId']}-{name}" for _, o, name, _ in ENUM_PARAMS],
)


def _chart_taking(name: str) -> str:
    """A chart of the catalogue that takes ``name`` (the charts' parameters differ)."""
    return next(
        chart.name
        for chart in CHARTS.values()
        if name in chart.takes(TREND_PARAMETERS, ESTIMATION_PARAMETERS)
    )


def _with(path: str, operation: dict[str, Any], name: str, value: str) -> str:
    if "{chart}" in path:
        path = path.replace("{chart}", _chart_taking(name))
    url = example_url(path, operation)
    declared = {p["name"] for p in operation.get("parameters", [])}
    cheap = [("limit", "1")] if "limit" in declared else []
    if "facet" in declared and name != "facet":
        cheap.append(("facet", "frontier"))
    extra = urlencode([(name, value), *cheap])
    return f"{url}{'&' if '?' in url else '?'}{extra}"


def _names_param(response: Any, name: str) -> bool:
    if response.status_code < 400:
        return False
    return any(e["loc"][-1] == name for e in response.json().get("errors", []))


def _transposed(value: str) -> str:
    """``value`` with its first two adjacent distinct letters after the first swapped (a
    typo: ``bootstrap`` is ``bootsrtap``, not itself)."""
    i = next(i for i in range(1, len(value) - 1) if value[i] != value[i + 1])
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def _scrambled(value: str) -> str:
    """``value`` as a person might type it: other case, other spaces and punctuation."""
    return " ".join(re.split(r"[^A-Za-z0-9]+", value)).strip().upper().replace(" ", "  ")


def test_closed_sets_are_found_on_every_kind_of_route() -> None:
    names = {(path, name) for path, _, name, _ in ENUM_PARAMS}
    for expected in [
        ("/v1/models", "confidence"),
        ("/v1/models", "model_accessibility"),
        ("/v1/models", "has"),
        ("/v1/models", "format"),
        ("/v1/models", "frontier"),
        ("/v1/models/facets", "facet"),
        ("/v1/milestones", "category"),
        ("/v1/timeline", "models"),
        ("/v1/timeline", "milestones"),
        ("/v1/trends/{metric}", "min_confidence"),
        ("/v1/trends/{metric}/yearly", "format"),
    ]:
        assert expected in names


@by_enum_param
def test_every_value_of_a_closed_set_matches_in_any_case_and_spacing(
    client: TestClient, path: str, operation: dict[str, Any], name: str, values: list[str]
) -> None:
    for value in values:
        written = _scrambled(value)
        response = client.get(_with(path, operation, name, written), follow_redirects=False)
        assert not _names_param(response, name), (written, response.text)


@by_enum_param
def test_a_value_outside_a_closed_set_is_a_400_with_the_closest(
    client: TestClient, path: str, operation: dict[str, Any], name: str, values: list[str]
) -> None:
    value = max(values, key=len)
    typo = _transposed(value) if len(value) >= 4 else value + "zz"
    assert typo.lower() != value.lower()
    body = _refused(client, _with(path, operation, name, typo), {}, 400, name)
    error = body["errors"][0]  # type: ignore[index]
    assert error["loc"] == ["query", name]
    assert error["type"] == "unknown_value"
    assert value in error["suggestions"]
    empty = _refused(client, _with(path, operation, name, ""), {}, 400, name)
    assert empty["errors"][0]["type"] == "empty_value"  # type: ignore[index]


@pytest.mark.parametrize(
    ("query", "suggestions"),
    [
        ("confidence=high", ["Confident", "Likely", "Speculative", "Unknown"]),
        (
            "model_accessibility=open",
            [
                "Open weights (unrestricted)",
                "Open weights (non-commercial)",
                "Open weights (restricted use)",
            ],
        ),
        ("frontier=maybe", ["true", "false"]),
        ("format=xlsx", ["json", "csv", "ndjson"]),
        ("sort=-paramters", ["parameters"]),
        ("fields=nmae", ["name"]),
        ("domian=Language", ["domain"]),
    ],
)
def test_the_issue_examples_of_fixed_sets_are_refused_with_suggestions(
    client: TestClient, query: str, suggestions: list[str]
) -> None:
    """Each was a 200 with zero rows or a 422 without a word on what was meant."""
    name = query.split("=")[0]
    body = _refused(client, f"/v1/models?{query}", {}, 400, name)
    assert body["errors"][0]["suggestions"] == suggestions  # type: ignore[index]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("format=CSV", "format"),
        ("min_confidence=likely", "min_confidence"),
        ("confidence=LIKELY", "confidence"),
        ("model_accessibility=open weights unrestricted", "model_accessibility"),
        ("frontier=TRUE", "frontier"),
        ("sort=-Parameters", "sort"),
        ("fields=Name", "fields"),
    ],
)
def test_known_values_match_in_any_case(client: TestClient, query: str, param: str) -> None:
    path = "/v1/trends/parameters" if param == "min_confidence" else "/v1/models"
    response = client.get(f"{path}?{query}", follow_redirects=False)
    assert response.status_code in (200, 308), response.text


def test_a_value_is_its_canonical_form_downstream(client: TestClient) -> None:
    """Folded values are the canonical ones: the same total, the same cursor binding."""
    canonical = client.get("/v1/models?confidence=Likely&sort=-parameters&limit=2").json()
    written = client.get("/v1/models?confidence=likely&sort=-PARAMETERS&limit=2").json()
    assert written["total"] == canonical["total"] > 0
    assert written["next_cursor"] == canonical["next_cursor"]
    assert client.get("/v1/models?format=CSV", follow_redirects=False).status_code == 308


def test_a_path_value_outside_its_closed_set_is_a_404_with_the_closest(
    client: TestClient,
) -> None:
    assert client.get("/v1/trends/Training_Compute").status_code == 200
    body = _refused(client, "/v1/trends/training-compte", {}, 404, "metric")
    assert body["errors"][0]["loc"] == ["path", "metric"]  # type: ignore[index]
    assert body["errors"][0]["suggestions"][0] == "training_compute"  # type: ignore[index]
