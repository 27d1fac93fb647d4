"""``/v1/trends/{metric}/...`` and ``/v1/stats/summary`` over HTTP, on both backends."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy import stats

from api.trends.schemas import (
    BreakpointResponse,
    CompareResponse,
    ErasResponse,
    RecordsResponse,
    SummaryResponse,
    TrendResponse,
    YearlyResponse,
)
from api.trends.stats.dates import decimal_year

PROBLEM = "application/problem+json"
FIELDS = {
    "parameters": "parameters",
    "training_compute": "training_compute_flop",
    "training_dataset_size": "training_dataset_size",
    "training_compute_cost": "training_compute_cost_2023_usd",
}
ENDPOINTS = ["", "/eras", "/compare?split=2018-01-01", "/breakpoint", "/records", "/yearly"]


def models(client: TestClient, query: str) -> list[dict[str, Any]]:
    """Every model of ``/v1/models?{query}``, following cursors."""
    items: list[dict[str, Any]] = []
    url = f"/v1/models?limit=500&{query}"
    next_url: str | None = url
    while next_url:
        body = client.get(next_url).json()
        items += body["items"]
        next_url = f"{url}&cursor={body['next_cursor']}" if body["next_cursor"] else None
    return items


def models_total(client: TestClient, query: str) -> int:
    response = client.get(f"/v1/models?limit=1&{query}")
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def ok(client: TestClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def problem(client: TestClient, url: str, status: int) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


# --------------------------------------------------------------------------------------------
# one fit


def test_fit_echoes_what_produced_it(client: TestClient) -> None:
    body = ok(
        client,
        "/v1/trends/parameters?start=2012-01-01&end=2024-01-01&domain=Language&ci=0.9"
        "&min_confidence=Likely",
    )
    TrendResponse.model_validate(body)
    assert body["metric"] == "parameters"
    assert body["unit"] == "parameters (count)"
    assert body["method"].startswith("OLS of log10(value) on decimal year; t-based intervals")
    assert body["ci"] == 0.9
    assert body["filters"] == {
        "domain": ["Language"],
        "confidence": ["Likely", "Confident"],
        "start": "2012-01-01",
        "end": "2024-01-01",
        "min_confidence": "Likely",
    }
    window = body["window"]
    assert (window["start"], window["end"]) == ("2012-01-01", "2024-01-01")
    assert "2012-01-01" <= window["first_publication_date"] <= window["last_publication_date"]
    assert window["last_publication_date"] < "2024-01-01"
    assert body["fitted_line"]["start"]["date"] == "2012-01-01"
    assert body["fitted_line"]["end"]["date"] == "2024-01-01"
    ready = client.get("/ready").json()
    assert body["meta"]["data_version"] == ready["data_version"]
    assert body["meta"]["license"] == "CC BY 4.0"
    # the window spans several eras: the warning says so and links the per-era fit
    (warning,) = body["warnings"]
    assert "spans 3 eras" in warning
    assert "/v1/trends/parameters/eras?start=2012-01-01&end=2024-01-01&domain=Language" in warning

    query = "start=2012-01-01&end=2024-01-01&domain=Language&confidence=Likely&confidence=Confident"
    assert body["n"] + sum(body["excluded"].values()) == models_total(client, query)
    assert body["n"] == models_total(client, f"{query}&has=parameters")


@pytest.mark.parametrize("metric", list(FIELDS))
def test_fit_counts_and_slope_match_the_models_list(client: TestClient, metric: str) -> None:
    field = FIELDS[metric]
    body = ok(client, f"/v1/trends/{metric}?start=2010-01-01")
    TrendResponse.model_validate(body)
    assert body["n"] + sum(body["excluded"].values()) == models_total(client, "start=2010-01-01")

    rows = models(client, f"start=2010-01-01&has={field}&fields=publication_date,{field}")
    points = [(r["publication_date"], r[field]) for r in rows if r[field] > 0]
    assert body["n"] == len(points)
    assert body["excluded"]["non_positive"] == len(rows) - len(points)
    x = np.array([decimal_year(dt.date.fromisoformat(d)) for d, _ in points])
    y = np.log10([v for _, v in points])
    slope, intercept = np.polyfit(x, y, 1)
    assert body["slope_oom_per_year"] == pytest.approx(slope, rel=1e-9)
    assert body["intercept_log10"] == pytest.approx(intercept + slope * 2000.0, abs=1e-8)
    assert body["growth_per_year"] == pytest.approx(10**slope, rel=1e-9)
    assert body["doubling_time_months"] == pytest.approx(12 * math.log10(2) / slope, rel=1e-9)
    reference = stats.linregress(x, y)
    assert body["r_squared"] == pytest.approx(reference.rvalue**2, rel=1e-9)
    q = stats.t.ppf(0.975, len(points) - 2)
    low, high = body["slope_oom_per_year_ci"]
    assert low == pytest.approx(slope - q * reference.stderr, rel=1e-9)
    assert high == pytest.approx(slope + q * reference.stderr, rel=1e-9)
    assert body["growth_per_year_ci"] == pytest.approx([10**low, 10**high], rel=1e-9)
    doubling = [12 * math.log10(2) / high, 12 * math.log10(2) / low]
    assert body["doubling_time_months_ci"] == pytest.approx(doubling, rel=1e-9)
    start = body["fitted_line"]["start"]
    assert start["date"] == "2010-01-01"
    assert start["log10_value"] == pytest.approx(intercept + slope * 2010.0, abs=1e-8)
    assert start["value"] == pytest.approx(10 ** start["log10_value"], rel=1e-9)
    assert body["fitted_line"]["end"]["date"] == body["window"]["last_publication_date"]


def test_sample_fit_uses_exactly_the_window(sample_client: TestClient) -> None:
    body = ok(sample_client, "/v1/trends/parameters?start=2017-01-01&end=2021-01-01")
    assert body["n"] == 3  # Transformer, GPT-2, GPT-3
    assert body["excluded"] == {"no_value": 0, "non_positive": 0, "no_date": 0}
    assert body["window"] == {
        "start": "2017-01-01",
        "end": "2021-01-01",
        "first_publication_date": "2017-06-12",
        "last_publication_date": "2020-05-28",
    }
    dates = ["2017-06-12", "2019-02-14", "2020-05-28"]
    x = [decimal_year(dt.date.fromisoformat(d)) for d in dates]
    slope, _ = np.polyfit(x, np.log10([213e6, 1.5e9, 174.6e9]), 1)
    assert body["slope_oom_per_year"] == pytest.approx(slope, rel=1e-9)


def test_dataset_size_warns_when_domains_are_pooled(sample_client: TestClient) -> None:
    pooled = ok(sample_client, "/v1/trends/training_dataset_size")
    assert pooled["unit"] == "datapoints (Epoch 'gradients'; unit depends on domain)"
    (warning,) = pooled["warnings"]
    assert "units differ" in warning
    assert "Image generation, Language, Other, Vision" in warning
    language = ok(sample_client, "/v1/trends/training_dataset_size?domain=Language")
    assert language["warnings"] == []
    assert language["filters"] == {"domain": ["Language"]}


def test_declining_trend_has_null_doubling_time_with_a_note(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/trends/training_compute_cost?start=2020-01-01")
    assert response.status_code == 200
    assert "NaN" not in response.text
    assert "Infinity" not in response.text
    body = response.json()
    assert body["unit"] == "2023 USD"
    assert body["n"] == 3  # GPT-3, EfficientNetV2-XL, Stable Diffusion
    assert body["slope_oom_per_year"] < 0
    assert body["doubling_time_months"] is None
    assert "negative" in body["doubling_time_note"]
    assert body["doubling_time_months_ci"][1] is None


# --------------------------------------------------------------------------------------------
# degenerate input and validation


@pytest.mark.parametrize(
    ("query", "n"),
    [
        ("start=2023-01-01&end=2025-01-01", 0),  # no model in the window
        ("start=2019-01-01&end=2021-01-01", 2),  # GPT-2 and GPT-3
    ],
)
def test_too_few_points_is_a_422_naming_reason_and_n(
    sample_client: TestClient, query: str, n: int
) -> None:
    body = problem(sample_client, f"/v1/trends/parameters?{query}", 422)
    assert "too_few_points" in body["detail"]
    assert f"n={n}" in body["detail"]
    assert body["errors"][0]["type"] == "too_few_points"


def test_one_distinct_date_is_a_422(client: TestClient) -> None:
    rows = models(client, "has=parameters&fields=publication_date")
    per_day = Counter(r["publication_date"] for r in rows)
    day, count = per_day.most_common(1)[0]
    assert count >= 3, "the data should have a day with several models"
    following = dt.date.fromisoformat(day) + dt.timedelta(days=1)
    body = problem(client, f"/v1/trends/parameters?start={day}&end={following}", 422)
    assert "single_distinct_date" in body["detail"]
    assert f"n={count}" in body["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("ci", ["1.5", "0", "1", "-0.2", "abc"])
def test_ci_must_be_between_0_and_1(sample_client: TestClient, endpoint: str, ci: str) -> None:
    sep = "&" if "?" in endpoint else "?"
    body = problem(sample_client, f"/v1/trends/parameters{endpoint}{sep}ci={ci}", 422)
    assert body["errors"][0]["loc"] == ["query", "ci"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unknown_metric_is_a_404_with_the_closest(sample_client: TestClient, endpoint: str) -> None:
    body = problem(sample_client, f"/v1/trends/paramters{endpoint}", 404)
    assert body["errors"][0]["loc"] == ["path", "metric"]
    assert body["errors"][0]["suggestions"] == ["parameters"]


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ("start=2020-01-01&end=2020-01-01", 400, "start"),
        ("start=2020-13-01", 422, "start"),
        ("min_confidence=Certain", 400, "min_confidence"),
        ("frontier=maybe", 400, "frontier"),
        ("q=gpt", 400, "q"),  # trends take only their own filters
        ("min_parameters=1", 400, "min_parameters"),
    ],
)
def test_bad_parameters(sample_client: TestClient, query: str, status: int, name: str) -> None:
    body = problem(sample_client, f"/v1/trends/parameters?{query}", status)
    assert body["errors"][0]["loc"] == ["query", name]


# --------------------------------------------------------------------------------------------
# eras


def test_sample_eras_fit_where_data_allow(sample_client: TestClient) -> None:
    body = ok(sample_client, "/v1/trends/parameters/eras")
    ErasResponse.model_validate(body)
    assert body["eras_source"] == "era_table"
    by_slug = {item["slug"]: item for item in body["items"]}
    eras = sample_client.get("/v1/eras").json()["items"]
    assert list(by_slug) == [era["slug"] for era in eras]
    for era in eras:
        item = by_slug[era["slug"]]
        assert (item["start_date"], item["end_date"]) == (era["start_date"], era["end_date"])
        assert item["n"] + sum(item["excluded"].values()) == era["model_count"]
    pre = by_slug["pre-deep-learning"]
    assert (pre["n"], pre["fit"], pre["reason"]) == (2, None, "too_few_points")
    assert "n=2" in pre["detail"]
    assert by_slug["deep-learning"]["n"] == 1
    assert by_slug["deep-learning"]["fit"] is None
    large = by_slug["large-scale"]
    assert large["n"] == 4
    assert large["fit"]["window"] == {
        "start": "2015-10-01",
        "end": "2022-01-01",
        "first_publication_date": "2017-06-12",
        "last_publication_date": "2021-06-23",
    }
    assert by_slug["generative-ai"]["fit"]["n"] == 3
    assert by_slug["generative-ai"]["end_date"] is None


def test_eras_cover_the_fit_and_respect_the_window(client: TestClient) -> None:
    whole = ok(client, "/v1/trends/training_compute")
    body = ok(client, "/v1/trends/training_compute/eras")
    assert body["eras_source"] == "era_table"
    assert sum(item["n"] for item in body["items"]) == whole["n"]
    for earlier, later in itertools.pairwise(body["items"]):
        assert earlier["end_date"] == later["start_date"]
    for item in body["items"]:
        fit = item["fit"]
        assert (fit is None) == (item["reason"] is not None)
        if fit is not None:
            assert fit["n"] == item["n"]
            assert fit["slope_oom_per_year_ci"][0] <= fit["slope_oom_per_year"]

    clipped = ok(client, "/v1/trends/training_compute/eras?start=2016-01-01&frontier=false")
    assert clipped["filters"] == {"start": "2016-01-01", "frontier": False}
    first = clipped["items"][0]
    assert (first["n"], first["reason"]) == (0, "outside_window")
    fitted = [item for item in clipped["items"] if item["fit"]]
    assert fitted
    assert all(item["fit"]["window"]["start"] >= "2016-01-01" for item in fitted)


# --------------------------------------------------------------------------------------------
# compare


def test_compare_answers_the_ten_times_question(client: TestClient) -> None:
    body = ok(client, "/v1/trends/parameters/compare?split=2018-01-01")
    CompareResponse.model_validate(body)
    before, after = body["before"], body["after"]
    assert before["window"]["end"] == "2018-01-01"
    assert before["window"]["last_publication_date"] < "2018-01-01"
    assert after["window"]["start"] == "2018-01-01"
    assert after["window"]["first_publication_date"] >= "2018-01-01"
    whole = ok(client, "/v1/trends/parameters")
    assert before["n"] + after["n"] == whole["n"]
    ratio = after["slope_oom_per_year"] / before["slope_oom_per_year"]
    assert body["ratio"] == pytest.approx(ratio, rel=1e-12)
    assert body["difference_oom_per_year"] == pytest.approx(
        after["slope_oom_per_year"] - before["slope_oom_per_year"], rel=1e-12
    )
    assert body["ratio_ci_shape"] == "bounded"
    low, high = body["ratio_ci"]
    assert low < body["ratio"] < high
    expected = True if low >= 10 else False if high < 10 else None
    assert body["ten_times_faster"] is expected
    assert body["answer"].startswith("From 2018-01-01 on, parameters grew")
    assert f"{body['ratio']:.2f}x as fast" in body["answer"]
    assert f"95% CI {low:.2f} to {high:.2f}" in body["answer"]


def test_compare_with_filters_and_a_degenerate_side(sample_client: TestClient) -> None:
    body = ok(sample_client, "/v1/trends/parameters/compare?split=2017-01-01&ci=0.8")
    assert (body["before"]["n"], body["after"]["n"]) == (3, 7)
    assert body["ci"] == 0.8
    assert "80% CI" in body["answer"]
    bad = problem(sample_client, "/v1/trends/parameters/compare?split=2022-04-07", 422)
    assert "from 2022-04-07 on" in bad["detail"]
    assert "n=2" in bad["detail"]  # Stable Diffusion and Solar Open
    empty = problem(
        sample_client, "/v1/trends/parameters/compare?split=2010-01-01&start=2012-01-01", 422
    )
    assert "before 2010-01-01" in empty["detail"]
    missing = problem(sample_client, "/v1/trends/parameters/compare", 422)
    assert missing["errors"][0]["loc"] == ["query", "split"]


# --------------------------------------------------------------------------------------------
# breakpoint


def test_breakpoint_for_parameters(client: TestClient) -> None:
    body = ok(client, "/v1/trends/parameters/breakpoint")
    BreakpointResponse.model_validate(body)
    before, after = body["before"], body["after"]
    brk = body["break_date"]
    assert before["window"]["last_publication_date"] < brk
    assert after["window"]["first_publication_date"] == brk
    assert before["window"]["end"] == brk == after["window"]["start"]
    assert min(before["n"], after["n"]) >= 10 == body["min_points_per_side"]
    assert before["n"] + after["n"] == body["n"] == body["single_line"]["n"]
    jump = (
        after["fitted_line"]["start"]["log10_value"] - before["fitted_line"]["end"]["log10_value"]
    )
    assert body["jump_oom"] == pytest.approx(jump, abs=1e-9)
    assert body["jump_oom_ci"][0] <= body["jump_oom"] <= body["jump_oom_ci"][1]
    assert body["sse"] <= body["sse_single_line"]
    assert 0 <= body["p_value"] <= 1
    assert "chosen" in body["p_value_note"]
    assert body["candidates_tested"] > 1
    whole = ok(client, "/v1/trends/parameters")
    assert body["single_line"]["slope_oom_per_year"] == pytest.approx(
        whole["slope_oom_per_year"], rel=1e-12
    )


def test_breakpoint_searched_around_2020(client: TestClient) -> None:
    body = ok(
        client,
        "/v1/trends/parameters/breakpoint?candidates_from=2019-01-01&candidates_to=2021-01-01"
        "&min_points_per_side=20",
    )
    assert "2019-01-01" <= body["break_date"] < "2021-01-01"
    assert (body["candidates_from"], body["candidates_to"]) == ("2019-01-01", "2021-01-01")
    assert body["min_points_per_side"] == 20
    assert min(body["before"]["n"], body["after"]["n"]) >= 20
    everything = ok(client, "/v1/trends/parameters/breakpoint")
    assert body["candidates_tested"] < everything["candidates_tested"]
    assert body["sse"] >= everything["sse"]  # a narrower search cannot fit better


def test_breakpoint_errors(sample_client: TestClient) -> None:
    small = problem(sample_client, "/v1/trends/parameters/breakpoint", 422)
    assert "found n=10" in small["detail"]
    assert "min_points_per_side=10" in small["detail"]
    ok(sample_client, "/v1/trends/parameters/breakpoint?min_points_per_side=3")
    low = problem(sample_client, "/v1/trends/parameters/breakpoint?min_points_per_side=2", 422)
    assert low["errors"][0]["loc"] == ["query", "min_points_per_side"]
    none = problem(
        sample_client,
        "/v1/trends/parameters/breakpoint?min_points_per_side=3&candidates_from=2024-01-01",
        422,
    )
    assert "no_valid_candidate" in none["detail"]
    order = problem(
        sample_client,
        "/v1/trends/parameters/breakpoint?candidates_from=2020-01-01&candidates_to=2019-01-01",
        400,
    )
    assert order["errors"][0]["loc"] == ["query", "candidates_from"]


# --------------------------------------------------------------------------------------------
# records and yearly


def test_sample_records(sample_client: TestClient) -> None:
    body = ok(sample_client, "/v1/trends/parameters/records")
    RecordsResponse.model_validate(body)
    assert [item["name"] for item in body["items"]] == [
        "Perceptron Mark I",
        "LeNet-5",
        "AlexNet",
        "Transformer",
        "GPT-2 (1.5B)",
        "GPT-3 175B (davinci)",
    ]
    first, second = body["items"][:2]
    assert (first["previous_record_value"], first["ratio_over_previous"]) == (None, None)
    assert second["previous_record_value"] == 1000.0
    assert second["ratio_over_previous"] == pytest.approx(60.0)


@pytest.mark.parametrize("metric", list(FIELDS))
def test_records_strictly_increase(client: TestClient, metric: str) -> None:
    body = ok(client, f"/v1/trends/{metric}/records")
    items = body["items"]
    assert items
    assert items[0]["previous_record_value"] is None
    for earlier, later in itertools.pairwise(items):
        assert later["value"] > earlier["value"]
        assert later["publication_date"] >= earlier["publication_date"]
        assert later["previous_record_value"] == earlier["value"]
        assert later["ratio_over_previous"] == pytest.approx(later["value"] / earlier["value"])
    top = client.get(f"/v1/models?sort=-{FIELDS[metric]}&limit=1").json()["items"][0]
    assert items[-1]["value"] == top[FIELDS[metric]]


def test_sample_yearly(sample_client: TestClient) -> None:
    body = ok(sample_client, "/v1/trends/parameters/yearly")
    YearlyResponse.model_validate(body)
    years = {item["year"]: item for item in body["items"]}
    assert list(years) == [1957, 1998, 2012, 2017, 2019, 2020, 2021, 2022, 2025]
    assert years[2022] == {
        "year": 2022,
        "count": 2,
        "min": 1.45e9,
        "median": pytest.approx(2.475e9),
        "p90": pytest.approx(1.45e9 + 0.9 * (3.5e9 - 1.45e9)),
        "max": 3.5e9,
        "geometric_mean": pytest.approx(math.sqrt(1.45e9 * 3.5e9)),
    }


@pytest.mark.parametrize("metric", list(FIELDS))
def test_yearly_counts_sum_to_the_models_with_a_value(client: TestClient, metric: str) -> None:
    body = ok(client, f"/v1/trends/{metric}/yearly?start=2000-01-01&frontier=false")
    query = f"start=2000-01-01&frontier=false&fields=publication_date,{FIELDS[metric]}"
    rows = [r for r in models(client, f"{query}&has={FIELDS[metric]}") if r[FIELDS[metric]] > 0]
    assert sum(item["count"] for item in body["items"]) == body["n"] == len(rows)
    per_year = Counter(int(r["publication_date"][:4]) for r in rows)
    assert {item["year"]: item["count"] for item in body["items"]} == per_year
    for item in body["items"]:
        assert item["min"] <= item["median"] <= item["p90"] <= item["max"]
        assert item["min"] <= item["geometric_mean"] <= item["max"]


# --------------------------------------------------------------------------------------------
# summary and contract


def test_summary(client: TestClient) -> None:
    body = ok(client, "/v1/stats/summary")
    SummaryResponse.model_validate(body)
    total = models_total(client, "")
    assert body["counts"]["models"] == total
    facets = client.get("/v1/models/facets?facet=domain&facet=organization").json()["facets"]
    assert body["counts"]["domains"] == len([f for f in facets["domain"] if f["value"]])
    assert body["counts"]["organizations"] == len([f for f in facets["organization"] if f["value"]])
    for coverage in body["coverage"]:
        if coverage["metric"] == "tokens_per_parameter":  # derived: Language models with both
            rows = models(
                client, "domain=Language&has=parameters&has=training_dataset_size&fields=parameters"
            )
            count = sum(1 for r in rows if r["parameters"] > 0)
        else:
            count = models_total(client, f"has={coverage['field']}")
        assert coverage["count"] == count
        assert coverage["share"] == pytest.approx(count / total)
    for key, field in [
        ("largest_model", "parameters"),
        ("largest_dataset", "training_dataset_size"),
        ("largest_training_run", "training_compute_flop"),
    ]:
        top = client.get(f"/v1/models?sort=-{field}&limit=1").json()["items"][0]
        assert (body[key]["slug"], body[key]["value"]) == (top["slug"], top[field])
    assert body["growth_since"] == "2010-01-01"
    assert [g["metric"] for g in body["growth"]] == [*FIELDS, "tokens_per_parameter"]
    for growth in body["growth"]:
        fit = ok(client, f"/v1/trends/{growth['metric']}?start=2010-01-01")
        assert growth["n"] == fit["n"] == growth["fit"]["n"]
        assert growth["fit"]["slope_oom_per_year"] == fit["slope_oom_per_year"]
        assert growth["fit"]["growth_per_year_ci"] == fit["growth_per_year_ci"]
        # the fit adds the warning about spanning eras or a break
        assert set(growth["warnings"]) <= set(fit["warnings"])


def test_openapi_declares_the_trend_operations(sample_client: TestClient) -> None:
    spec = sample_client.get("/openapi.json").json()
    expected = {
        "/v1/trends/{metric}": "get_trend",
        "/v1/trends/{metric}/eras": "get_trend_by_era",
        "/v1/trends/{metric}/compare": "compare_trend",
        "/v1/trends/{metric}/breakpoint": "get_trend_breakpoint",
        "/v1/trends/{metric}/records": "list_trend_records",
        "/v1/trends/{metric}/yearly": "list_trend_yearly",
        "/v1/stats/summary": "get_stats_summary",
    }
    for path, operation_id in expected.items():
        operation = spec["paths"][path]["get"]
        assert operation["operationId"] == operation_id
        assert operation["summary"]
        assert operation["description"]
        assert "200" in operation["responses"]
        assert "503" in operation["responses"]


def test_yearly_csv_has_one_row_per_year(client: TestClient) -> None:
    import csv
    import io

    body = client.get("/v1/trends/parameters/yearly?start=2010-01-01").json()
    response = client.get("/v1/trends/parameters/yearly.csv?start=2010-01-01")
    assert response.status_code == 200
    assert 'filename="parameters-yearly.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(row["year"]) for row in rows] == [item["year"] for item in body["items"]]
    assert [float(row["median"]) for row in rows] == [item["median"] for item in body["items"]]


def test_yearly_ndjson_is_the_items_then_the_meta(client: TestClient) -> None:
    import json

    body = client.get("/v1/trends/training_compute/yearly?domain=Language").json()
    response = client.get("/v1/trends/training_compute/yearly.ndjson?domain=Language")
    assert response.headers["content-type"].startswith("application/x-ndjson")
    *items, last = [json.loads(line) for line in response.text.splitlines()]
    assert items == body["items"]
    assert last == {"meta": {**body["meta"], "total": len(items)}}
    redirect = client.get(
        "/v1/trends/training_compute/yearly?domain=Language&format=ndjson", follow_redirects=False
    )
    assert redirect.status_code == 308
    assert redirect.headers["location"].endswith("/yearly.ndjson?domain=Language")
