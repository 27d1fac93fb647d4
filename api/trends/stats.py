"""Trend statistics for log-scale growth of deep-learning quantities.

Pure functions only: numbers in, numbers out (no FastAPI, no database).

The core method is ordinary least squares of ``log10(value)`` on the decimal year of
publication, so a slope is measured in orders of magnitude (OOM) per year.  All confidence
intervals are two-sided at level ``ci`` and use Student-t quantiles from ``scipy.stats.t``.

Conventions shared by every result type:

* No float field is ever NaN or infinite.  Where a quantity does not exist or cannot be
  represented (an unbounded confidence limit, a doubling time for a shrinking quantity, a value
  that overflows a float) it is ``None``, and a ``*_reason`` field says why where it matters.
* :class:`DegenerateFitError` (a ``ValueError``) is raised, with a machine-readable ``reason``,
  when the data cannot support a fit.  Other invalid arguments raise a plain ``ValueError``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "DOUBLING_CONSTANT_MONTHS",
    "Breakpoint",
    "DegenerateFitError",
    "Interval",
    "LogLinearFit",
    "SlopeComparison",
    "Summary",
    "compare_slopes",
    "decimal_year",
    "find_breakpoint",
    "fit_loglinear",
    "record_indices",
    "summarize",
]

FloatArray = npt.NDArray[np.float64]
#: Accepted input for a one-dimensional series of numbers.
Numbers = Sequence[float] | npt.NDArray[np.floating[Any]] | npt.NDArray[np.integer[Any]]

#: ``12 * log10(2)``: months to double when growing at 1 OOM per year.
DOUBLING_CONSTANT_MONTHS: Final[float] = 12.0 * math.log10(2.0)

# Reasons carried by DegenerateFitError.
REASON_TOO_FEW_POINTS: Final = "too_few_points"
REASON_SINGLE_DISTINCT_DATE: Final = "single_distinct_date"
REASON_NON_FINITE: Final = "non_finite"
REASON_NON_POSITIVE_VALUE: Final = "non_positive_value"
REASON_NO_VALID_CANDIDATE: Final = "no_valid_candidate"


class DegenerateFitError(ValueError):
    """The data cannot support the requested fit.

    ``reason`` is one of ``"too_few_points"`` (fewer than 3 points, or too few for two segments),
    ``"single_distinct_date"`` (all x equal), ``"non_finite"`` (NaN/inf in the input, or a result
    that overflows a float), ``"non_positive_value"`` (a value <= 0 cannot be log-transformed) or
    ``"no_valid_candidate"`` (no break year leaves enough points on both sides).
    """

    def __init__(self, reason: str, message: str | None = None) -> None:
        self.reason = reason
        super().__init__(message or reason)


@dataclass(frozen=True)
class Interval:
    """A closed interval; ``None`` for a limit means unbounded (or undefined) on that side."""

    low: float | None
    high: float | None

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (``None`` limits are treated as infinite)."""
        return (self.low is None or self.low <= value) and (self.high is None or value <= self.high)

    @property
    def bounded(self) -> bool:
        """True when both limits are finite numbers."""
        return self.low is not None and self.high is not None


# --------------------------------------------------------------------------------------------
# helpers


def _as_array(name: str, data: Numbers) -> FloatArray:
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _paired(years: Numbers, values: Numbers) -> tuple[FloatArray, FloatArray]:
    x = _as_array("years", years)
    y = _as_array("values", values)
    if x.shape != y.shape:
        raise ValueError(f"years and values differ in length ({x.size} != {y.size})")
    return x, y


def _check_ci(ci: float) -> float:
    level = float(ci)
    if not 0.0 < level < 1.0:
        raise ValueError(f"ci must be strictly between 0 and 1, got {ci!r}")
    return level


def _log_inputs(years: Numbers, values: Numbers) -> tuple[FloatArray, FloatArray]:
    """Validate paired positive data; return ``(x, log10(values))``."""
    x, v = _paired(years, values)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(v))):
        raise DegenerateFitError(REASON_NON_FINITE, "years and values must be finite")
    if np.any(v <= 0.0):
        raise DegenerateFitError(
            REASON_NON_POSITIVE_VALUE, "values must be > 0 to take log10 (filter them first)"
        )
    return x, np.log10(v)


def _t_quantile(ci: float, dof: float) -> float:
    """Two-sided Student-t critical value for level ``ci`` with ``dof`` degrees of freedom."""
    return float(stats.t.ppf(0.5 * (1.0 + ci), dof))


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _pow10(exponent: float) -> float | None:
    """``10 ** exponent``, or ``None`` when it overflows a float."""
    try:
        result = 10.0**exponent
    except OverflowError:
        return None
    return _finite_or_none(result)


def _welch_dof(var_a: float, dof_a: float, var_b: float, dof_b: float) -> float:
    """Welch-Satterthwaite degrees of freedom of the sum of two independent estimates.

    ``var_*`` are squared standard errors.  When both variances are zero the combination is
    exact and the conventional ``dof_a + dof_b`` is returned (any finite value gives the same
    collapsed interval).
    """
    denom = var_a * var_a / dof_a + var_b * var_b / dof_b
    if denom <= 0.0:
        return dof_a + dof_b
    dof = (var_a + var_b) ** 2 / denom
    # Mathematically min(dof_a, dof_b) <= dof <= dof_a + dof_b; clamp away rounding error.
    return min(max(dof, min(dof_a, dof_b)), dof_a + dof_b)


# --------------------------------------------------------------------------------------------
# dates


def decimal_year(d: datetime.date) -> float:
    """Year plus the elapsed fraction of that year: ``year + (day_of_year - 1) / days_in_year``.

    ``2020-01-01 -> 2020.0``; ``2021-07-02 -> 2021 + 182/365``.  Leap years divide by 366.  A
    ``datetime.datetime`` is truncated to its date (time of day is ignored).
    """
    day_index = d.timetuple().tm_yday - 1
    days_in_year = 366 if _is_leap(d.year) else 365
    return d.year + day_index / days_in_year


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# --------------------------------------------------------------------------------------------
# single log-linear fit


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

    def predict(self, year: float) -> float:
        """Fitted log10 value at ``year``."""
        return self.y_mean + self.slope_oom_per_year * (year - self.x_mean)

    def predict_stderr(self, year: float) -> float:
        """Standard error of the fitted mean log10 value at ``year``."""
        lever = 1.0 / self.n + (year - self.x_mean) ** 2 / self.sxx
        return self.residual_std * math.sqrt(lever)

    def predict_ci(self, year: float) -> Interval:
        """Confidence interval (at ``ci_level``) of the fitted mean log10 value at ``year``."""
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
    level = _check_ci(ci)
    x, y = _log_inputs(years, values)
    return _fit_arrays(x, y, level)


def _fit_arrays(x: FloatArray, y: FloatArray, level: float) -> LogLinearFit:
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

    q = _t_quantile(level, dof)
    slope_low, slope_high = slope - q * slope_se, slope + q * slope_se
    growth = _pow10(slope)
    if growth is None:
        raise DegenerateFitError(
            REASON_NON_FINITE, f"slope {slope:g} OOM/year is too steep to express as a factor"
        )
    growth_ci = Interval(_pow10(slope_low), _pow10(slope_high))

    doubling, reason = _doubling_time(slope)
    halving = _finite_or_none(-DOUBLING_CONSTANT_MONTHS / slope) if slope < 0.0 else None
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
        doubling_time_ci=_doubling_interval(slope_low, slope_high),
        halving_time_months=halving,
        x_min=x_min,
        x_max=x_max,
    )


def _doubling_time(slope: float) -> tuple[float | None, str | None]:
    if slope > 0.0:
        months = _finite_or_none(DOUBLING_CONSTANT_MONTHS / slope)
        return (months, None) if months is not None else (None, "slope_too_small")
    if slope < 0.0:
        return None, "declining"
    return None, "flat"


def _doubling_interval(slope_low: float, slope_high: float) -> Interval:
    """Image of the slope interval under ``s -> 12*log10(2)/s`` restricted to ``s > 0``."""
    if slope_high <= 0.0:
        return Interval(None, None)  # never doubles anywhere in the interval: undefined
    low = _finite_or_none(DOUBLING_CONSTANT_MONTHS / slope_high)
    if slope_low <= 0.0:
        return Interval(low, None)  # slope may be ~0: arbitrarily slow doubling
    return Interval(low, _finite_or_none(DOUBLING_CONSTANT_MONTHS / slope_low))


# --------------------------------------------------------------------------------------------
# comparing two slopes


@dataclass(frozen=True)
class SlopeComparison:
    """``after`` versus ``before`` slope, as a ratio and as a difference.

    ``ratio`` is ``after / before`` (``None`` if the ``before`` slope is exactly 0).
    ``ratio_ci_shape`` is ``"bounded"`` (a finite Fieller interval), ``"exclusive"`` (Fieller's
    set is two rays, ``(-inf, a] U [b, inf)``) or ``"unbounded"`` (the whole real line); in the
    last two cases both ``ratio_ci`` limits are ``None``.
    """

    ratio: float | None
    ratio_ci: Interval
    ratio_ci_shape: str
    ratio_dof: float
    difference_oom_per_year: float
    difference_stderr: float
    difference_ci: Interval
    difference_dof: float
    ci_level: float
    method: str


_COMPARE_METHOD: Final = (
    "difference: (after - before) slope with stderr sqrt(se_a^2 + se_b^2) and a Student-t "
    "quantile on Welch-Satterthwaite degrees of freedom; ratio: after/before with a Fieller "
    "interval for two independent normal estimates (covariance 0, disjoint samples), using a "
    "Student-t quantile on min(dof_before, dof_after) degrees of freedom (conservative: the "
    "Welch-Satterthwaite dof of any linear combination is at least that); the Fieller set is "
    "reported as unbounded (None limits) whenever |before| / se_before <= that quantile, i.e. "
    "the denominator's interval includes 0"
)


def compare_slopes(before: LogLinearFit, after: LogLinearFit, ci: float = 0.95) -> SlopeComparison:
    """Compare the slopes of two independent fits (fitted on disjoint samples).

    See ``SlopeComparison.method`` (also returned) for the exact procedure.
    """
    level = _check_ci(ci)
    b, a = before.slope_oom_per_year, after.slope_oom_per_year
    var_b, var_a = before.slope_stderr**2, after.slope_stderr**2

    diff = a - b
    diff_se = math.sqrt(var_a + var_b)
    diff_dof = _welch_dof(var_a, after.dof, var_b, before.dof)
    q_diff = _t_quantile(level, diff_dof)
    diff_ci = Interval(diff - q_diff * diff_se, diff + q_diff * diff_se)

    ratio_dof = float(min(before.dof, after.dof))
    q = _t_quantile(level, ratio_dof)
    ratio = _finite_or_none(a / b) if b != 0.0 else None
    ratio_ci, shape = _fieller(a, var_a, b, var_b, q)
    return SlopeComparison(
        ratio=ratio,
        ratio_ci=ratio_ci,
        ratio_ci_shape=shape,
        ratio_dof=ratio_dof,
        difference_oom_per_year=diff,
        difference_stderr=diff_se,
        difference_ci=diff_ci,
        difference_dof=diff_dof,
        ci_level=level,
        method=_COMPARE_METHOD,
    )


def _fieller(
    num: float, var_num: float, den: float, var_den: float, q: float
) -> tuple[Interval, str]:
    """Fieller confidence set for ``num / den`` with independent estimates.

    The set is ``{r : (num - r*den)^2 <= q^2 (var_num + r^2 var_den)}``, i.e.
    ``A r^2 - 2 B r + C <= 0`` with ``A = den^2 - q^2 var_den``, ``B = num*den``,
    ``C = num^2 - q^2 var_num``.  It is a bounded interval iff ``A > 0``.
    """
    q2 = q * q
    a_coef = den * den - q2 * var_den
    if not a_coef > 0.0:
        disc_unbounded = num * num * var_den + den * den * var_num - q2 * var_num * var_den
        shape = "exclusive" if a_coef < 0.0 and disc_unbounded > 0.0 else "unbounded"
        return Interval(None, None), shape
    b_coef = num * den
    # (B^2 - A*C) / q^2 = num^2 var_den + var_num * A  >= 0 whenever A > 0.
    disc = num * num * var_den + var_num * a_coef
    half = q * math.sqrt(max(disc, 0.0))
    r1 = (b_coef - half) / a_coef
    r2 = (b_coef + half) / a_coef
    low, high = (r1, r2) if r1 <= r2 else (r2, r1)
    return Interval(_finite_or_none(low), _finite_or_none(high)), "bounded"


# --------------------------------------------------------------------------------------------
# breakpoint search


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
    level = _check_ci(ci)
    m = int(min_points_per_side)
    if m < 3:
        raise ValueError("min_points_per_side must be at least 3 (a line needs 3 points for a CI)")
    x_raw, y_raw = _log_inputs(years, values)
    n = int(x_raw.size)
    if n < 2 * m:
        raise DegenerateFitError(
            REASON_TOO_FEW_POINTS, f"need at least {2 * m} points for two segments, got {n}"
        )
    order = np.argsort(x_raw, kind="stable")
    x = x_raw[order]
    y = y_raw[order]
    single = _fit_arrays(x, y, level)

    if candidates is None:
        cand = np.unique(x[m : n - m + 1])
    else:
        cand = np.unique(_as_array("candidates", candidates))
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

    before = _fit_arrays(x[:split], y[:split], level)
    after = _fit_arrays(x[split:], y[split:], level)
    sse = before.sse + after.sse
    f_stat, p_value = _chow(single.sse, sse, n)

    jump = after.predict(c) - before.predict(c)
    var_b = before.predict_stderr(c) ** 2
    var_a = after.predict_stderr(c) ** 2
    jump_se = math.sqrt(var_a + var_b)
    q_jump = _t_quantile(level, _welch_dof(var_a, after.dof, var_b, before.dof))
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
    return f_stat, float(stats.f.sf(f_stat, 2, dof_den))


# --------------------------------------------------------------------------------------------
# descriptive helpers


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
    v = _as_array("values", values)
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
    x, v = _paired(years, values)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(v))):
        raise ValueError("years and values must be finite")
    if x.size == 0:
        return []
    order = np.argsort(x, kind="stable")
    ordered = v[order]
    previous_max = np.concatenate(([-np.inf], np.maximum.accumulate(ordered)[:-1]))
    return [int(i) for i in order[ordered > previous_max]]
