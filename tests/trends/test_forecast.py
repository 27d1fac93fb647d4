"""``/v1/trends/{metric}/forecast`` and ``/threshold`` over HTTP, on both backends."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import statsmodels.api as sm
from fastapi.testclient import TestClient

from api.trends.forecast_schemas import ForecastResponse, ThresholdResponse
from api.trends.stats.dates import decimal_year
from api.trends.stats.threshold import MAX_HORIZON_YEARS
from tests.trends.support import ok, points, problem

BASE = "/v1/trends/parameters/forecast?start=2010-01-01"


def test_forecast_at_a_date_matches_statsmodels(client: TestClient) -> None:
    body = ok(client, f"{BASE}&date=2030-01-01&ci=0.9")
    ForecastResponse.model_validate(body)
    x, v, _ = points(client, "parameters", "start=2010-01-01")
    model = sm.OLS(np.log10(v), sm.add_constant(x)).fit()
    year = decimal_year(dt.date(2030, 1, 1))
    frame = model.get_prediction(np.array([[1.0, year]])).summary_frame(alpha=0.1)
    assert body["question"] == "date" and body["extrapolated"] is True
    assert body["log10_value"] == pytest.approx(frame["mean"].iloc[0], rel=1e-9)
    assert body["value"] == pytest.approx(10 ** frame["mean"].iloc[0], rel=1e-8)
    low, high = frame["mean_ci_lower"].iloc[0], frame["mean_ci_upper"].iloc[0]
    assert body["mean_interval"] == pytest.approx([10**low, 10**high], rel=1e-8)
    low, high = frame["obs_ci_lower"].iloc[0], frame["obs_ci_upper"].iloc[0]
    assert body["prediction_interval"] == pytest.approx([10**low, 10**high], rel=1e-8)
    # it says it extrapolates, and includes the fit it extrapolates
    assert body["method"].startswith("This extrapolates a log-linear fit")
    fit = ok(client, "/v1/trends/parameters?start=2010-01-01&ci=0.9")
    assert body["fit"]["slope_oom_per_year"] == fit["slope_oom_per_year"]
    assert body["fit"]["n"] == fit["n"] == x.size
    assert "Extrapolating the log-linear fit" in body["answer"]


def test_value_inverts_date_and_a_fitted_date_gives_the_fitted_value(client: TestClient) -> None:
    at = ok(client, f"{BASE}&date=2031-06-01")
    back = ok(client, f"{BASE}&value={at['value']!r}")
    assert back["question"] == "value"
    assert back["date"] == "2031-06-01"
    low, high = back["date_interval"]
    assert low < "2031-06-01" < high
    assert back["slope_interval_includes_zero"] is False
    fit = ok(client, "/v1/trends/parameters?start=2010-01-01")
    start = fit["fitted_line"]["start"]
    at_start = ok(client, f"{BASE}&date={start['date']}")
    assert at_start["log10_value"] == pytest.approx(start["log10_value"], rel=1e-12)
    assert at_start["extrapolated"] is False


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ("date=2030-01-01&value=1e12", 400, "value"),
        ("", 400, "date"),
        ("value=0", 400, "value"),
        ("value=-5", 400, "value"),
        ("date=2030-13-01", 422, "date"),
        ("date=next-year", 422, "date"),
        ("value=1e12&method=theil-sen", 400, "method"),
        ("value=1e12&interval=bootstrap", 400, "interval"),
    ],
)
def test_forecast_refusals_name_the_parameter(
    client: TestClient, query: str, status: int, name: str
) -> None:
    problem(client, f"/v1/trends/parameters/forecast?{query}", status, name)


def test_threshold_counts_so_far_and_projects(client: TestClient) -> None:
    url = "/v1/trends/training_compute/threshold?start=2010-01-01&value=1e25&by=2028-12-31"
    body = ok(client, url)
    ThresholdResponse.model_validate(body)
    x, v, dates = points(client, "training_compute_flop", "start=2010-01-01")
    assert body["so_far"] == int(np.sum(v >= 1e25))
    assert body["counted_until"] == dates[-1]
    assert body["rate_models"] == int(np.sum(x > x[-1] - 3.0))
    low, high = body["projected_interval"]
    assert body["so_far"] <= low <= body["projected"] <= high
    assert body["projected"] == pytest.approx(body["so_far"] + body["expected_new"])
    assert body["fit"]["n"] == x.size
    assert "extrapolates a log-linear fit" in body["method"]
    # a later date projects at least as many
    later = ok(client, url.replace("2028-12-31", "2030-12-31"))
    assert later["projected"] > body["projected"]
    problem(client, url.replace("by=2028-12-31", f"by={dates[0]}"), 400, "by")
    problem(client, url.replace("value=1e25", "value=0"), 400, "value")


def test_a_threshold_beyond_the_horizon_is_a_400(client: TestClient) -> None:
    """by=9999-12-31 took half a minute and gigabytes of simulated futures; the horizon is
    bounded and says so."""
    url = "/v1/trends/parameters/threshold?value=1e26"
    response = client.get(f"{url}&by=9999-12-31")
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["loc"] == ["query", "by"] and f"{MAX_HORIZON_YEARS} years" in error["msg"]
    latest = client.get(f"{url}&by=2030-01-01").json()["counted_until"]
    furthest = dt.date.fromisoformat(latest).year + MAX_HORIZON_YEARS - 1
    assert client.get(f"{url}&by={furthest}-01-01").status_code == 200
