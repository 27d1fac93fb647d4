"""``/v1/charts``: the catalogue, the specs (valid Vega-Lite, the same models as
``/v1/models``, the same fits as ``/v1/trends``), the renderings and the refusals."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from api.charts.catalogue import CHARTS
from api.trends.stats.dates import decimal_year

SCHEMA = json.loads((Path(__file__).parent / "vega-lite-6.4.1.schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
SPEC_TYPE = "application/vnd.vegalite.v6+json"
FILTERS = "domain=Language&start=2015-01-01&min_confidence=Likely"
MODEL_FILTERS = "domain=Language&start=2015-01-01&confidence=Likely&confidence=Confident"


def _spec(client: TestClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == SPEC_TYPE
    spec: dict[str, Any] = response.json()
    return spec


def _ndjson(client: TestClient, url: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in client.get(url).text.splitlines()]
    return [line for line in lines if "meta" not in line]


def test_catalogue_lists_every_chart_with_its_links(client: TestClient) -> None:
    body = client.get("/v1/charts").json()
    assert [c["name"] for c in body["charts"]] == list(CHARTS)
    scatter = body["charts"][0]
    assert scatter["links"] == {
        "spec": "/v1/charts/parameters",
        "svg": "/v1/charts/parameters.svg",
        "png": "/v1/charts/parameters.png",
        "embed": "/embed/parameters",
    }
    assert {"start", "domain", "min_confidence", "fit", "theme", "width"} <= set(
        scatter["parameters"]
    )
    timeline = next(c for c in body["charts"] if c["name"] == "timeline")
    assert timeline["parameters"] == ["start", "end", "width", "height", "theme"]
    assert "Epoch AI" in body["meta"]["attribution"]


@pytest.mark.parametrize(
    "query",
    ["", "?theme=dark&width=400&height=300", "?fit=window&domain=Language", "?fit=none"],
)
@pytest.mark.parametrize("chart", list(CHARTS))
def test_every_spec_is_valid_vega_lite(client: TestClient, chart: str, query: str) -> None:
    if chart == "timeline" and ("fit" in query or "domain" in query):
        query = ""
    if chart in ("yearly", "compare") and "fit" in query:
        query = "?metric=training_compute&domain=Language"
    spec = _spec(client, f"/v1/charts/{chart}{query}")
    errors = sorted(VALIDATOR.iter_errors(spec), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:3]]
    meta = client.get("/v1/meta").json()["meta"]
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Epoch AI" in subtitle and "CC BY 4.0" in subtitle
    assert f"Data version {meta['data_version']}" in subtitle
    assert spec["usermeta"]["meta"] == meta


@pytest.mark.parametrize(("chart_query", "model_query"), [("", ""), (FILTERS, MODEL_FILTERS)])
def test_points_are_the_models_of_v1_models(
    client: TestClient, chart_query: str, model_query: str
) -> None:
    spec = _spec(client, f"/v1/charts/training_compute?{chart_query}")
    models = _ndjson(
        client,
        f"/v1/models.ndjson?{model_query}&has=training_compute_flop"
        "&sort=publication_date,name&fields=training_compute_flop",
    )
    expected = [m["slug"] for m in models if m["training_compute_flop"] > 0]
    assert [p["slug"] for p in spec["datasets"]["points"]] == expected
    assert len(expected) > 10


def _log10_on(fit: dict[str, Any], date: str) -> float:
    x = decimal_year(__import__("datetime").date.fromisoformat(date))
    level: float = fit["intercept_log10"] + fit["slope_oom_per_year"] * (x - fit["intercept_year"])
    return level


@pytest.mark.parametrize("query", ["", FILTERS])
def test_lines_are_the_fits_of_v1_trends(client: TestClient, query: str) -> None:
    spec = _spec(client, f"/v1/charts/parameters?{query}")
    eras = client.get(f"/v1/trends/parameters/eras?{query}").json()["items"]
    fitted = [era for era in eras if era["fit"] is not None]
    samples = spec["datasets"]["fits"]
    assert [e["name"] for e in fitted] == list(dict.fromkeys(s["fit"] for s in samples))
    for era in fitted:
        mine = [s for s in samples if s["fit"] == era["name"]]
        assert len(mine) >= 2
        for sample in mine:
            assert math.log10(sample["value"]) == pytest.approx(
                _log10_on(era["fit"], sample["date"]), abs=1e-9
            )
            assert sample["low"] < sample["value"] < sample["high"]
        end = era["fit"]["fitted_line"]["end"]
        if mine[-1]["date"] == end["date"]:
            low, high = end["log10_value_ci"]
            assert math.log10(mine[-1]["low"]) == pytest.approx(low, abs=1e-9)
            assert math.log10(mine[-1]["high"]) == pytest.approx(high, abs=1e-9)
    records = client.get(f"/v1/trends/parameters/records?{query}").json()["items"]
    drawn = spec["datasets"]["records"]
    assert [(r["date"], r["value"]) for r in drawn] == [
        (r["publication_date"], r["value"]) for r in records
    ]


def test_window_fit_is_the_fit_of_v1_trends(client: TestClient) -> None:
    spec = _spec(client, "/v1/charts/parameters?fit=window&start=2012-01-01")
    fit = client.get("/v1/trends/parameters?start=2012-01-01").json()
    samples = spec["datasets"]["fits"]
    assert {s["fit"] for s in samples} == {"All models"}
    for sample in samples:
        assert math.log10(sample["value"]) == pytest.approx(
            _log10_on(fit, sample["date"]), abs=1e-9
        )
    assert _spec(client, "/v1/charts/parameters?fit=none")["datasets"]["fits"] == []


def test_compare_and_yearly_draw_the_trend_answers(client: TestClient) -> None:
    spec = _spec(client, "/v1/charts/compare?metric=training_compute&split=2016-01-01")
    answer = client.get("/v1/trends/training_compute/compare?split=2016-01-01").json()
    lines = spec["datasets"]["lines"]
    for side in ("before", "after"):
        ends = answer[side]["fitted_line"]
        assert [(p["date"], p["value"]) for p in lines if p["side"] == side] == [
            (ends["start"]["date"], ends["start"]["value"]),
            (ends["end"]["date"], ends["end"]["value"]),
        ]
    yearly = _spec(client, "/v1/charts/yearly?metric=training_dataset_size")
    items = client.get("/v1/trends/training_dataset_size/yearly").json()["items"]
    assert [(r["year"], r["median"]) for r in yearly["data"]["values"]] == [
        (i["year"], i["median"]) for i in items
    ]


def test_timeline_draws_the_milestones(client: TestClient) -> None:
    spec = _spec(client, "/v1/charts/timeline?start=2012-01-01")
    milestones = _ndjson(client, "/v1/milestones.ndjson?start=2012-01-01&fields=title")
    assert [m["title"] for m in spec["datasets"]["milestones"]] == [m["title"] for m in milestones]


def test_svg_and_png_carry_the_attribution_and_version(client: TestClient) -> None:
    version = client.get("/v1/meta").json()["meta"]["data_version"]
    svg = client.get("/v1/charts/parameters.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.startswith("<svg") and "Epoch AI" in svg.text
    assert f"Data version {version}" in svg.text
    png = client.get("/v1/charts/timeline.png?width=400&height=200")
    assert png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png.content[16:24])
    assert width > 400 and height > 200  # the plot's size, plus title and axes


def test_renderings_are_cached_and_revalidated(client: TestClient) -> None:
    url = "/v1/charts/training_dataset_size.svg?theme=dark"
    first = client.get(url)
    version = first.headers["x-data-version"]
    assert first.headers["etag"].startswith(f'"{version}-')
    again = client.get(url)
    assert again.headers["x-cache"] == "HIT" and again.content == first.content
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    other = client.get("/v1/charts/training_dataset_size.svg?theme=light")
    assert other.headers["etag"] != first.headers["etag"]


@pytest.mark.parametrize(
    ("url", "status", "where"),
    [
        ("/v1/charts/nope", 404, None),
        ("/v1/charts/nope.svg", 404, None),
        ("/v1/charts/timeline?domain=Language", 400, ["query", "domain"]),
        ("/v1/charts/parameters?split=2018-01-01", 400, ["query", "split"]),
        ("/v1/charts/parameters?metric=parameters", 400, ["query", "metric"]),
        ("/v1/charts/parameters?theme=pink", 400, None),
        ("/v1/charts/parameters.png?width=10", 422, None),
        ("/v1/charts/parameters?fit=sometimes", 400, None),
        ("/v1/charts/compare?split=20180101", 422, None),
        ("/v1/charts/parameters?start=2020-01-01&end=2010-01-01", 400, None),
    ],
)
def test_refusals_are_problems(
    client: TestClient, url: str, status: int, where: list[str] | None
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if where is not None:
        assert response.json()["errors"][0]["loc"] == where
