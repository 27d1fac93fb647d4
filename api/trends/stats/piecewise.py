"""Piecewise log-linear trends: up to a few breaks, each with or without a jump, the number of
breaks chosen by BIC.

One least-squares fit of ``log10(value)`` on a design of hinges: ``1, x - x0`` and, for each
break ``c``, ``(x - c)+`` (the slope changes at ``c``) and, with jumps, ``[x >= c]`` (the line
steps at ``c``). With jumps this is the same as separate lines per segment; without, a
continuous broken line. Intervals are Student-t on ``n - p`` dof with the pooled residual
variance.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from api.trends.stats.numeric import (
    REASON_NO_VALID_CANDIDATE,
    DegenerateFitError,
    FloatArray,
    Interval,
    finite_or_none,
    t_quantile,
)

#: Candidate break dates are thinned to at most this many (evenly spaced in rank).
MAX_CANDIDATES: Final = 30
#: Combinations scored per batch.
BATCH: Final = 4096


def design(x: FloatArray, x0: float, breaks: tuple[float, ...], jump: bool) -> FloatArray:
    """The design matrix of a piecewise line with ``breaks`` (see the module docstring)."""
    columns = [np.ones_like(x), x - x0]
    for c in breaks:
        columns.append(np.maximum(x - c, 0.0))
        if jump:
            columns.append((x >= c).astype(np.float64))
    return np.column_stack(columns)


def params_of(k: int, jump: bool) -> int:
    """Coefficients of a fit with ``k`` breaks."""
    return 2 + k * (2 if jump else 1)


def bic(sse: float, n: int, k: int, jump: bool) -> float:
    """``n ln(sse / n) + (coefficients + breaks) ln n`` (each break location is a parameter)."""
    return n * math.log(max(sse, 1e-300) / n) + (params_of(k, jump) + k) * math.log(n)


@dataclass(frozen=True)
class PiecewiseFit:
    """A least-squares piecewise line with fixed ``breaks``."""

    breaks: tuple[float, ...]
    jump: bool
    n: int
    dof: int
    x0: float
    coef: FloatArray
    cov: FloatArray
    sse: float
    bic: float
    level: float
    t_quantile: float

    def _combo(self, weights: FloatArray) -> tuple[float, float]:
        value = float(weights @ self.coef)
        return value, math.sqrt(max(float(weights @ self.cov @ weights), 0.0))

    def _ci(self, value: float, se: float) -> Interval:
        return Interval(value - self.t_quantile * se, value + self.t_quantile * se)

    def slope_weights(self, segment: int) -> FloatArray:
        """Weights of the coefficients giving the slope of ``segment`` (0 = before all breaks)."""
        w = np.zeros(self.coef.size)
        w[1] = 1.0
        step = 2 if self.jump else 1
        for i in range(segment):
            w[2 + i * step] = 1.0
        return w

    def slope(self, segment: int) -> tuple[float, Interval, float]:
        """Slope of ``segment`` (OOM/year), its interval and standard error."""
        value, se = self._combo(self.slope_weights(segment))
        return value, self._ci(value, se), se

    def jump_at(self, index: int) -> tuple[float, Interval] | None:
        """The step of the line at break ``index`` (after - before, OOM); ``None`` without jumps."""
        if not self.jump:
            return None
        w = np.zeros(self.coef.size)
        w[3 + 2 * index] = 1.0
        value, se = self._combo(w)
        return value, self._ci(value, se)

    def slope_ratio(self, index: int) -> tuple[float | None, Interval, str]:
        """After / before slope at break ``index``, with its Fieller interval (covariance kept)."""
        wb, wa = self.slope_weights(index), self.slope_weights(index + 1)
        b, a = float(wb @ self.coef), float(wa @ self.coef)
        vb, va, cab = (float(u @ self.cov @ v) for u, v in ((wb, wb), (wa, wa), (wa, wb)))
        return fieller(a, va, b, vb, cab, self.t_quantile)

    def predict(self, x: FloatArray) -> FloatArray:
        """Fitted log10 values at ``x``."""
        result: FloatArray = design(x, self.x0, self.breaks, self.jump) @ self.coef
        return result


def fieller(
    num: float, var_num: float, den: float, var_den: float, cov: float, q: float
) -> tuple[float | None, Interval, str]:
    """``num / den`` with Fieller's set ``{r : (num - r den)^2 <= q^2 (vn - 2 r c + r^2 vd)}``:
    ``bounded`` when ``den`` is clearly non-zero, else ``unbounded`` (``None`` limits)."""
    ratio = finite_or_none(num / den) if den != 0.0 else None
    q2 = q * q
    a = den * den - q2 * var_den
    if not a > 0.0:
        return ratio, Interval(None, None), "unbounded"
    b = num * den - q2 * cov
    c = num * num - q2 * var_num
    half = math.sqrt(max(b * b - a * c, 0.0))
    return ratio, Interval((b - half) / a, (b + half) / a), "bounded"


def fit_piecewise(
    x: FloatArray, y: FloatArray, breaks: tuple[float, ...], jump: bool, level: float
) -> PiecewiseFit:
    """Least squares with the given ``breaks`` (sorted), t intervals at ``level``."""
    n = int(x.size)
    x0 = float(np.mean(x))
    mat = design(x, x0, breaks, jump)
    p = mat.shape[1]
    coef, *_ = np.linalg.lstsq(mat, y, rcond=None)
    resid = y - mat @ coef
    sse = float(resid @ resid)
    dof = n - p
    if dof < 1:
        raise DegenerateFitError("too_few_points", f"{n} points cannot fit {p} coefficients")
    cov = (sse / dof) * np.linalg.pinv(mat.T @ mat)
    return PiecewiseFit(
        breaks=breaks,
        jump=jump,
        n=n,
        dof=dof,
        x0=x0,
        coef=np.asarray(coef, dtype=np.float64),
        cov=cov,
        sse=sse,
        bic=bic(sse, n, len(breaks), jump),
        level=level,
        t_quantile=t_quantile(level, dof),
    )


def candidate_breaks(x: FloatArray, min_points: int) -> FloatArray:
    """Distinct dates that can start a segment of a sorted ``x``, leaving ``min_points`` points
    before and after, thinned to :data:`MAX_CANDIDATES` evenly spaced in rank."""
    n = int(x.size)
    cand = np.unique(x[min_points : n - min_points + 1])
    if cand.size > MAX_CANDIDATES:
        cand = np.unique(cand[np.linspace(0, cand.size - 1, MAX_CANDIDATES).round().astype(int)])
    return cand


def _valid(x: FloatArray, combo: tuple[float, ...], min_points: int) -> bool:
    """Every segment has ``min_points`` points and two distinct dates."""
    edges = [0, *np.searchsorted(x, combo, side="left").tolist(), x.size]
    for lo, hi in itertools.pairwise(edges):
        if hi - lo < min_points or x[lo] == x[hi - 1]:
            return False
    return True


def _segments_sse(x: FloatArray, y: FloatArray, combos: list[tuple[float, ...]]) -> FloatArray:
    """With jumps the fit is one OLS line per segment: the total SSE of every combination from
    prefix sums of the (centred) data, O(1) per segment."""
    xc = x - np.mean(x)
    yc = y - np.mean(y)
    zero = np.zeros(1)
    sums = [np.concatenate((zero, np.cumsum(v))) for v in (xc, yc, xc * xc, xc * yc, yc * yc)]
    cuts = np.searchsorted(x, np.asarray(combos, dtype=np.float64), side="left")
    n = x.size
    edges = np.column_stack(
        [np.zeros(len(combos), dtype=np.intp), cuts, np.full(len(combos), n, dtype=np.intp)]
    )
    total = np.zeros(len(combos))
    for j in range(edges.shape[1] - 1):
        lo, hi = edges[:, j], edges[:, j + 1]
        count = (hi - lo).astype(np.float64)
        sx, sy, sxx, sxy, syy = (s[hi] - s[lo] for s in sums)
        cxx = sxx - sx * sx / count
        cxy = sxy - sx * sy / count
        cyy = syy - sy * sy / count
        total += np.maximum(cyy - cxy * cxy / cxx, 0.0)
    return total


def _hinges_sse(x: FloatArray, y: FloatArray, combos: list[tuple[float, ...]]) -> FloatArray:
    """Without jumps: the normal equations of ``1, u, (u - c_j)+`` (``u`` = centred ``x``) built
    from suffix sums of the sorted data (O(k^2) per combination), solved in one batch."""
    x0 = float(np.mean(x))
    u = x - x0
    yc = y - np.mean(y)
    zero = np.zeros(1)

    def suffix(v: FloatArray) -> FloatArray:
        return np.concatenate((np.cumsum(v[::-1])[::-1], zero))

    count = np.arange(x.size, -1, -1, dtype=np.float64)  # points at or after index k
    su, suu, sy, suy = (suffix(v) for v in (u, u * u, yc, u * yc))
    cs = np.asarray(combos, dtype=np.float64)  # (m, k) break dates, ascending per row
    cuts = np.searchsorted(x, cs, side="left")
    c = cs - x0
    m, k = cs.shape
    p = 2 + k
    xtx = np.zeros((m, p, p))
    xty = np.zeros((m, p))
    xtx[:, 0, 0] = x.size
    xtx[:, 0, 1] = xtx[:, 1, 0] = su[0]
    xtx[:, 1, 1] = suu[0]
    xty[:, 0] = sy[0]
    xty[:, 1] = suy[0]
    for j in range(k):
        kj, cj = cuts[:, j], c[:, j]
        n_j, u_j, uu_j = count[kj], su[kj], suu[kj]
        xtx[:, 0, 2 + j] = xtx[:, 2 + j, 0] = u_j - cj * n_j
        xtx[:, 1, 2 + j] = xtx[:, 2 + j, 1] = uu_j - cj * u_j
        xty[:, 2 + j] = suy[kj] - cj * sy[kj]
        for i in range(j + 1):  # c_i <= c_j: both hinges are non-zero from c_j on
            ci = c[:, i]
            value = uu_j - (ci + cj) * u_j + ci * cj * n_j
            xtx[:, 2 + i, 2 + j] = xtx[:, 2 + j, 2 + i] = value
    coef = np.linalg.solve(xtx, xty[..., None])[..., 0]
    sse: FloatArray = np.maximum(float(yc @ yc) - np.einsum("mp,mp->m", coef, xty), 0.0)
    return sse


def _batch_sse(
    x: FloatArray, y: FloatArray, combos: list[tuple[float, ...]], jump: bool
) -> FloatArray:
    """Residual sums of squares of every combination (``x`` sorted)."""
    return _segments_sse(x, y, combos) if jump else _hinges_sse(x, y, combos)


@dataclass(frozen=True)
class BreakSelection:
    """The best fit for each number of breaks ``0..max_breaks`` and the one BIC chooses."""

    fits: tuple[PiecewiseFit, ...]
    chosen: int
    candidates: int
    combinations_tested: tuple[int, ...]


def select_breaks(
    x: FloatArray,
    y: FloatArray,
    max_breaks: int,
    jump: bool,
    min_points: int,
    level: float,
) -> BreakSelection:
    """For ``k = 0..max_breaks``, the breaks (among :func:`candidate_breaks`) with the least
    SSE, found by scoring every valid combination; the chosen ``k`` has the lowest BIC (ties: the
    fewest breaks). ``x`` must be sorted. A ``k`` with no valid combination is left out."""
    if not 0 <= max_breaks <= 3:
        raise ValueError("max_breaks must be between 0 and 3")
    cand = candidate_breaks(x, min_points)
    fits = [fit_piecewise(x, y, (), jump, level)]
    tested = [1]
    for k in range(1, max_breaks + 1):
        combos = [c for c in itertools.combinations(cand.tolist(), k) if _valid(x, c, min_points)]
        if not combos:
            break
        best_sse, best = math.inf, combos[0]
        for i in range(0, len(combos), BATCH):
            chunk = combos[i : i + BATCH]
            sse = _batch_sse(x, y, chunk, jump)
            j = int(np.argmin(sse))
            if sse[j] < best_sse:  # strictly: ties keep the earliest combination
                best_sse, best = float(sse[j]), chunk[j]
        fits.append(fit_piecewise(x, y, tuple(best), jump, level))
        tested.append(len(combos))
    if len(fits) == 1 and max_breaks > 0:
        raise DegenerateFitError(REASON_NO_VALID_CANDIDATE, "no break leaves enough points")
    bics = [f.bic for f in fits]
    chosen = int(np.argmin(bics))
    return BreakSelection(tuple(fits), chosen, int(cand.size), tuple(tested))
