"""Forecasts against statsmodels' OLS ``get_prediction``, and their invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st

from api.trends.stats.fit import fit_loglinear
from api.trends.stats.forecast import forecast_at, year_reaching
from tests.trends.stats.support import HYPOTHESIS, noisy_line


def data(seed: int, n: int = 80, slope: float = 0.3, sigma: float = 0.4):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(2005.0, 2024.0, n))
    return x, noisy_line(rng, x, slope, 6.0, sigma)


@pytest.mark.parametrize(("ci", "year"), [(0.95, 2030.0), (0.9, 2015.5), (0.5, 1999.0)])
def test_both_intervals_match_statsmodels(ci: float, year: float) -> None:
    x, v = data(1)
    fit = fit_loglinear(x, v, ci)
    forecast = forecast_at(fit, year)
    model = sm.OLS(np.log10(v), sm.add_constant(x)).fit()
    frame = model.get_prediction(np.array([[1.0, year]])).summary_frame(alpha=1.0 - ci)
    assert forecast.log10_value == pytest.approx(frame["mean"].iloc[0], rel=1e-9)
    assert forecast.mean_interval.low == pytest.approx(frame["mean_ci_lower"].iloc[0], rel=1e-9)
    assert forecast.mean_interval.high == pytest.approx(frame["mean_ci_upper"].iloc[0], rel=1e-9)
    assert forecast.prediction_interval.low == pytest.approx(
        frame["obs_ci_lower"].iloc[0], rel=1e-9
    )
    assert forecast.prediction_interval.high == pytest.approx(
        frame["obs_ci_upper"].iloc[0], rel=1e-9
    )
    assert forecast.extrapolated is not (x.min() <= year <= x.max())


def test_date_interval_is_where_the_line_interval_holds_the_target() -> None:
    """The Fieller limits are the years at which a limit of the mean interval equals the target."""
    x, v = data(2)
    fit = fit_loglinear(x, v, 0.95)
    target = fit.predict(2031.0)
    inverse = year_reaching(fit, target)
    assert inverse.shape == "bounded"
    assert inverse.year == pytest.approx(2031.0)
    low, high = inverse.year_interval.low, inverse.year_interval.high
    assert low is not None and high is not None and low < 2031.0 < high
    # rising line: its upper limit reaches the target first, its lower limit last
    assert fit.predict_ci(low).high == pytest.approx(target, abs=1e-9)
    assert fit.predict_ci(high).low == pytest.approx(target, abs=1e-9)
    for inside in np.linspace(low, high, 7)[1:-1]:
        assert fit.predict_ci(float(inside)).contains(target)


def test_flat_trend_has_an_unbounded_date_interval() -> None:
    x, v = data(3, n=20, slope=0.0, sigma=1.0)
    fit = fit_loglinear(x, v, 0.95)
    assert fit.slope_ci.contains(0.0)
    inverse = year_reaching(fit, fit.y_mean + 5.0)
    assert inverse.shape == "unbounded"
    assert inverse.slope_interval_includes_zero
    assert inverse.year_interval.low is None and inverse.year_interval.high is None


@HYPOTHESIS
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(4, 60),
    ci=st.floats(0.5, 0.99),
    year=st.floats(1990.0, 2060.0),
)
def test_invariants(seed: int, n: int, ci: float, year: float) -> None:
    x, v = data(seed, n=n)
    fit = fit_loglinear(x, v, ci)
    f = forecast_at(fit, year)
    # the prediction interval contains the mean interval
    assert f.mean_interval.low is not None and f.mean_interval.high is not None
    assert f.prediction_interval.contains(f.mean_interval.low)
    assert f.prediction_interval.contains(f.mean_interval.high)
    # a forecast at a fitted date is the fitted value
    i = n // 2
    assert forecast_at(fit, float(x[i])).log10_value == pytest.approx(fit.predict(float(x[i])))
    # value= inverts date=
    inverse = year_reaching(fit, f.log10_value)
    assert inverse.year is not None
    assert inverse.year == pytest.approx(year, abs=1e-6 * max(1.0, abs(year)))
    assert math.isfinite(inverse.year)
