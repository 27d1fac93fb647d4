"""The vectorised bootstrap against a plain loop over the same resamples."""

from __future__ import annotations

import numpy as np
import pytest

from api.trends.stats.bootstrap import BLOCK, bootstrap_fit, resample_lines
from api.trends.stats.fit import fit_loglinear
from tests.trends.stats.support import noisy_line


def sample(n: int = 300, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(2010.0, 2024.0, n))
    return x, noisy_line(rng, x, 0.5, 7.0, 0.6)


def test_resampled_slopes_equal_a_loop_of_polyfits() -> None:
    x, v = sample(n=40)
    y = np.log10(v)
    boot = BLOCK + 17  # two blocks
    slopes, levels = resample_lines(x, y, boot, seed=11)
    rng = np.random.default_rng(11)
    expected_slopes, expected_levels = [], []
    done = 0
    while done < boot:
        rows = min(BLOCK, boot - done)
        for idx in rng.integers(0, x.size, size=(rows, x.size)):
            slope, intercept = np.polyfit(x[idx], y[idx], 1)
            expected_slopes.append(slope)
            expected_levels.append(intercept + slope * x.mean())
        done += rows
    np.testing.assert_allclose(slopes, expected_slopes, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(levels, expected_levels, rtol=1e-9)


def test_percentile_intervals_and_mapped_limits() -> None:
    x, v = sample()
    fit = fit_loglinear(x, v, 0.9)
    boot = bootstrap_fit(fit, x, np.log10(v), 2000, seed=0)
    slopes, _ = resample_lines(x, np.log10(v), 2000, seed=0)
    low, high = np.quantile(slopes, [0.05, 0.95])
    assert boot.slope_ci.low == pytest.approx(low)
    assert boot.slope_ci.high == pytest.approx(high)
    assert boot.growth_per_year_ci.low == pytest.approx(10**low)
    assert boot.doubling_time_ci.high == pytest.approx(12 * np.log10(2) / low)
    assert boot.slope_oom_per_year == fit.slope_oom_per_year  # the estimate stays OLS
    assert boot.interval_method == "bootstrap"
    # homoscedastic normal errors: the bootstrap agrees with the t interval to within ~15%
    t_width = fit.slope_ci.high - fit.slope_ci.low  # type: ignore[operator]
    assert high - low == pytest.approx(t_width, rel=0.15)
    # the line's interval is the percentile of the resampled lines
    line = boot.predict_ci(2020.0)
    assert line.low is not None and line.high is not None
    assert line.low < fit.predict(2020.0) < line.high


def test_same_seed_same_answer_other_seed_other_draws() -> None:
    x, v = sample(n=50)
    y = np.log10(v)
    a = bootstrap_fit(fit_loglinear(x, v), x, y, 500, seed=1)
    b = bootstrap_fit(fit_loglinear(x, v), x, y, 500, seed=1)
    c = bootstrap_fit(fit_loglinear(x, v), x, y, 500, seed=2)
    assert a.slope_ci == b.slope_ci
    assert a.slope_ci != c.slope_ci


def test_resamples_with_one_date_are_dropped() -> None:
    x = np.array([2000.0, 2000.0, 2000.0, 2001.0])
    y = np.array([1.0, 1.1, 0.9, 2.0])
    slopes, levels = resample_lines(x, y, 400, seed=3)
    assert 0 < slopes.size < 400
    assert slopes.size == levels.size
    assert np.all(np.isfinite(slopes))
