"""Forecasts from a log-linear fit: the line at a date, with the line's interval and the
interval of one new model, and the inverse question (when does the line reach a value)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from api.trends.stats.fit import LogLinearFit
from api.trends.stats.numeric import Interval


@dataclass(frozen=True)
class PointForecast:
    """The fitted line at ``year``, in log10 units.

    ``mean_interval``: confidence interval of the line (the mean log10 value at ``year``),
    ``t * s * sqrt(1/n + (year - x_mean)^2 / sxx)``. ``prediction_interval``: where one new
    model at ``year`` falls, ``t * s * sqrt(1 + 1/n + (year - x_mean)^2 / sxx)``. Both at the
    fit's level, with its ``n - 2`` degrees of freedom.
    """

    year: float
    log10_value: float
    mean_interval: Interval
    prediction_interval: Interval
    extrapolated: bool


def predict_stderr_new(fit: LogLinearFit, year: float) -> float:
    """Standard error of one new observation's log10 value at ``year``."""
    lever = 1.0 + 1.0 / fit.n + (year - fit.x_mean) ** 2 / fit.sxx
    return fit.residual_std * math.sqrt(lever)


def forecast_at(fit: LogLinearFit, year: float) -> PointForecast:
    """The line, its interval and the prediction interval of one new model at ``year``."""
    centre = fit.predict(year)
    half_new = fit.t_quantile * predict_stderr_new(fit, year)
    return PointForecast(
        year=year,
        log10_value=centre,
        mean_interval=fit.predict_ci(year),
        prediction_interval=Interval(centre - half_new, centre + half_new),
        extrapolated=not fit.x_min <= year <= fit.x_max,
    )


@dataclass(frozen=True)
class InverseForecast:
    """When the line reaches ``log10_target``.

    ``year`` is ``None`` when the slope is exactly 0. ``year_interval`` is the Fieller
    (inverse-regression) interval: the years whose line interval contains the target, i.e.
    ``|target - predict(x)| <= t * se_mean(x)``. ``shape`` is ``"bounded"`` when the slope is
    clearly different from 0 at the level, else ``"unbounded"`` (both limits ``None``; the
    slope's interval includes 0, so the line may never reach the target).
    """

    log10_target: float
    year: float | None
    year_interval: Interval
    shape: str
    slope_interval_includes_zero: bool


def year_reaching(fit: LogLinearFit, log10_target: float) -> InverseForecast:
    """The decimal year at which the fitted line reaches ``log10_target``, with its interval."""
    b = fit.slope_oom_per_year
    r = log10_target - fit.y_mean
    year = fit.x_mean + r / b if b != 0.0 else None
    q = fit.t_quantile
    g = (q * fit.slope_stderr) ** 2
    includes_zero = fit.slope_ci.contains(0.0)
    # (r - b d)^2 <= q^2 s^2 (1/n + d^2/sxx), d = x - x_mean: a d^2 + 2 h d + c <= 0
    a = b * b - g
    h = -r * b
    c = r * r - (q * fit.residual_std) ** 2 / fit.n
    if a <= 0.0 or includes_zero:
        return InverseForecast(log10_target, year, Interval(None, None), "unbounded", True)
    disc = h * h - a * c
    root = math.sqrt(max(disc, 0.0))
    low, high = (-h - root) / a, (-h + root) / a
    return InverseForecast(
        log10_target,
        year,
        Interval(fit.x_mean + low, fit.x_mean + high),
        "bounded",
        False,
    )
