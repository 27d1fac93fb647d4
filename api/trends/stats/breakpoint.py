"""The best single break of a log-linear trend: two lines, the jump between them, a Chow test."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from api.trends.stats.compare import welch_dof
from api.trends.stats.fit import LogLinearFit, fit_arrays
from api.trends.stats.numeric import (
    REASON_NO_VALID_CANDIDATE,
    REASON_TOO_FEW_POINTS,
    DegenerateFitError,
    FloatArray,
    Interval,
    Numbers,
    as_array,
    check_ci,
    log_inputs,
    t_quantile,
)


@dataclass(frozen=True)
class Breakpoint:
    """Best single break: two independent lines for ``x < break_year`` and ``x >= break_year``.

    ``jump_oom`` is ``after.predict(break_year) - before.predict(break_year)``; ``jump_ci`` uses
    the two mean-response standard errors with Welch-Satterthwaite dof.  ``f_statistic`` and
    ``p_value`` are the Chow test of two lines (4 parameters) against one line (2 parameters),
    ``F = ((sse_single_line - sse) / 2) / (sse / (n - 4))`` on (2, n - 4) dof.  The p-value is
    *nominal*: it ignores that the break year was chosen by searching, so it overstates the
    evidence.  ``f_statistic`` is ``None`` when ``sse == 0`` (F infinite, or 0/0 if the single
    line is also exact; ``p_value`` is then 0.0 or 1.0 respectively).
    """

    break_year: float
    jump_oom: float
    jump_ci: Interval
    sse: float
    sse_single_line: float
    f_statistic: float | None
    p_value: float
    before: LogLinearFit
    after: LogLinearFit
    single_line: LogLinearFit
    candidates_tested: int
    min_points_per_side: int


def find_breakpoint(
    years: Numbers,
    values: Numbers,
    candidates: Numbers | None = None,
    min_points_per_side: int = 10,
    ci: float = 0.95,
) -> Breakpoint:
    """Find the break year minimising the total SSE of two separate log-linear fits.

    A candidate ``c`` splits the points into ``x < c`` and ``x >= c``; it is *valid* when each
    side has at least ``min_points_per_side`` points and at least two distinct years.  Default
    candidates: every distinct year among the sorted points at 0-based positions
    ``min_points_per_side .. n - min_points_per_side`` (so each data year that can start the
    second segment).  Explicit ``candidates`` are de-duplicated and sorted.  Invalid candidates
    are skipped; ``candidates_tested`` counts the valid ones.

    All candidates are scored at once from prefix sums of the sorted data (sufficient
    statistics), so the cost is O(n log n + candidates).  Ties (SSE within ~1e-10 of the total
    sum of squares, i.e. rounding noise) go to the earliest candidate.  The reported fits are
    then recomputed exactly with :func:`fit_loglinear` on the two subsets.

    Raises:
        ValueError: invalid ``ci``, ``min_points_per_side < 3`` or non-finite candidates.
        DegenerateFitError: as :func:`fit_loglinear`, ``"too_few_points"`` when
            ``n < 2 * min_points_per_side``, or ``"no_valid_candidate"``.
    """
    level = check_ci(ci)
    m = int(min_points_per_side)
    if m < 3:
        raise ValueError("min_points_per_side must be at least 3 (a line needs 3 points for a CI)")
    x_raw, y_raw = log_inputs(years, values)
    n = int(x_raw.size)
    if n < 2 * m:
        raise DegenerateFitError(
            REASON_TOO_FEW_POINTS, f"need at least {2 * m} points for two segments, got {n}"
        )
    order = np.argsort(x_raw, kind="stable")
    x = x_raw[order]
    y = y_raw[order]
    single = fit_arrays(x, y, level)

    if candidates is None:
        cand = np.unique(x[m : n - m + 1])
    else:
        cand = np.unique(as_array("candidates", candidates))
        if not np.all(np.isfinite(cand)):
            raise ValueError("candidates must be finite")

    k = np.searchsorted(x, cand, side="left")  # points with x < c
    valid = (k >= m) & (n - k >= m)
    k_safe = np.clip(k, 1, n - 1)
    # two distinct years on each side (x is sorted, so compare the side's ends)
    valid &= (x[0] != x[k_safe - 1]) & (x[k_safe] != x[n - 1])
    cand = cand[valid]
    k = k[valid]
    if cand.size == 0:
        raise DegenerateFitError(REASON_NO_VALID_CANDIDATE, "no break year leaves enough points")

    sse_total = _split_sse(x, y, k)
    best_sse = float(np.min(sse_total))
    # Prefix-sum SSEs carry rounding error of order eps * (total sum of squares); treat SSEs
    # within a generous multiple of that as tied so the earliest candidate wins deterministically.
    syy_total = float(np.sum((y - single.y_mean) ** 2))
    tol = 1e-10 * max(syy_total, best_sse, 1e-300)
    best = int(np.flatnonzero(sse_total <= best_sse + tol)[0])
    c = float(cand[best])
    split = int(k[best])

    before = fit_arrays(x[:split], y[:split], level)
    after = fit_arrays(x[split:], y[split:], level)
    sse = before.sse + after.sse
    f_stat, p_value = _chow(single.sse, sse, n)

    jump = after.predict(c) - before.predict(c)
    var_b = before.predict_stderr(c) ** 2
    var_a = after.predict_stderr(c) ** 2
    jump_se = math.sqrt(var_a + var_b)
    q_jump = t_quantile(level, welch_dof(var_a, after.dof, var_b, before.dof))
    return Breakpoint(
        break_year=c,
        jump_oom=jump,
        jump_ci=Interval(jump - q_jump * jump_se, jump + q_jump * jump_se),
        sse=sse,
        sse_single_line=single.sse,
        f_statistic=f_stat,
        p_value=p_value,
        before=before,
        after=after,
        single_line=single,
        candidates_tested=int(cand.size),
        min_points_per_side=m,
    )


@dataclass(frozen=True)
class BestSplit:
    """The best single split by total SSE of two lines, without intervals or tests (cheap)."""

    split: int
    sse: float
    sse_single_line: float
    slope_before: float
    slope_after: float


def best_split(x: FloatArray, y: FloatArray, min_points_per_side: int) -> BestSplit | None:
    """For sorted ``x`` and ``y = log10(value)``: the split (first index of the second line)
    with the least total SSE among those leaving ``min_points_per_side`` points and two distinct
    dates on each side, as :func:`find_breakpoint` scores them; ``None`` when none is valid."""
    n = int(x.size)
    m = int(min_points_per_side)
    if n < 2 * m or x[0] == x[-1]:
        return None
    cand = np.unique(x[m : n - m + 1])
    k = np.searchsorted(x, cand, side="left")
    k_safe = np.clip(k, 1, n - 1)
    valid = (k >= m) & (n - k >= m) & (x[0] != x[k_safe - 1]) & (x[k_safe] != x[n - 1])
    k = k[valid]
    if k.size == 0:
        return None
    sse = _split_sse(x, y, k)
    best = int(k[int(np.argmin(sse))])
    dx = x - np.mean(x)
    single = float(np.sum((y - np.mean(y) - (dx @ (y - np.mean(y))) / (dx @ dx) * dx) ** 2))
    return BestSplit(
        best,
        float(np.min(sse)),
        single,
        _ols_slope(x[:best], y[:best]),
        _ols_slope(x[best:], y[best:]),
    )


def _ols_slope(x: FloatArray, y: FloatArray) -> float:
    dx = x - np.mean(x)
    return float(dx @ (y - np.mean(y)) / (dx @ dx))


def _split_sse(x: FloatArray, y: FloatArray, k: npt.NDArray[np.intp]) -> FloatArray:
    """Total SSE of separate OLS lines on ``[:k]`` and ``[k:]`` for each split ``k``."""
    xc = x - np.mean(x)  # centre globally for numerical stability
    yc = y - np.mean(y)
    zero = np.zeros(1)
    sums = [np.concatenate((zero, np.cumsum(v))) for v in (xc, yc, xc * xc, xc * yc, yc * yc)]
    n = x.size
    kf = k.astype(np.float64)

    def side_sse(
        count: FloatArray,
        sx: FloatArray,
        sy: FloatArray,
        sxx: FloatArray,
        sxy: FloatArray,
        syy: FloatArray,
    ) -> FloatArray:
        cxx = sxx - sx * sx / count
        cxy = sxy - sx * sy / count
        cyy = syy - sy * sy / count
        result: FloatArray = np.maximum(cyy - cxy * cxy / cxx, 0.0)
        return result

    left = side_sse(kf, *(s[k] for s in sums))
    right = side_sse(n - kf, *(s[n] - s[k] for s in sums))
    total: FloatArray = left + right
    return total


def _chow(sse_single: float, sse_split: float, n: int) -> tuple[float | None, float]:
    dof_den = n - 4
    gain = max(sse_single - sse_split, 0.0)
    if sse_split <= 0.0:
        return None, (0.0 if gain > 0.0 else 1.0)
    f_stat = (gain / 2.0) / (sse_split / dof_den)
    # scipy.stats.f.sf(f_stat, 2, dof_den), from scipy.special (see numeric.t_quantile).
    return f_stat, float(special.fdtrc(2, dof_den, f_stat))
