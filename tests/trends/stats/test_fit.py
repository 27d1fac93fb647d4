"""Tests for api.trends.stats.fit (log-linear OLS, checked against numpy/scipy)."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from api.trends.stats.dates import decimal_year
from api.trends.stats.fit import DOUBLING_CONSTANT_MONTHS, fit_loglinear
from api.trends.stats.numeric import DegenerateFitError, Interval, t_quantile
from tests.trends.stats.support import HYPOTHESIS, assert_all_finite, noisy_line

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


@pytest.mark.parametrize("ci", [0.5, 0.9, 0.95, 0.99])
@pytest.mark.parametrize("dof", [1, 2, 3.5, 10, 1e6, float("inf")])
def test_the_t_quantile_is_scipy_stats_t_ppf(ci: float, dof: float) -> None:
    assert t_quantile(ci, dof) == pytest.approx(stats.t.ppf(0.5 * (1 + ci), dof), rel=1e-12)
