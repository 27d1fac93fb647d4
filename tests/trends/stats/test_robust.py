"""Theil-Sen against a brute-force median of pairwise slopes and scipy's interval."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from api.trends.stats.fit import fit_loglinear
from api.trends.stats.robust import theil_sen_fit
from tests.trends.stats.support import noisy_line


def test_slope_is_the_median_of_pairwise_slopes_and_resists_outliers() -> None:
    rng = np.random.default_rng(8)
    x = np.sort(rng.uniform(2010.0, 2024.0, 60))
    v = noisy_line(rng, x, 0.4, 8.0, 0.2)
    v[::10] *= 1e6  # six wild outliers
    y = np.log10(v)
    fit = theil_sen_fit(fit_loglinear(x, v, 0.9), x, y)
    pairs = [(y[j] - y[i]) / (x[j] - x[i]) for i, j in itertools.combinations(range(x.size), 2)]
    assert fit.slope_oom_per_year == pytest.approx(float(np.median(pairs)))
    assert fit.estimator == "theil-sen"
    assert abs(fit.slope_oom_per_year - 0.4) < 0.05
    expected = stats.theilslopes(y, x, alpha=0.9)
    assert fit.slope_ci.low == pytest.approx(expected.low_slope)
    assert fit.slope_ci.high == pytest.approx(expected.high_slope)
    assert fit.growth_per_year == pytest.approx(10**fit.slope_oom_per_year)
    assert fit.doubling_time_months == pytest.approx(12 * np.log10(2) / fit.slope_oom_per_year)
    intercept = float(np.median(y) - fit.slope_oom_per_year * np.median(x))
    assert fit.predict(2015.0) == pytest.approx(intercept + fit.slope_oom_per_year * 2015.0)
    assert fit.predict_ci(2015.0).low is None  # the robust line has no interval
