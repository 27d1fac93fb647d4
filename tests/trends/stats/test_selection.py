"""Top N at release against a brute-force count."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.trends.stats.selection import top_at_release
from tests.trends.stats.support import HYPOTHESIS


def brute(days: np.ndarray, values: np.ndarray, top: int) -> np.ndarray:
    n = values.size
    return np.array(
        [
            sum(1 for j in range(n) if j != i and days[j] <= days[i] and values[j] > values[i])
            < top
            for i in range(n)
        ]
    )


@HYPOTHESIS
@given(
    points=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12)), min_size=1, max_size=60),
    top=st.integers(1, 6),
)
def test_matches_brute_force(points: list[tuple[int, int]], top: int) -> None:
    days = np.array([d for d, _ in points], dtype=np.int64)
    values = np.array([v for _, v in points], dtype=np.float64)
    np.testing.assert_array_equal(top_at_release(days, values, top), brute(days, values, top))


def test_ties_and_same_day_models() -> None:
    days = np.array([0, 1, 1, 2, 2], dtype=np.int64)
    values = np.array([5.0, 9.0, 9.0, 1.0, 7.0])
    # top 1: day 1's tied 9s both enter; day 2's models compete with 9 and each other
    assert top_at_release(days, values, 1).tolist() == [True, True, True, False, False]
    assert top_at_release(days, values, 3).tolist() == [True, True, True, False, True]


def test_top_must_be_positive() -> None:
    with pytest.raises(ValueError, match="top"):
        top_at_release(np.array([0]), np.array([1.0]), 0)
