"""method=theil-sen and interval=bootstrap over HTTP, on both backends."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy import stats

from api.errors import InvalidParameterError
from api.trends.estimation import ESTIMATION_PARAMETERS, Estimation
from api.trends.metrics import IntervalMethod, Method, Metric
from api.trends.params import estimation
from api.trends.stats.bootstrap import resample_lines
from tests.trends.support import ok, points, problem

URL = "/v1/trends/training_compute?start=2010-01-01"


def test_theil_sen_slope_and_interval_are_scipys(client: TestClient) -> None:
    body = ok(client, f"{URL}&method=theil-sen&ci=0.9")
    x, v, _ = points(client, "training_compute_flop", "start=2010-01-01")
    expected = stats.theilslopes(np.log10(v), x, alpha=0.9)
    assert body["estimator"] == "theil-sen" and body["interval_method"] == "t"
    assert body["slope_oom_per_year"] == pytest.approx(expected.slope, rel=1e-12)
    assert body["slope_oom_per_year_ci"] == pytest.approx(
        [expected.low_slope, expected.high_slope], rel=1e-12
    )
    assert body["slope_stderr"] is None
    assert body["fitted_line"]["start"]["log10_value_ci"] == [None, None]
    assert "Theil-Sen" in body["method"]
    assert body["filters"]["method"] == "theil-sen"


def test_bootstrap_is_seeded_percentiles_of_resampled_slopes(client: TestClient) -> None:
    body = ok(client, f"{URL}&interval=bootstrap&boot=500&seed=7")
    ols = ok(client, URL)
    assert body["slope_oom_per_year"] == ols["slope_oom_per_year"]  # the estimate stays OLS
    assert body["interval_method"] == "bootstrap"
    x, v, _ = points(client, "training_compute_flop", "start=2010-01-01")
    slopes, _ = resample_lines(x, np.log10(v), 500, 7)
    low, high = np.quantile(slopes, [0.025, 0.975])
    assert body["slope_oom_per_year_ci"] == pytest.approx([low, high], rel=1e-9)
    assert body["growth_per_year_ci"] == pytest.approx([10**low, 10**high], rel=1e-9)
    assert body["doubling_time_months_ci"] == pytest.approx(
        [12 * np.log10(2) / high, 12 * np.log10(2) / low], rel=1e-9
    )
    assert body == ok(client, f"{URL}&interval=bootstrap&boot=500&seed=7")
    other = ok(client, f"{URL}&interval=bootstrap&boot=500&seed=8")
    assert other["slope_oom_per_year_ci"] != body["slope_oom_per_year_ci"]
    default = ok(client, f"{URL}&interval=bootstrap")
    assert default["filters"] == {
        "start": "2010-01-01",
        "interval": "bootstrap",
        "boot": 2000,
        "seed": 0,
    }
    assert "2000 case resamples" in default["method"]


def test_per_era_fits_take_the_estimator(client: TestClient) -> None:
    body = ok(client, "/v1/trends/parameters/eras?method=theil-sen")
    fits = [item["fit"] for item in body["items"] if item["fit"]]
    assert fits and all(f["estimator"] == "theil-sen" for f in fits)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (f"{URL}&method=theil-sen&interval=bootstrap", "interval"),
        ("/v1/trends/parameters/compare?split=2018-01-01&method=theil-sen", "method"),
        ("/v1/trends/parameters/breakpoint?interval=bootstrap", "interval"),
        ("/v1/trends/parameters/records?method=theil-sen", "method"),
        ("/v1/trends/parameters/backtest?interval=bootstrap", "interval"),
    ],
)
def test_unsupported_combinations_are_refused(client: TestClient, url: str, name: str) -> None:
    problem(client, url, 400, name)


@pytest.mark.parametrize(
    ("query", "name"),
    [("method=lasso", "method"), ("interval=jackknife", "interval"), ("boot=10", "boot")],
)
def test_fixed_sets_are_enums(client: TestClient, query: str, name: str) -> None:
    # an unknown value of a fixed set is a 400 (api.http.params); an out-of-range number a 422
    problem(client, f"{URL}&{query}", 422 if name == "boot" else 400, name)
    schema = client.get("/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/v1/trends/{metric}"]["get"]["parameters"]}
    components = schema["components"]["schemas"]
    for param, values in [
        ("method", ["ols", "theil-sen"]),
        ("interval", ["t", "bootstrap"]),
        ("metric", [m.value for m in Metric]),
    ]:
        ref = params[param]["schema"]["$ref"].rsplit("/", 1)[1]
        assert components[ref]["enum"] == values


def test_the_declared_parameters_are_the_estimations_fields() -> None:
    """The charts and the fit's links name the parameters by ESTIMATION_PARAMETERS."""
    assert tuple(inspect.signature(estimation).parameters) == ESTIMATION_PARAMETERS


def test_theil_sen_with_a_bootstrap_cannot_be_made() -> None:
    with pytest.raises(InvalidParameterError) as refused:
        Estimation(method=Method.theil_sen, interval=IntervalMethod.bootstrap)
    assert refused.value.errors[0].loc == ["query", "interval"]
