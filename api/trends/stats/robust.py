"""A robust log-linear fit: the Theil-Sen slope (median of pairwise slopes) with Sen's
rank-based interval, for windows with outliers."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from api.trends.stats.fit import (
    DOUBLING_CONSTANT_MONTHS,
    LogLinearFit,
    doubling_interval,
    doubling_time,
)
from api.trends.stats.numeric import (
    REASON_NON_FINITE,
    DegenerateFitError,
    FloatArray,
    Interval,
    finite_or_none,
    pow10,
)


def theil_sen_fit(fit: LogLinearFit, x: FloatArray, y: FloatArray) -> LogLinearFit:
    """``fit`` (the OLS fit of the same points) with the Theil-Sen line in its place.

    ``scipy.stats.theilslopes(y, x, alpha=ci)``: the slope is the median of the slopes of all
    pairs with distinct dates, the intercept ``median(y) - slope * median(x)``, the slope
    interval Sen's (from the ranks of the pairwise slopes, at level ``ci``). ``sse``,
    ``residual_std`` and ``r_squared`` are those of the Theil-Sen line
    (``r_squared = 1 - sse / syy``, clipped to [0, 1]). ``slope_stderr`` is the half-width of the
    interval divided by the t quantile (what a t interval of that width implies); the line has
    no interval (:meth:`LogLinearFit.predict_ci` gives ``None`` limits).
    """
    from scipy import stats  # only method=theil-sen needs scipy.stats (about 50 MB)

    result = stats.theilslopes(y, x, alpha=fit.ci_level)
    slope = float(result.slope)
    intercept = float(result.intercept)
    low, high = float(result.low_slope), float(result.high_slope)
    if not all(math.isfinite(v) for v in (slope, intercept, low, high)):
        raise DegenerateFitError(REASON_NON_FINITE, "the Theil-Sen fit is not finite")
    growth = pow10(slope)
    if growth is None:
        raise DegenerateFitError(REASON_NON_FINITE, f"slope {slope:g} OOM/year is too steep")
    resid = y - (intercept + slope * x)
    sse = float(resid @ resid)
    dy = y - float(np.mean(y))
    syy = float(dy @ dy)
    doubling, reason = doubling_time(slope)
    return replace(
        fit,
        estimator="theil-sen",
        slope_oom_per_year=slope,
        slope_ci=Interval(low, high),
        slope_stderr=(high - low) / (2.0 * fit.t_quantile),
        intercept=intercept,
        intercept_ci=Interval(None, None),
        y_mean=intercept + slope * fit.x_mean,
        sse=sse,
        residual_std=math.sqrt(sse / fit.dof),
        r_squared=min(max(1.0 - sse / syy, 0.0), 1.0) if syy > 0.0 else 0.0,
        growth_per_year=growth,
        growth_per_year_ci=Interval(pow10(low), pow10(high)),
        doubling_time_months=doubling,
        doubling_time_reason=reason,
        doubling_time_ci=doubling_interval(low, high),
        halving_time_months=(
            finite_or_none(-DOUBLING_CONSTANT_MONTHS / slope) if slope < 0.0 else None
        ),
    )
