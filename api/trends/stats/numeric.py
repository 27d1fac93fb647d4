"""What every statistic shares: input types, validation, the error type, intervals and
float-safe helpers (no result is ever NaN or infinite)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy import special

FloatArray = npt.NDArray[np.float64]
#: Accepted input for a one-dimensional series of numbers.
Numbers = Sequence[float] | npt.NDArray[np.floating[Any]] | npt.NDArray[np.integer[Any]]

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


def as_array(name: str, data: Numbers) -> FloatArray:
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def paired(years: Numbers, values: Numbers) -> tuple[FloatArray, FloatArray]:
    x = as_array("years", years)
    y = as_array("values", values)
    if x.shape != y.shape:
        raise ValueError(f"years and values differ in length ({x.size} != {y.size})")
    return x, y


def check_ci(ci: float) -> float:
    level = float(ci)
    if not 0.0 < level < 1.0:
        raise ValueError(f"ci must be strictly between 0 and 1, got {ci!r}")
    return level


def log_inputs(years: Numbers, values: Numbers) -> tuple[FloatArray, FloatArray]:
    """Validate paired positive data; return ``(x, log10(values))``."""
    x, v = paired(years, values)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(v))):
        raise DegenerateFitError(REASON_NON_FINITE, "years and values must be finite")
    if np.any(v <= 0.0):
        raise DegenerateFitError(
            REASON_NON_POSITIVE_VALUE, "values must be > 0 to take log10 (filter them first)"
        )
    return x, np.log10(v)


def t_quantile(ci: float, dof: float) -> float:
    """Two-sided Student-t critical value for level ``ci`` with ``dof`` degrees of freedom
    (``scipy.stats.t.ppf``'s value, from ``scipy.special``: ``scipy.stats`` alone adds
    about 50 MB to every worker)."""
    return float(special.stdtrit(dof, 0.5 * (1.0 + ci)))


def finite_or_none(value: float | None) -> float | None:
    """``value`` when it is a finite number, else ``None``."""
    return value if value is not None and math.isfinite(value) else None


def pow10(exponent: float) -> float | None:
    """``10 ** exponent``, or ``None`` when it overflows a float."""
    try:
        result = 10.0**exponent
    except OverflowError:
        return None
    return finite_or_none(result)


def percentile_interval(draws: FloatArray, ci: float) -> Interval:
    """The central ``ci`` percentile interval of ``draws`` (numpy's linear interpolation)."""
    low, high = np.quantile(draws, [0.5 * (1.0 - ci), 0.5 * (1.0 + ci)])
    return Interval(finite_or_none(float(low)), finite_or_none(float(high)))
