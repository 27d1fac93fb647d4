"""Tests for api.trends.stats (pure numerics, checked against numpy/scipy)."""

from __future__ import annotations

import dataclasses
import datetime
import math
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from api.trends.stats import (
    DOUBLING_CONSTANT_MONTHS,
    Breakpoint,
    DegenerateFitError,
    Interval,
    LogLinearFit,
    compare_slopes,
    decimal_year,
    find_breakpoint,
    fit_loglinear,
    record_indices,
    summarize,
)

HYPOTHESIS = settings(deadline=None, max_examples=150, database=None)


def assert_all_finite(obj: Any, path: str = "result") -> None:
    """Every float reachable from a (nested) dataclass is finite; None is allowed."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            assert_all_finite(getattr(obj, field.name), f"{path}.{field.name}")
    elif isinstance(obj, float):
        assert math.isfinite(obj), f"{path} = {obj!r}"
    else:
        assert obj is None or isinstance(obj, (int, str)), f"{path} has type {type(obj)}"


def noisy_line(
    rng: np.random.Generator, x: np.ndarray, slope: float, level: float, sigma: float
) -> np.ndarray:
    """Values whose log10 is ``level + slope * (x - 2000)`` plus Gaussian noise."""
    return np.asarray(10.0 ** (level + slope * (x - 2000.0) + rng.normal(0.0, sigma, x.size)))


# --------------------------------------------------------------------------------------------
# decimal_year


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2020, 1, 1), 2020.0),
        (datetime.date(2021, 1, 1), 2021.0),
        (datetime.date(2021, 7, 2), 2021 + 182 / 365),
        (datetime.date(2020, 7, 2), 2020 + 183 / 366),
        (datetime.date(2019, 12, 31), 2019 + 364 / 365),
        (datetime.date(2020, 12, 31), 2020 + 365 / 366),
        (datetime.date(1900, 3, 1), 1900 + 59 / 365),  # 1900 is not a leap year
        (datetime.date(2000, 3, 1), 2000 + 60 / 366),  # 2000 is
        (datetime.datetime(2020, 1, 1, 23, 59), 2020.0),  # time of day ignored
    ],
)
def test_decimal_year(day: datetime.date, expected: float) -> None:
    assert decimal_year(day) == pytest.approx(expected, abs=1e-12)


@HYPOTHESIS
@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_decimal_year_is_within_its_year_and_increasing(day: datetime.date) -> None:
    value = decimal_year(day)
    assert day.year <= value < day.year + 1
    if day < datetime.date(2100, 12, 31):
        assert decimal_year(day + datetime.timedelta(days=1)) > value


# --------------------------------------------------------------------------------------------
# fit_loglinear: exact closed-form cases


@pytest.mark.parametrize("slope", [0.5, 1.0, 0.25, 3.0])
@pytest.mark.parametrize("ci", [0.5, 0.9, 0.95, 0.99])
def test_exact_line_positive_slope(slope: float, ci: float) -> None:
    x = np.linspace(2000.0, 2010.0, 21)
    y = 10.0 ** (slope * (x - 2000.0) + 3.0)
    fit = fit_loglinear(x, y, ci=ci)

    assert fit.n == 21
    assert fit.dof == 19
    assert fit.ci_level == ci
    assert fit.slope_oom_per_year == pytest.approx(slope, rel=1e-10)
    assert fit.intercept == pytest.approx(3.0 - 2000.0 * slope, rel=1e-10)
    assert fit.predict(2000.0) == pytest.approx(3.0, abs=1e-9)
    assert fit.predict(2004.0) == pytest.approx(3.0 + 4 * slope, abs=1e-9)
    assert fit.r_squared == pytest.approx(1.0, abs=1e-12)
    assert fit.growth_per_year == pytest.approx(10.0**slope, rel=1e-9)
    doubling = 12.0 * math.log10(2.0) / slope
    assert fit.doubling_time_months == pytest.approx(doubling, rel=1e-9)
    assert fit.doubling_time_reason is None
    assert fit.halving_time_months is None
    assert fit.residual_std == pytest.approx(0.0, abs=1e-9)
    # every interval collapses onto its point estimate
    for interval, point in [
        (fit.slope_ci, slope),
        (fit.intercept_ci, 3.0 - 2000.0 * slope),
        (fit.growth_per_year_ci, 10.0**slope),
        (fit.doubling_time_ci, doubling),
        (fit.predict_ci(2030.0), 3.0 + 30 * slope),
    ]:
        assert interval.low == pytest.approx(point, rel=1e-8, abs=1e-8)
        assert interval.high == pytest.approx(point, rel=1e-8, abs=1e-8)
    assert_all_finite(fit)


def test_exact_line_negative_slope_reports_halving() -> None:
    x = np.array([2010.0, 2011.0, 2012.0, 2013.0])
    y = 10.0 ** (-0.3 * (x - 2010.0))
    fit = fit_loglinear(x, y)
    assert fit.slope_oom_per_year == pytest.approx(-0.3, rel=1e-10)
    assert fit.doubling_time_months is None
    assert fit.doubling_time_reason == "declining"
    assert fit.halving_time_months == pytest.approx(DOUBLING_CONSTANT_MONTHS / 0.3, rel=1e-9)
    assert fit.doubling_time_ci == Interval(None, None)
    assert fit.growth_per_year == pytest.approx(10.0**-0.3, rel=1e-9)


def test_constant_values_are_flat() -> None:
    fit = fit_loglinear([2000.0, 2001.0, 2002.0, 2005.0], [7.0, 7.0, 7.0, 7.0])
    assert fit.slope_oom_per_year == 0.0
    assert fit.r_squared == 0.0  # scipy.stats.linregress convention for constant y
    assert fit.growth_per_year == 1.0
    assert fit.doubling_time_months is None
    assert fit.doubling_time_reason == "flat"
    assert fit.doubling_time_ci == Interval(None, None)
    assert_all_finite(fit)


def test_doubling_interval_unbounded_when_slope_interval_includes_zero() -> None:
    rng = np.random.default_rng(7)
    x = np.linspace(2000.0, 2004.0, 12)
    y = noisy_line(rng, x, slope=0.05, level=2.0, sigma=1.0)
    fit = fit_loglinear(x, y)
    assert fit.slope_ci.low is not None
    assert fit.slope_ci.high is not None
    assert fit.slope_ci.low < 0.0 < fit.slope_ci.high
    assert fit.doubling_time_ci.high is None
    assert fit.doubling_time_ci.low == pytest.approx(
        DOUBLING_CONSTANT_MONTHS / fit.slope_ci.high, rel=1e-12
    )


def test_doubling_interval_maps_slope_interval() -> None:
    rng = np.random.default_rng(3)
    x = np.linspace(2000.0, 2020.0, 40)
    fit = fit_loglinear(x, noisy_line(rng, x, slope=0.6, level=1.0, sigma=0.3))
    assert fit.slope_ci.low is not None
    assert fit.slope_ci.high is not None
    assert fit.slope_ci.low > 0.0
    assert fit.doubling_time_ci.low == pytest.approx(DOUBLING_CONSTANT_MONTHS / fit.slope_ci.high)
    assert fit.doubling_time_ci.high == pytest.approx(DOUBLING_CONSTANT_MONTHS / fit.slope_ci.low)
    assert fit.growth_per_year_ci.low == pytest.approx(10.0**fit.slope_ci.low)
    assert fit.growth_per_year_ci.high == pytest.approx(10.0**fit.slope_ci.high)
    assert fit.doubling_time_ci.contains(fit.doubling_time_months or math.nan)


# --------------------------------------------------------------------------------------------
# fit_loglinear: agreement with numpy / scipy on random data

years_strategy = st.floats(min_value=1990.0, max_value=2030.0, allow_nan=False)
log_values_strategy = st.floats(min_value=-3.0, max_value=25.0, allow_nan=False)


@st.composite
def xy_data(draw: st.DrawFn, min_size: int = 3, max_size: int = 40) -> tuple[list[float], ...]:
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    xs = draw(st.lists(years_strategy, min_size=n, max_size=n))
    logs = draw(st.lists(log_values_strategy, min_size=n, max_size=n))
    return xs, logs


@HYPOTHESIS
@given(xy_data(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_fit_matches_polyfit_and_linregress(data: tuple[list[float], ...], ci: float) -> None:
    xs, logs = data
    x = np.array(xs)
    assume(float(np.ptp(x)) >= 0.5)
    y = 10.0 ** np.array(logs)
    fit = fit_loglinear(x, y, ci=ci)

    ly = np.log10(y)
    slope, intercept = np.polyfit(x, ly, 1)
    scale = 1.0 + float(np.ptp(ly))
    assert fit.slope_oom_per_year == pytest.approx(slope, rel=1e-6, abs=1e-9 * scale)
    assert fit.intercept == pytest.approx(intercept, rel=1e-6, abs=1e-6 * scale)
    assert fit.predict(float(x[0])) == pytest.approx(
        np.polyval([slope, intercept], x[0]), abs=1e-7 * scale
    )

    if float(np.ptp(ly)) == 0.0:  # constant y: linregress reports NaN stderr
        assert fit.slope_stderr == 0.0
        assert fit.r_squared == 0.0
    else:
        ref = stats.linregress(x, ly)
        # linregress derives stderr from sqrt(1 - r**2), which loses half the digits when the
        # fit is (nearly) exact, hence the absolute tolerance ~ sqrt(eps) * sqrt(syy / sxx)
        se_tol = 1e-6 * float(np.ptp(ly)) / float(np.ptp(x))
        assert fit.slope_stderr == pytest.approx(ref.stderr, rel=1e-6, abs=se_tol)
        assert fit.intercept_stderr == pytest.approx(
            ref.intercept_stderr, rel=1e-6, abs=se_tol * (1.0 + abs(fit.x_mean))
        )
        assert fit.r_squared == pytest.approx(ref.rvalue**2, abs=1e-7)

    q = stats.t.ppf((1.0 + ci) / 2.0, len(xs) - 2)
    assert fit.t_quantile == pytest.approx(q, rel=1e-12)
    assert fit.slope_ci.low == pytest.approx(fit.slope_oom_per_year - q * fit.slope_stderr)
    assert fit.slope_ci.high == pytest.approx(fit.slope_oom_per_year + q * fit.slope_stderr)
    assert fit.intercept_ci.low == pytest.approx(fit.intercept - q * fit.intercept_stderr)
    assert fit.intercept_ci.high == pytest.approx(fit.intercept + q * fit.intercept_stderr)
    residual = ly - np.polyval([slope, intercept], x)
    assert fit.residual_std == pytest.approx(
        math.sqrt(float(residual @ residual) / (len(xs) - 2)), rel=1e-5, abs=1e-9 * scale
    )
    assert fit.x_mean == pytest.approx(float(np.mean(x)))
    assert_all_finite(fit)


@HYPOTHESIS
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2030, 12, 31)),
            st.floats(min_value=1e-300, max_value=1e300, allow_nan=False, allow_infinity=False),
        ),
        min_size=3,
        max_size=30,
    )
)
def test_fit_never_returns_non_finite(points: list[tuple[datetime.date, float]]) -> None:
    x = [decimal_year(d) for d, _ in points]
    y = [v for _, v in points]
    assume(len(set(x)) > 1)
    ref_slope = float(np.polyfit(np.array(x) - 2000.0, np.log10(y), 1)[0])
    if ref_slope > 309.0:  # 10**slope overflows a float: reported, never returned
        with pytest.raises(DegenerateFitError) as info:
            fit_loglinear(x, y)
        assert info.value.reason == "non_finite"
        return
    assume(ref_slope < 308.0)  # skip the rounding-sensitive edge of float range
    fit = fit_loglinear(x, y)
    assert_all_finite(fit)
    assert 0.0 <= fit.r_squared <= 1.0
    assert fit.slope_ci.contains(fit.slope_oom_per_year)
    assert fit.growth_per_year_ci.contains(fit.growth_per_year)


# --------------------------------------------------------------------------------------------
# fit_loglinear: invalid input


@pytest.mark.parametrize(
    ("years", "values", "reason"),
    [
        ([], [], "too_few_points"),
        ([2000.0], [1.0], "too_few_points"),
        ([2000.0, 2001.0], [1.0, 10.0], "too_few_points"),
        ([2000.5] * 5, [1.0, 2.0, 3.0, 4.0, 5.0], "single_distinct_date"),
        ([2000.0, math.nan, 2002.0], [1.0, 2.0, 3.0], "non_finite"),
        ([2000.0, 2001.0, 2002.0], [1.0, math.inf, 3.0], "non_finite"),
        ([2000.0, 2001.0, 2002.0], [1.0, 0.0, 3.0], "non_positive_value"),
        ([2000.0, 2001.0, 2002.0], [1.0, -2.0, 3.0], "non_positive_value"),
    ],
)
def test_degenerate_inputs(years: list[float], values: list[float], reason: str) -> None:
    with pytest.raises(DegenerateFitError) as info:
        fit_loglinear(years, values)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


def test_overflowing_slope_is_reported_not_returned() -> None:
    with pytest.raises(DegenerateFitError) as info:
        fit_loglinear([2000.0, 2000.001, 2000.002], [1.0, 1e300, 1e300])
    assert info.value.reason == "non_finite"


@pytest.mark.parametrize("ci", [0.0, 1.0, -0.5, 1.5, math.nan])
def test_invalid_ci_level(ci: float) -> None:
    with pytest.raises(ValueError, match="ci"):
        fit_loglinear([2000.0, 2001.0, 2002.0], [1.0, 2.0, 3.0], ci=ci)


def test_length_mismatch() -> None:
    with pytest.raises(ValueError, match="length"):
        fit_loglinear([2000.0, 2001.0, 2002.0], [1.0, 2.0])


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


# --------------------------------------------------------------------------------------------
# find_breakpoint


def brute_force_breakpoint(
    x: np.ndarray, ly: np.ndarray, m: int
) -> tuple[float, float, int] | None:
    """Reference: loop over the default candidates and polyfit both sides."""
    xs = np.sort(x)
    n = len(xs)
    best: tuple[float, float] | None = None
    tested = 0
    for c in sorted(set(xs[m : n - m + 1].tolist())):
        left = x < c
        right = ~left
        if left.sum() < m or right.sum() < m:
            continue
        if len(set(x[left].tolist())) < 2 or len(set(x[right].tolist())) < 2:
            continue
        tested += 1
        sse = 0.0
        for mask in (left, right):
            coef = np.polyfit(x[mask], ly[mask], 1)
            resid = ly[mask] - np.polyval(coef, x[mask])
            sse += float(resid @ resid)
        if best is None or sse < best[1] - 1e-9:
            best = (c, sse)
    return None if best is None else (best[0], best[1], tested)


def planted_break(
    seed: int, n: int = 120, break_year: float = 2012.0, jump: float = 1.0, sigma: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(2000.0, 2024.0, n)
    ly = np.where(
        x < break_year,
        0.1 * (x - 2000.0),
        0.1 * (break_year - 2000.0) + jump + 0.6 * (x - break_year),
    )
    return x, 10.0 ** (ly + rng.normal(0.0, sigma, n))


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_breakpoint_recovers_planted_break(seed: int) -> None:
    x, y = planted_break(seed)
    bp = find_breakpoint(x, y)
    assert bp.break_year == pytest.approx(2012.0, abs=0.5)
    assert bp.jump_oom == pytest.approx(1.0, abs=0.25)
    assert bp.jump_ci.contains(bp.jump_oom)
    assert bp.before.slope_oom_per_year == pytest.approx(0.1, abs=0.05)
    assert bp.after.slope_oom_per_year == pytest.approx(0.6, abs=0.1)
    assert bp.before.n + bp.after.n == len(x)
    assert bp.before.x_max < bp.break_year <= bp.after.x_min
    assert bp.sse < bp.sse_single_line
    assert bp.p_value < 1e-6
    assert_all_finite(bp)


def test_breakpoint_exact_lines_find_exact_break() -> None:
    x = np.arange(2000.0, 2030.0)
    ly = np.where(x < 2015.0, 0.2 * (x - 2000.0), 5.0 + 0.5 * (x - 2015.0))
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=5)
    assert bp.break_year == 2015.0
    assert bp.jump_oom == pytest.approx(5.0 - 3.0, abs=1e-9)
    assert bp.sse == pytest.approx(0.0, abs=1e-20)
    assert bp.f_statistic is None or bp.f_statistic > 1e20  # rounding noise in sse
    assert bp.p_value == pytest.approx(0.0, abs=1e-15)
    assert bp.candidates_tested == 21  # years 2005..2025 inclusive


def test_breakpoint_zero_sse_has_no_f_statistic() -> None:
    # small integers: every sum is exact, so both segment fits have sse == 0.0 exactly
    x = np.arange(2000.0, 2012.0)
    ly = np.where(x < 2006.0, x - 2000.0, x - 1990.0)
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=3)
    assert bp.break_year == 2006.0
    assert bp.sse == 0.0
    assert bp.f_statistic is None
    assert bp.p_value == 0.0


def test_breakpoint_on_a_single_exact_line_has_no_evidence() -> None:
    x = np.arange(2000.0, 2012.0)
    bp = find_breakpoint(x, np.full(12, 3.0), min_points_per_side=3)
    assert bp.sse == 0.0
    assert bp.sse_single_line == 0.0
    assert bp.f_statistic is None
    assert bp.p_value == 1.0
    assert bp.break_year == 2003.0  # all candidates tie: earliest wins


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("m", [3, 5])
def test_breakpoint_equals_brute_force(seed: int, m: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = 30
    x = np.round(rng.uniform(2000.0, 2020.0, n), 1)  # rounding creates tied dates
    ly = rng.normal(0.0, 1.0, n) + 0.3 * (x - 2000.0)
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=m)
    ref = brute_force_breakpoint(x, ly, m)
    assert ref is not None
    ref_year, ref_sse, ref_tested = ref
    assert bp.break_year == ref_year
    assert bp.sse == pytest.approx(ref_sse, rel=1e-9)
    assert bp.candidates_tested == ref_tested
    assert bp.min_points_per_side == m


@HYPOTHESIS
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=2000, max_value=2015), st.floats(min_value=-3.0, max_value=3.0)
        ),
        min_size=8,
        max_size=25,
    )
)
def test_breakpoint_equals_brute_force_property(points: list[tuple[int, float]]) -> None:
    x = np.array([float(p[0]) for p in points])
    ly = np.array([p[1] for p in points])
    m = 3
    ref = brute_force_breakpoint(x, ly, m)
    if ref is None:
        with pytest.raises(DegenerateFitError) as info:
            find_breakpoint(x, 10.0**ly, min_points_per_side=m)
        assert info.value.reason in {"single_distinct_date", "no_valid_candidate"}
        return
    _, ref_sse, ref_tested = ref
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=m)
    assert bp.candidates_tested == ref_tested
    # near-ties may legitimately resolve differently; the optimum SSE must agree
    assert bp.sse == pytest.approx(ref_sse, rel=1e-7, abs=1e-9)
    assert_all_finite(bp)


@pytest.mark.parametrize("planted", [True, False])
def test_breakpoint_chow_statistic(planted: bool) -> None:
    if planted:
        x, y = planted_break(seed=9, jump=0.2, sigma=0.3)
    else:  # one noisy line: the nominal p-value is moderate, not ~0
        rng = np.random.default_rng(9)
        x = rng.uniform(2000.0, 2020.0, 40)
        y = noisy_line(rng, x, slope=0.3, level=0.0, sigma=0.5)
    bp = find_breakpoint(x, y)
    n = len(x)
    f = ((bp.sse_single_line - bp.sse) / 2) / (bp.sse / (n - 4))
    assert bp.f_statistic == pytest.approx(f)
    assert bp.p_value == pytest.approx(stats.f.sf(f, 2, n - 4))
    assert bp.sse == pytest.approx(bp.before.sse + bp.after.sse)
    assert bp.sse_single_line == pytest.approx(bp.single_line.sse)
    assert bp.single_line.n == n


def test_breakpoint_explicit_candidates_tie_goes_to_earliest() -> None:
    x = np.arange(2000.0, 2024.0)
    ly = np.where(x < 2012.0, 0.1 * (x - 2000.0), 3.0 + 0.8 * (x - 2012.0))
    # 2011.25, 2011.5 and 2012.0 all split at x < 2012: identical SSE
    candidates = [2012.0, 2011.5, 2011.25, 2011.5, 2005.0]
    bp = find_breakpoint(x, 10.0**ly, candidates=candidates, min_points_per_side=4)
    assert bp.break_year == 2011.25
    assert bp.candidates_tested == 4  # duplicates removed
    assert bp.before.n == 12
    # jump is measured at the reported break year
    assert bp.jump_oom == pytest.approx(
        bp.after.predict(2011.25) - bp.before.predict(2011.25), abs=1e-12
    )


def test_breakpoint_skips_invalid_candidates() -> None:
    x = np.arange(2000.0, 2030.0)
    ly = np.where(x < 2015.0, 0.2 * (x - 2000.0), 5.0 + 0.5 * (x - 2015.0))
    bp = find_breakpoint(x, 10.0**ly, candidates=[1990.0, 2001.0, 2015.0, 2029.0, 2050.0])
    assert bp.break_year == 2015.0
    assert bp.candidates_tested == 1


@pytest.mark.parametrize(
    ("kwargs", "n", "reason"),
    [
        ({}, 19, "too_few_points"),
        ({"min_points_per_side": 5}, 9, "too_few_points"),
        ({"candidates": [1990.0, 2100.0]}, 40, "no_valid_candidate"),
        ({"candidates": [2000.5]}, 40, "no_valid_candidate"),
    ],
)
def test_breakpoint_degenerate(kwargs: dict[str, Any], n: int, reason: str) -> None:
    x = np.linspace(2000.0, 2020.0, n)
    with pytest.raises(DegenerateFitError) as info:
        find_breakpoint(x, 10.0 ** (0.1 * (x - 2000.0)), **kwargs)
    assert info.value.reason == reason


def test_breakpoint_requires_two_distinct_dates_per_side() -> None:
    x = np.array([2000.0] * 6 + [2001.0, 2002.0, 2003.0, 2004.0, 2005.0, 2006.0])
    ly = np.arange(12.0)
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=3)
    # default candidates are 2000..2004; 2000 leaves no point on the left and 2001 leaves a
    # left side with a single date, so only 2002, 2003 and 2004 are valid
    assert bp.break_year >= 2002.0
    assert bp.candidates_tested == 3


@pytest.mark.parametrize("bad", [2, 0, -1])
def test_breakpoint_min_points_validation(bad: int) -> None:
    x = np.linspace(2000.0, 2020.0, 30)
    with pytest.raises(ValueError, match="min_points_per_side"):
        find_breakpoint(x, np.ones(30), min_points_per_side=bad)


def test_breakpoint_is_fast() -> None:
    x, y = planted_break(seed=42, n=1000)
    candidates = np.arange(2002.0, 2022.0, 1.0 / 16.0)[:300]
    find_breakpoint(x, y, candidates=candidates)  # warm up scipy
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        bp: Breakpoint = find_breakpoint(x, y, candidates=candidates)
        timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        find_breakpoint(x, y)  # default: ~980 candidates
        timings.append(time.perf_counter() - start)
    assert bp.candidates_tested == 300
    assert min(timings) < 0.1
    assert max(timings) < 0.5


# --------------------------------------------------------------------------------------------
# summarize


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 10.0, 100.0], (3, 1.0, 10.0, 82.0, 100.0, 10.0)),
        ([4.0], (1, 4.0, 4.0, 4.0, 4.0, 4.0)),
        ([2.0, 8.0], (2, 2.0, 5.0, 7.4, 8.0, 4.0)),
        ([5.0, 1.0, 3.0, 2.0, 4.0], (5, 1.0, 3.0, 4.6, 5.0, 120.0 ** (1 / 5))),
    ],
)
def test_summarize_handcrafted(values: list[float], expected: tuple[float, ...]) -> None:
    s = summarize(values)
    got = (s.count, s.min, s.median, s.p90, s.max, s.geometric_mean)
    assert got == pytest.approx(expected, rel=1e-12)
    assert isinstance(s.count, int)


@HYPOTHESIS
@given(
    st.lists(
        st.floats(min_value=1e-200, max_value=1e200, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=60,
    )
)
def test_summarize_matches_numpy(values: list[float]) -> None:
    s = summarize(values)
    v = np.array(values)
    assert s.count == len(values)
    assert s.min == float(np.min(v))
    assert s.max == float(np.max(v))
    assert s.median == pytest.approx(float(np.median(v)), rel=1e-12)
    assert s.p90 == pytest.approx(float(np.percentile(v, 90)), rel=1e-12)
    assert s.geometric_mean == pytest.approx(float(np.exp(np.mean(np.log(v)))), rel=1e-9)
    assert s.min <= s.geometric_mean <= s.max
    assert s.min <= s.median <= s.p90 <= s.max
    assert_all_finite(s)


@pytest.mark.parametrize("values", [[], [1.0, 0.0], [1.0, -1.0], [1.0, math.nan], [math.inf]])
def test_summarize_rejects_invalid(values: list[float]) -> None:
    with pytest.raises(ValueError, match="values"):
        summarize(values)


# --------------------------------------------------------------------------------------------
# record_indices


@pytest.mark.parametrize(
    ("years", "values", "expected"),
    [
        (
            [2001.0, 2000.0, 2002.0, 2000.0, 2003.0, 2003.0, 2004.0],
            [5.0, 3.0, 5.0, 4.0, 7.0, 9.0, 8.0],
            [1, 3, 0, 4, 5],
        ),
        ([2000.0, 2000.0], [5.0, 5.0], [0]),  # tie on date and value: first in input order
        ([2000.0, 2000.0], [4.0, 5.0], [0, 1]),
        ([2000.0, 2000.0], [5.0, 4.0], [0]),
        ([2003.0, 2002.0, 2001.0], [1.0, 2.0, 3.0], [2]),  # decreasing in date order
        ([2001.0, 2002.0, 2003.0], [1.0, 2.0, 3.0], [0, 1, 2]),
        ([2001.0, 2002.0, 2003.0], [-1.0, -2.0, 0.0], [0, 2]),
        ([], [], []),
    ],
)
def test_record_indices_handcrafted(
    years: list[float], values: list[float], expected: list[int]
) -> None:
    assert record_indices(years, values) == expected


@HYPOTHESIS
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=8), st.integers(min_value=0, max_value=8)),
        max_size=40,
    )
)
def test_record_indices_matches_loop(points: list[tuple[int, int]]) -> None:
    years = [float(p[0]) for p in points]
    values = [float(p[1]) for p in points]
    expected: list[int] = []
    best = -math.inf
    for i in sorted(range(len(points)), key=lambda j: years[j]):  # sorted() is stable
        if values[i] > best:
            expected.append(i)
            best = values[i]
    assert record_indices(years, values) == expected


def test_record_indices_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="length"):
        record_indices([2000.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        record_indices([2000.0, math.nan], [1.0, 2.0])
