"""Descriptive statistics: summaries of positive values and record-setting points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from api.trends.stats.numeric import Numbers, as_array, paired


@dataclass(frozen=True)
class Summary:
    """Descriptive statistics of positive values."""

    count: int
    min: float
    median: float
    p90: float
    max: float
    geometric_mean: float


def summarize(values: Numbers) -> Summary:
    """Count, min, median, 90th percentile, max and geometric mean of positive values.

    ``p90`` is ``numpy.percentile(values, 90)`` with numpy's default ``"linear"`` method
    (interpolating between the two nearest order statistics).  ``geometric_mean`` is
    ``exp(mean(log(values)))``.

    Raises:
        ValueError: empty input, non-finite values or values <= 0.
    """
    v = as_array("values", values)
    if v.size == 0:
        raise ValueError("values must not be empty")
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite")
    if np.any(v <= 0.0):
        raise ValueError("values must be > 0")
    lo = float(np.min(v))
    hi = float(np.max(v))
    geo = float(np.exp(np.mean(np.log(v))))
    return Summary(
        count=int(v.size),
        min=lo,
        median=float(np.median(v)),
        p90=float(np.percentile(v, 90)),
        max=hi,
        geometric_mean=min(max(geo, lo), hi),  # clamp rounding error
    )


def record_indices(years: Numbers, values: Numbers) -> list[int]:
    """Indices (into the input) of points that set a new strict maximum in date order.

    Points are ordered by year with a stable sort, so points sharing a date are taken in input
    order; a later point on the same date counts only if it strictly exceeds the earlier ones.
    The first point (in that order) is always a record.

    Raises:
        ValueError: mismatched lengths or non-finite input.
    """
    x, v = paired(years, values)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(v))):
        raise ValueError("years and values must be finite")
    if x.size == 0:
        return []
    order = np.argsort(x, kind="stable")
    ordered = v[order]
    previous_max = np.concatenate(([-np.inf], np.maximum.accumulate(ordered)[:-1]))
    return [int(i) for i in order[ordered > previous_max]]
