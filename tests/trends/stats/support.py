"""Shared helpers of the statistics tests."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from hypothesis import settings

HYPOTHESIS = settings(deadline=None, max_examples=150, database=None)


def assert_all_finite(obj: Any, path: str = "result") -> None:
    """Every float reachable from a (nested) dataclass is finite; None is allowed."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            assert_all_finite(getattr(obj, field.name), f"{path}.{field.name}")
    elif isinstance(obj, float):
        assert math.isfinite(obj), f"{path} = {obj!r}"
    else:
        assert obj is None or isinstance(obj, (int, str)), f"{path} has type {type(obj)}"


def noisy_line(
    rng: np.random.Generator, x: np.ndarray, slope: float, level: float, sigma: float
) -> np.ndarray:
    """Values whose log10 is ``level + slope * (x - 2000)`` plus Gaussian noise."""
    return np.asarray(10.0 ** (level + slope * (x - 2000.0) + rng.normal(0.0, sigma, x.size)))
