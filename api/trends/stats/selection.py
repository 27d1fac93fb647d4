"""Selections of models the way published analyses make them: the top N at release."""

from __future__ import annotations

import heapq

import numpy as np
import numpy.typing as npt

from api.trends.stats.numeric import FloatArray


def top_at_release(
    days: npt.NDArray[np.int64], values: FloatArray, top: int
) -> npt.NDArray[np.bool_]:
    """Which points were in the top ``top`` of ``values`` among all points published up to
    their own date (``days``: any increasing day number; the points need not be sorted).

    A point is in when fewer than ``top`` points published on or before its date (same-day
    points included, itself excluded) have a strictly larger value. So ties in value are all
    in (the top 10 may then hold more than 10 models), and models published on the same day
    compete with each other as well as with every earlier model.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    n = int(values.size)
    keep = np.zeros(n, dtype=bool)
    order = np.argsort(days, kind="stable")
    best: list[float] = []  # min-heap of the `top` largest values published so far
    i = 0
    while i < n:
        j = i
        while j < n and days[order[j]] == days[order[i]]:
            j += 1
        group = order[i:j]
        pool = np.asarray(sorted([*best, *(float(values[k]) for k in group)]))
        for k in group:
            larger = pool.size - int(np.searchsorted(pool, values[k], side="right"))
            keep[k] = larger < top
        for k in group:
            v = float(values[k])
            if len(best) < top:
                heapq.heappush(best, v)
            elif v > best[0]:
                heapq.heapreplace(best, v)
        i = j
    return keep
