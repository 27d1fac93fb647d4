"""Tests for api.trends.stats.compare (slope ratio and difference)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from api.trends.stats.compare import compare_slopes
from api.trends.stats.fit import LogLinearFit, fit_loglinear
from api.trends.stats.numeric import Interval
from tests.trends.stats.support import HYPOTHESIS, assert_all_finite, noisy_line

# --------------------------------------------------------------------------------------------
# compare_slopes


def _fit_pair(
    slope_before: float, slope_after: float, sigma: float, seed: int, n: int = 30
) -> tuple[LogLinearFit, LogLinearFit]:
    rng = np.random.default_rng(seed)
    xb = np.linspace(2000.0, 2010.0, n)
    xa = np.linspace(2010.5, 2020.0, n)
    before = fit_loglinear(xb, noisy_line(rng, xb, slope_before, 1.0, sigma))
    after = fit_loglinear(xa, noisy_line(rng, xa, slope_after, 5.0, sigma))
    return before, after


def test_compare_equal_slopes() -> None:
    rng = np.random.default_rng(11)
    noise = rng.normal(0.0, 0.2, 25)
    xb = np.linspace(2000.0, 2008.0, 25)
    before = fit_loglinear(xb, 10.0 ** (0.4 * (xb - 2000.0) + noise))
    after = fit_loglinear(xb + 10.0, 10.0 ** (0.4 * (xb - 2000.0) + 7.0 + noise))
    assert after.slope_oom_per_year == pytest.approx(before.slope_oom_per_year, rel=1e-9)

    cmp = compare_slopes(before, after, 0.95)
    assert cmp.ratio == pytest.approx(1.0, rel=1e-9)
    assert cmp.ratio_ci_shape == "bounded"
    assert cmp.ratio_ci.contains(1.0)
    assert cmp.ratio_ci.low is not None
    assert cmp.ratio_ci.high is not None
    assert cmp.ratio_ci.low < 1.0 < cmp.ratio_ci.high
    assert cmp.difference_oom_per_year == pytest.approx(0.0, abs=1e-9)
    assert cmp.difference_ci.contains(0.0)
    assert cmp.difference_dof == pytest.approx(46.0)  # equal variances: dof_a + dof_b
    assert_all_finite(cmp)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compare_known_ratio_ten(seed: int) -> None:
    before, after = _fit_pair(0.1, 1.0, sigma=0.02, seed=seed)
    cmp = compare_slopes(before, after, ci=0.95)
    assert cmp.ratio == pytest.approx(10.0, rel=0.1)
    assert cmp.ratio_ci_shape == "bounded"
    assert cmp.ratio_ci.contains(10.0)
    assert cmp.difference_oom_per_year == pytest.approx(0.9, abs=0.02)
    assert cmp.difference_ci.contains(0.9)
    assert "Fieller" in cmp.method
    assert "Welch-Satterthwaite" in cmp.method


def test_compare_exact_lines_ratio_collapses() -> None:
    before, after = _fit_pair(0.1, 1.0, sigma=0.0, seed=0)
    cmp = compare_slopes(before, after, ci=0.95)
    assert cmp.ratio == pytest.approx(10.0, rel=1e-9)
    assert cmp.ratio_ci.low == pytest.approx(10.0, rel=1e-6)
    assert cmp.ratio_ci.high == pytest.approx(10.0, rel=1e-6)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_compare_denominator_crossing_zero_is_unbounded(seed: int) -> None:
    before, after = _fit_pair(0.0, 1.0, sigma=1.0, seed=seed, n=8)
    assert before.slope_ci.contains(0.0)
    cmp = compare_slopes(before, after, ci=0.95)
    assert cmp.ratio_ci == Interval(None, None)
    assert cmp.ratio_ci_shape in {"exclusive", "unbounded"}
    assert cmp.difference_ci.bounded


def test_compare_ratio_point_undefined_for_zero_denominator() -> None:
    x = np.array([2000.0, 2001.0, 2002.0, 2003.0])
    before = fit_loglinear(x, [5.0, 5.0, 5.0, 5.0])
    after = fit_loglinear(x + 5.0, 10.0 ** (0.5 * x - 900.0))
    cmp = compare_slopes(before, after, 0.9)
    assert cmp.ratio is None
    assert cmp.ratio_ci == Interval(None, None)
    assert_all_finite(cmp)


@HYPOTHESIS
@given(
    st.floats(min_value=-2.0, max_value=2.0),
    st.floats(min_value=-2.0, max_value=2.0),
    st.floats(min_value=0.01, max_value=1.5),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.sampled_from([0.8, 0.95, 0.99]),
)
def test_compare_matches_fieller_and_welch_formulas(
    slope_b: float, slope_a: float, sigma: float, seed: int, ci: float
) -> None:
    rng = np.random.default_rng(seed)
    xb = np.sort(rng.uniform(2000.0, 2010.0, 12))
    xa = np.sort(rng.uniform(2010.0, 2020.0, 20))
    before = fit_loglinear(xb, noisy_line(rng, xb, slope_b, 0.0, sigma))
    after = fit_loglinear(xa, noisy_line(rng, xa, slope_a, 0.0, 2.0 * sigma))
    cmp = compare_slopes(before, after, ci)
    assert_all_finite(cmp)

    b, a = before.slope_oom_per_year, after.slope_oom_per_year
    vb, va = before.slope_stderr**2, after.slope_stderr**2
    # difference: Welch-Satterthwaite
    dof = (va + vb) ** 2 / (va**2 / after.dof + vb**2 / before.dof)
    assert cmp.difference_dof == pytest.approx(dof, rel=1e-9)
    q_diff = stats.t.ppf((1 + ci) / 2, dof)
    assert cmp.difference_ci.low == pytest.approx(a - b - q_diff * math.sqrt(va + vb))
    assert cmp.difference_ci.high == pytest.approx(a - b + q_diff * math.sqrt(va + vb))
    # ratio: Fieller with t quantile on min(dof) degrees of freedom
    assert cmp.ratio_dof == min(before.dof, after.dof)
    q = stats.t.ppf((1 + ci) / 2, min(before.dof, after.dof))
    if abs(b) / math.sqrt(vb) > q * (1 + 1e-9):
        assert cmp.ratio_ci_shape == "bounded"
        assert cmp.ratio == pytest.approx(a / b)
        assert cmp.ratio_ci.contains(a / b)
        for r in (cmp.ratio_ci.low, cmp.ratio_ci.high):
            assert r is not None
            lhs = (a - r * b) ** 2
            rhs = q**2 * (va + r**2 * vb)
            assert lhs == pytest.approx(rhs, rel=1e-6, abs=1e-12)
    elif abs(b) / math.sqrt(vb) < q * (1 - 1e-9):
        assert cmp.ratio_ci == Interval(None, None)
        assert cmp.ratio_ci_shape in {"exclusive", "unbounded"}


def test_compare_invalid_ci() -> None:
    before, after = _fit_pair(0.1, 1.0, sigma=0.1, seed=0)
    with pytest.raises(ValueError, match="ci"):
        compare_slopes(before, after, 1.0)
