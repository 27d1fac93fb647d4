"""``/v1/trends/{metric}/backtest`` over HTTP, on both backends."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.trends.forecast_schemas import BacktestResponse
from api.trends.stats.backtest import score_origin
from tests.trends.support import ok, points, problem


def test_backtest_scores_each_origin_on_the_models(client: TestClient) -> None:
    body = ok(client, "/v1/trends/parameters/backtest?start=2005-01-01&horizon_years=2")
    BacktestResponse.model_validate(body)
    x, v, _ = points(client, "parameters", "start=2005-01-01")
    assert body["origins"][0]["origin"] == "2015-01-01"
    scored = 0
    inside = 0.0
    for item in body["origins"]:
        year = int(item["origin"][:4])
        expected = score_origin(x, np.log10(v), float(year), 2.0, 0.95)
        assert item["n_train"] == int(np.sum(x < year))
        assert item["n_test"] == int(np.sum((x >= year) & (x < year + 2)))
        assert item["median_error_oom"] == pytest.approx(expected.median_error_oom)
        if item["coverage"] is not None:
            scored += item["n_test"]
            inside += item["coverage"] * item["n_test"]
    assert body["scored_points"] == scored
    assert body["coverage"] == pytest.approx(inside / scored)
    assert 0.0 < body["coverage"] <= 1.0
    problem(client, "/v1/trends/parameters/backtest?horizon_years=4", 422, "horizon_years")
