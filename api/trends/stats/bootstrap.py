"""Case-resampling bootstrap of a log-linear fit, vectorised: percentile intervals for the
slope, growth per year, doubling time and the line."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import numpy as np

from api.trends.stats.fit import LogLinearFit, doubling_interval
from api.trends.stats.numeric import (
    REASON_TOO_FEW_POINTS,
    DegenerateFitError,
    FloatArray,
    Interval,
    percentile_interval,
    pow10,
)

#: Resamples drawn per block, so memory stays ~ 8 * BLOCK * n bytes per array.
BLOCK: Final = 256


def resample_lines(
    x: FloatArray, y: FloatArray, boot: int, seed: int
) -> tuple[FloatArray, FloatArray]:
    """OLS slope and the line's level at ``mean(x)`` of ``boot`` case resamples.

    Resample ``b`` draws ``n`` indices uniformly with replacement from
    ``numpy.random.default_rng(seed)``, block after block of :data:`BLOCK` rows of one
    ``integers(0, n, (rows, n))`` call each. Resamples whose dates are all equal (no slope) are
    dropped, so fewer than ``boot`` draws may come back.
    """
    n = int(x.size)
    if n < 3:
        raise DegenerateFitError(REASON_TOO_FEW_POINTS, f"need at least 3 points, got {n}")
    rng = np.random.default_rng(seed)
    x_mean = float(np.mean(x))
    xc = x - x_mean  # centre once: better conditioned sums
    slopes: list[FloatArray] = []
    levels: list[FloatArray] = []
    done = 0
    while done < boot:
        rows = min(BLOCK, boot - done)
        idx = rng.integers(0, n, size=(rows, n))
        xb = xc[idx]
        yb = y[idx]
        mx = xb.mean(axis=1)
        my = yb.mean(axis=1)
        dx = xb - mx[:, None]
        sxx = np.einsum("ij,ij->i", dx, dx)
        sxy = np.einsum("ij,ij->i", dx, yb - my[:, None])
        ok = sxx > 0.0
        slope = sxy[ok] / sxx[ok]
        slopes.append(slope)
        levels.append(my[ok] - slope * mx[ok])  # the resampled line at x_mean (xc = 0)
        done += rows
    return np.concatenate(slopes), np.concatenate(levels)


def bootstrap_fit(
    fit: LogLinearFit, x: FloatArray, y: FloatArray, boot: int, seed: int
) -> LogLinearFit:
    """``fit`` with percentile bootstrap intervals (slope, growth, doubling time, the line).

    The point estimates stay those of ``fit``; ``slope_stderr`` becomes the standard deviation of
    the resampled slopes. Growth and doubling time are monotone in the slope, so their
    percentile limits are the slope's limits mapped through ``10 ** s`` and
    ``12 log10(2) / s`` (unbounded above when the slope's lower limit is <= 0).
    """
    slopes, levels = resample_lines(x, y, boot, seed)
    if slopes.size < 2:
        raise DegenerateFitError(REASON_TOO_FEW_POINTS, "too few resamples with two dates")
    slope_ci = percentile_interval(slopes, fit.ci_level)
    low, high = slope_ci.low, slope_ci.high
    assert low is not None and high is not None  # finite draws
    intercepts = levels - slopes * fit.x_mean
    return replace(
        fit,
        interval_method="bootstrap",
        slope_ci=slope_ci,
        slope_stderr=float(np.std(slopes, ddof=1)),
        growth_per_year_ci=Interval(pow10(low), pow10(high)),
        doubling_time_ci=doubling_interval(low, high),
        intercept_ci=percentile_interval(intercepts, fit.ci_level),
        slope_draws=slopes,
        level_draws=levels,
    )
