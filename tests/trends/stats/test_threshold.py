"""The threshold projection against a direct sum and a brute-force simulation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from api.trends.stats.fit import fit_loglinear
from api.trends.stats.threshold import project_threshold
from tests.trends.stats.support import noisy_line


def test_expected_count_is_rate_times_the_integrated_share_above() -> None:
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(2015.0, 2024.0, 300))
    v = noisy_line(rng, x, 0.5, 5.0, 0.7)
    fit = fit_loglinear(x, v, 0.9)
    target = 14.0
    p = project_threshold(fit, target, 7, 2024.0, 2027.0, 90, 3.0, seed=0)
    grid = np.linspace(2024.0, 2027.0, 30001)
    share = stats.norm.sf(target, loc=[fit.predict(t) for t in grid], scale=fit.residual_std)
    expected = 30.0 * float(np.trapezoid(share, grid))
    assert p.expected_new == pytest.approx(expected, rel=1e-3)
    assert p.projected == pytest.approx(7 + p.expected_new)
    assert p.projected_interval.low is not None and p.projected_interval.high is not None
    assert p.projected_interval.low <= p.projected <= p.projected_interval.high
    assert p.projected_interval.low >= 7


def test_no_time_left_projects_nothing_new_and_same_seed_same_answer() -> None:
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(2015.0, 2024.0, 100))
    fit = fit_loglinear(x, noisy_line(rng, x, 0.5, 5.0, 0.7), 0.9)
    a = project_threshold(fit, 30.0, 3, 2024.0, 2025.0, 30, 3.0, seed=4)
    assert a.expected_new == pytest.approx(0.0, abs=1e-9)
    assert a.projected_interval.low == a.projected_interval.high == 3
    assert a == project_threshold(fit, 30.0, 3, 2024.0, 2025.0, 30, 3.0, seed=4)
