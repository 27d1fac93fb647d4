"""One log-linear fit: OLS of ``log10(value)`` on decimal year, with Student-t intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from api.trends.stats.numeric import (
    REASON_NON_FINITE,
    REASON_SINGLE_DISTINCT_DATE,
    REASON_TOO_FEW_POINTS,
    DegenerateFitError,
    FloatArray,
    Interval,
    Numbers,
    check_ci,
    finite_or_none,
    log_inputs,
    percentile_interval,
    pow10,
    t_quantile,
)

#: ``12 * log10(2)``: months to double when growing at 1 OOM per year.
DOUBLING_CONSTANT_MONTHS: Final[float] = 12.0 * math.log10(2.0)


@dataclass(frozen=True)
class LogLinearFit:
    """OLS fit ``log10(value) = intercept + slope * year``.

    ``intercept`` is the fitted log10 value at year 0 (what ``numpy.polyfit`` reports); it is a
    huge extrapolation, so ``y_mean`` (the fitted log10 value at ``x_mean``) and :meth:`predict`
    are the useful levels.

    ``doubling_time_months`` is ``12 * log10(2) / slope`` for a positive slope, else ``None``
    with ``doubling_time_reason`` ``"declining"`` (slope < 0; see ``halving_time_months``) or
    ``"flat"`` (slope == 0).  ``doubling_time_ci`` maps the slope interval through the same
    (decreasing) function: when the slope interval includes 0 its upper limit is ``None``
    (unbounded); when the whole slope interval is <= 0 both limits are ``None`` (undefined).
    """

    n: int
    dof: int
    ci_level: float
    t_quantile: float
    slope_oom_per_year: float
    slope_stderr: float
    slope_ci: Interval
    intercept: float
    intercept_stderr: float
    intercept_ci: Interval
    x_mean: float
    y_mean: float
    sxx: float
    sse: float
    residual_std: float
    r_squared: float
    growth_per_year: float
    growth_per_year_ci: Interval
    doubling_time_months: float | None
    doubling_time_reason: str | None
    doubling_time_ci: Interval
    halving_time_months: float | None
    x_min: float
    x_max: float
    #: ``"ols"`` or ``"theil-sen"`` (:mod:`.robust`): how the slope and the line were estimated.
    estimator: str = "ols"
    #: ``"t"`` or ``"bootstrap"`` (:mod:`.bootstrap`): how the intervals were computed.
    interval_method: str = "t"
    #: Bootstrap draws of the slope and of the line's level at ``x_mean`` (else ``None``).
    slope_draws: FloatArray | None = field(default=None, repr=False, compare=False)
    level_draws: FloatArray | None = field(default=None, repr=False, compare=False)

    def predict(self, year: float) -> float:
        """Fitted log10 value at ``year``."""
        return self.y_mean + self.slope_oom_per_year * (year - self.x_mean)

    def predict_stderr(self, year: float) -> float:
        """Standard error of the fitted mean log10 value at ``year``."""
        lever = 1.0 / self.n + (year - self.x_mean) ** 2 / self.sxx
        return self.residual_std * math.sqrt(lever)

    def predict_ci(self, year: float) -> Interval:
        """Confidence interval (at ``ci_level``) of the fitted mean log10 value at ``year``.

        Bootstrap fits: the percentile interval of the resampled lines at ``year``. Theil-Sen
        fits with t intervals have no interval for the line: both limits ``None``.
        """
        if self.slope_draws is not None and self.level_draws is not None:
            draws = self.level_draws + self.slope_draws * (year - self.x_mean)
            return percentile_interval(draws, self.ci_level)
        if self.estimator != "ols":
            return Interval(None, None)
        centre = self.predict(year)
        half = self.t_quantile * self.predict_stderr(year)
        return Interval(centre - half, centre + half)


def fit_loglinear(years: Numbers, values: Numbers, ci: float = 0.95) -> LogLinearFit:
    """Ordinary least squares of ``log10(values)`` on ``years`` (decimal years).

    Confidence intervals use ``scipy.stats.t.ppf((1 + ci) / 2, n - 2)`` times the usual OLS
    standard errors.  ``r_squared`` is 0.0 when all values are equal (as
    ``scipy.stats.linregress`` reports).

    Raises:
        ValueError: ``ci`` not in (0, 1) or mismatched/non-1-D inputs.
        DegenerateFitError: ``reason`` ``"too_few_points"`` (n < 3), ``"single_distinct_date"``,
            ``"non_finite"``, or ``"non_positive_value"``; also ``"non_finite"`` when the slope is
            so steep that ``10 ** slope`` overflows.
    """
    level = check_ci(ci)
    x, y = log_inputs(years, values)
    return fit_arrays(x, y, level)


def fit_arrays(x: FloatArray, y: FloatArray, level: float) -> LogLinearFit:
    n = int(x.size)
    if n < 3:
        raise DegenerateFitError(REASON_TOO_FEW_POINTS, f"need at least 3 points, got {n}")
    x_min = float(np.min(x))
    x_max = float(np.max(x))
    if x_min == x_max:
        raise DegenerateFitError(REASON_SINGLE_DISTINCT_DATE, "all points share one date")

    x_mean = float(np.mean(x))
    # constant y: use the value itself so the fit is exactly flat (np.mean may round)
    y_mean = float(y[0]) if bool(np.all(y == y[0])) else float(np.mean(y))
    dx = x - x_mean
    dy = y - y_mean
    sxx = float(dx @ dx)
    syy = float(dy @ dy)
    if not sxx > 0.0:  # distinct values whose spread underflows
        raise DegenerateFitError(REASON_SINGLE_DISTINCT_DATE, "dates are numerically identical")
    slope = float(dx @ dy) / sxx
    resid = dy - slope * dx
    sse = float(resid @ resid)
    dof = n - 2
    s2 = sse / dof
    slope_se = math.sqrt(s2 / sxx)
    intercept = y_mean - slope * x_mean
    intercept_se = math.sqrt(s2 * (1.0 / n + x_mean * x_mean / sxx))
    # Constant y: linregress convention (r = 0), avoiding 0/0.
    r_squared = min(max(1.0 - sse / syy, 0.0), 1.0) if syy > 0.0 else 0.0
    core = (slope, slope_se, intercept, intercept_se, sse)
    if not all(math.isfinite(v) for v in core):
        raise DegenerateFitError(REASON_NON_FINITE, "fit overflowed; check the input scale")

    q = t_quantile(level, dof)
    slope_low, slope_high = slope - q * slope_se, slope + q * slope_se
    growth = pow10(slope)
    if growth is None:
        raise DegenerateFitError(
            REASON_NON_FINITE, f"slope {slope:g} OOM/year is too steep to express as a factor"
        )
    growth_ci = Interval(pow10(slope_low), pow10(slope_high))

    doubling, reason = doubling_time(slope)
    halving = finite_or_none(-DOUBLING_CONSTANT_MONTHS / slope) if slope < 0.0 else None
    return LogLinearFit(
        n=n,
        dof=dof,
        ci_level=level,
        t_quantile=q,
        slope_oom_per_year=slope,
        slope_stderr=slope_se,
        slope_ci=Interval(slope_low, slope_high),
        intercept=intercept,
        intercept_stderr=intercept_se,
        intercept_ci=Interval(intercept - q * intercept_se, intercept + q * intercept_se),
        x_mean=x_mean,
        y_mean=y_mean,
        sxx=sxx,
        sse=sse,
        residual_std=math.sqrt(s2),
        r_squared=r_squared,
        growth_per_year=growth,
        growth_per_year_ci=growth_ci,
        doubling_time_months=doubling,
        doubling_time_reason=reason,
        doubling_time_ci=doubling_interval(slope_low, slope_high),
        halving_time_months=halving,
        x_min=x_min,
        x_max=x_max,
    )


def doubling_time(slope: float) -> tuple[float | None, str | None]:
    if slope > 0.0:
        months = finite_or_none(DOUBLING_CONSTANT_MONTHS / slope)
        return (months, None) if months is not None else (None, "slope_too_small")
    if slope < 0.0:
        return None, "declining"
    return None, "flat"


def doubling_interval(slope_low: float, slope_high: float) -> Interval:
    """Image of the slope interval under ``s -> 12*log10(2)/s`` restricted to ``s > 0``."""
    if slope_high <= 0.0:
        return Interval(None, None)  # never doubles anywhere in the interval: undefined
    low = finite_or_none(DOUBLING_CONSTANT_MONTHS / slope_high)
    if slope_low <= 0.0:
        return Interval(low, None)  # slope may be ~0: arbitrarily slow doubling
    return Interval(low, finite_or_none(DOUBLING_CONSTANT_MONTHS / slope_low))
