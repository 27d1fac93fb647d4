"""Rolling-origin backtests of a log-linear trend: fit on the past, score the next years."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from api.trends.stats.fit import LogLinearFit, fit_arrays
from api.trends.stats.numeric import DegenerateFitError, FloatArray


@dataclass(frozen=True)
class OriginScore:
    """One origin: a fit on the points before it, scored on the points of the next years.

    ``median_error_oom``: median of (actual - predicted) log10 values of the scored points
    (positive: the trend under-predicted). ``coverage``: share of scored points inside their
    prediction interval. ``fit`` is ``None`` (and the scores too) when the past cannot be fitted
    or the horizon holds no point; ``reason`` says which.
    """

    origin: float
    n_train: int
    n_test: int
    fit: LogLinearFit | None
    median_error_oom: float | None
    mean_absolute_error_oom: float | None
    coverage: float | None
    reason: str | None


def score_origin(
    x: FloatArray, y: FloatArray, origin: float, horizon: float, level: float
) -> OriginScore:
    """Fit ``x < origin``, score ``origin <= x < origin + horizon``."""
    train = x < origin
    test = (x >= origin) & (x < origin + horizon)
    n_train, n_test = int(train.sum()), int(test.sum())
    if n_test == 0:
        return OriginScore(origin, n_train, 0, None, None, None, None, "no_models_in_horizon")
    try:
        fit = fit_arrays(x[train], y[train], level)
    except DegenerateFitError as error:
        return OriginScore(origin, n_train, n_test, None, None, None, None, error.reason)
    xt, yt = x[test], y[test]
    predicted = fit.y_mean + fit.slope_oom_per_year * (xt - fit.x_mean)
    errors = yt - predicted
    half = (
        fit.t_quantile
        * fit.residual_std
        * np.sqrt(1.0 + 1.0 / fit.n + (xt - fit.x_mean) ** 2 / fit.sxx)
    )
    inside = np.abs(errors) <= half
    return OriginScore(
        origin=origin,
        n_train=n_train,
        n_test=n_test,
        fit=fit,
        median_error_oom=float(np.median(errors)),
        mean_absolute_error_oom=float(np.mean(np.abs(errors))),
        coverage=float(np.mean(inside)),
        reason=None,
    )


@dataclass(frozen=True)
class Backtest:
    """Every origin's score and the totals over the scored ones.

    ``coverage``: share of all scored points (pooled over origins) inside their prediction
    interval; ``mean_absolute_error_oom``: mean over scored origins of ``|median_error_oom|``;
    ``None`` when no origin could be scored.
    """

    origins: tuple[OriginScore, ...]
    coverage: float | None
    mean_absolute_error_oom: float | None
    scored_points: int


def backtest(
    x: FloatArray, y: FloatArray, origins: FloatArray, horizon: float, level: float
) -> Backtest:
    """Score every origin (see :func:`score_origin`) and pool the results."""
    scores = tuple(score_origin(x, y, float(o), horizon, level) for o in origins)
    scored = [s for s in scores if s.coverage is not None and s.median_error_oom is not None]
    points = sum(s.n_test for s in scored)
    if not scored:
        return Backtest(scores, None, None, 0)
    inside = sum(s.n_test * (s.coverage or 0.0) for s in scored)
    mae = float(np.mean([abs(s.median_error_oom or 0.0) for s in scored]))
    return Backtest(scores, inside / points, mae, points)
