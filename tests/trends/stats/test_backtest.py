"""Rolling-origin backtests against a direct computation, and calibration on a true line."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from api.trends.stats.backtest import backtest, score_origin
from tests.trends.stats.support import noisy_line


def test_one_origin_matches_statsmodels_prediction_intervals() -> None:
    rng = np.random.default_rng(2)
    x = np.sort(rng.uniform(2005.0, 2024.0, 200))
    y = np.log10(noisy_line(rng, x, 0.4, 6.0, 0.5))
    score = score_origin(x, y, 2018.0, 3.0, 0.9)
    train, test = x < 2018.0, (x >= 2018.0) & (x < 2021.0)
    model = sm.OLS(y[train], sm.add_constant(x[train])).fit()
    frame = model.get_prediction(sm.add_constant(x[test])).summary_frame(alpha=0.1)
    errors = y[test] - frame["mean"].to_numpy()
    inside = (y[test] >= frame["obs_ci_lower"]) & (y[test] <= frame["obs_ci_upper"])
    assert score.n_train == int(train.sum()) and score.n_test == int(test.sum())
    assert score.median_error_oom == pytest.approx(float(np.median(errors)))
    assert score.coverage == pytest.approx(float(np.mean(inside)))


def test_a_true_line_is_calibrated_and_empty_horizons_are_reported() -> None:
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(2000.0, 2024.0, 3000))
    y = np.log10(noisy_line(rng, x, 0.3, 6.0, 0.5))
    result = backtest(x, y, np.arange(2010.0, 2026.0), 3.0, 0.9)
    assert result.coverage == pytest.approx(0.9, abs=0.02)
    assert result.mean_absolute_error_oom is not None and result.mean_absolute_error_oom < 0.1
    last = result.origins[-1]
    assert last.reason == "no_models_in_horizon" and last.coverage is None
    assert result.scored_points == sum(o.n_test for o in result.origins if o.coverage is not None)
