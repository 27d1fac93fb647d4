"""Comparing the slopes of two independent fits: a Welch difference and a Fieller ratio."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from api.trends.stats.fit import LogLinearFit
from api.trends.stats.numeric import Interval, check_ci, finite_or_none, t_quantile


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
    level = check_ci(ci)
    b, a = before.slope_oom_per_year, after.slope_oom_per_year
    var_b, var_a = before.slope_stderr**2, after.slope_stderr**2

    diff = a - b
    diff_se = math.sqrt(var_a + var_b)
    diff_dof = welch_dof(var_a, after.dof, var_b, before.dof)
    q_diff = t_quantile(level, diff_dof)
    diff_ci = Interval(diff - q_diff * diff_se, diff + q_diff * diff_se)

    ratio_dof = float(min(before.dof, after.dof))
    q = t_quantile(level, ratio_dof)
    ratio = finite_or_none(a / b) if b != 0.0 else None
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
    return Interval(finite_or_none(low), finite_or_none(high)), "bounded"


def welch_dof(var_a: float, dof_a: float, var_b: float, dof_b: float) -> float:
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
