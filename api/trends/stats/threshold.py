"""How many models will exceed a value by a date: a log-linear fit of the values and a constant
arrival rate of models, simulated with the uncertainty of both."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy import special

from api.trends.stats.fit import LogLinearFit
from api.trends.stats.numeric import FloatArray, Interval

#: Simulated futures per projection.
DRAWS: Final = 4000
#: Time steps per year of the future (monthly).
STEPS_PER_YEAR: Final = 12
#: The furthest projection, in years after the last publication date: the simulation holds
#: DRAWS x STEPS_PER_YEAR x years values (50 years: 2.4 million), and a log-linear
#: extrapolation further out says nothing anyway.
MAX_HORIZON_YEARS: Final = 50


@dataclass(frozen=True)
class ThresholdProjection:
    """Models above a value by a future year (``so_far`` + the expected new ones)."""

    so_far: int
    expected_new: float
    projected: float
    projected_interval: Interval
    rate_per_year: float
    rate_models: int
    rate_years: float


def share_above(
    fit_level: FloatArray,
    slope: FloatArray,
    s: float,
    x_mean: float,
    years: FloatArray,
    log10_value: float,
) -> FloatArray:
    """P(one new model at each of ``years`` has log10 value > ``log10_value``) for each line
    (rows: lines of level ``fit_level`` at ``x_mean`` and ``slope``; columns: years), with
    normal residuals of standard deviation ``s``."""
    line = fit_level[:, None] + slope[:, None] * (years[None, :] - x_mean)
    result: FloatArray = special.ndtr((line - log10_value) / s)
    return result


def project_threshold(
    fit: LogLinearFit,
    log10_value: float,
    so_far: int,
    start_year: float,
    by_year: float,
    rate_models: int,
    rate_years: float,
    seed: int,
) -> ThresholdProjection:
    """Models above ``10 ** log10_value`` by ``by_year``: ``so_far`` plus new models.

    New models arrive at a constant rate (``rate_models`` published over the last
    ``rate_years`` years of the data) from ``start_year`` (the last publication date) to
    ``by_year``; each month's models have log10 values normal around the fitted line with the
    fit's residual standard deviation. The expected count uses the fitted line and rate. The
    interval (at the fit's level) simulates :data:`DRAWS` futures: the line's level and slope
    drawn from their sampling distributions (normal, independent in this centred form), the
    rate from a Gamma(rate_models + 1/2, rate_years) posterior (Jeffreys), then a Poisson count
    of new models above the value.
    """
    steps = max(1, math.ceil((by_year - start_year) * STEPS_PER_YEAR))
    width = (by_year - start_year) / steps
    years: FloatArray = start_year + width * (np.arange(steps, dtype=np.float64) + 0.5)
    s = fit.residual_std
    rate = rate_models / rate_years
    p_fit = share_above(
        np.array([fit.y_mean]),
        np.array([fit.slope_oom_per_year]),
        s,
        fit.x_mean,
        years,
        log10_value,
    )
    expected = float(rate * width * p_fit.sum())
    rng = np.random.default_rng(seed)
    level_se = s / math.sqrt(fit.n)
    slope_se = s / math.sqrt(fit.sxx)
    levels = fit.y_mean + level_se * rng.standard_normal(DRAWS)
    slopes = fit.slope_oom_per_year + slope_se * rng.standard_normal(DRAWS)
    rates = rng.gamma(rate_models + 0.5, 1.0 / rate_years, DRAWS)
    mean_new = (
        rates * width * share_above(levels, slopes, s, fit.x_mean, years, log10_value).sum(axis=1)
    )
    counts = so_far + rng.poisson(mean_new)
    tail = 0.5 * (1.0 - fit.ci_level)
    low, high = np.quantile(counts, [tail, 1.0 - tail])
    return ThresholdProjection(
        so_far=so_far,
        expected_new=expected,
        projected=so_far + expected,
        projected_interval=Interval(float(low), float(high)),
        rate_per_year=rate,
        rate_models=rate_models,
        rate_years=rate_years,
    )
