"""The before/after comparison in words: the ratio of slopes and what its interval allows."""

from __future__ import annotations

import datetime as dt

from api.trends.metrics import Metric
from api.trends.stats.compare import SlopeComparison
from api.trends.stats.fit import LogLinearFit

TEN: float = 10.0


def ten_times_faster(comparison: SlopeComparison) -> bool | None:
    """Is the slope after at least ten times the slope before, at the comparison's level?

    ``True`` when the whole (bounded) ratio interval is at or above 10, ``False`` when it lies
    below 10, ``None`` when it includes 10 or is not a bounded interval (the question cannot be
    settled from these data at this level).
    """
    low, high = comparison.ratio_ci.low, comparison.ratio_ci.high
    if comparison.ratio_ci_shape != "bounded" or low is None or high is None:
        return None
    if low >= TEN:
        return True
    if high < TEN:
        return False
    return None


def _interval_text(comparison: SlopeComparison, level: str) -> str:
    low, high = comparison.ratio_ci.low, comparison.ratio_ci.high
    if comparison.ratio_ci_shape == "bounded" and low is not None and high is not None:
        return f"{level} CI {low:.2f} to {high:.2f}"
    return (
        f"{level} CI unbounded, because the slope before is not clearly different from 0 "
        "at this level"
    )


def answer(
    metric: Metric,
    split: dt.date,
    before: LogLinearFit,
    after: LogLinearFit,
    comparison: SlopeComparison,
) -> str:
    """The comparison as one or two sentences, with its numbers and interval."""
    level = f"{comparison.ci_level * 100:g}%"
    b, a = before.slope_oom_per_year, after.slope_oom_per_year
    slopes = (
        f"{a:.3g} vs {b:.3g} orders of magnitude per year (x{after.growth_per_year:.3g} vs "
        f"x{before.growth_per_year:.3g} per year)"
    )
    ratio = comparison.ratio
    if ratio is None:
        return (
            f"Before {split} the fitted slope of {metric.value} is exactly 0, so no ratio "
            f"exists; from {split} on it is {a:.3g} orders of magnitude per year."
        )
    interval = _interval_text(comparison, level)
    if ratio <= 0:
        text = (
            f"The trend of {metric.value} changed direction at {split}: {slopes}, after vs "
            f"before (ratio {ratio:.2f}, {interval})."
        )
    else:
        text = (
            f"From {split} on, {metric.value} grew {ratio:.2f}x as fast (in orders of "
            f"magnitude per year) as before ({interval}): {slopes}."
        )
    verdict = ten_times_faster(comparison)
    if verdict is True:
        return text + f" Ten times as fast or more: the whole {level} interval is at least 10."
    if verdict is False:
        return text + f" Not ten times as fast: the whole {level} interval is below 10."
    return text + f" Whether it is ten times as fast is not settled at {level}."
