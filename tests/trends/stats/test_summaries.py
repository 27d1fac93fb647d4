"""Tests for api.trends.stats.summaries (yearly summaries and records)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.trends.stats.summaries import record_indices, summarize
from tests.trends.stats.support import HYPOTHESIS, assert_all_finite

# --------------------------------------------------------------------------------------------
# summarize


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 10.0, 100.0], (3, 1.0, 10.0, 82.0, 100.0, 10.0)),
        ([4.0], (1, 4.0, 4.0, 4.0, 4.0, 4.0)),
        ([2.0, 8.0], (2, 2.0, 5.0, 7.4, 8.0, 4.0)),
        ([5.0, 1.0, 3.0, 2.0, 4.0], (5, 1.0, 3.0, 4.6, 5.0, 120.0 ** (1 / 5))),
    ],
)
def test_summarize_handcrafted(values: list[float], expected: tuple[float, ...]) -> None:
    s = summarize(values)
    got = (s.count, s.min, s.median, s.p90, s.max, s.geometric_mean)
    assert got == pytest.approx(expected, rel=1e-12)
    assert isinstance(s.count, int)


@HYPOTHESIS
@given(
    st.lists(
        st.floats(min_value=1e-200, max_value=1e200, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=60,
    )
)
def test_summarize_matches_numpy(values: list[float]) -> None:
    s = summarize(values)
    v = np.array(values)
    assert s.count == len(values)
    assert s.min == float(np.min(v))
    assert s.max == float(np.max(v))
    assert s.median == pytest.approx(float(np.median(v)), rel=1e-12)
    assert s.p90 == pytest.approx(float(np.percentile(v, 90)), rel=1e-12)
    assert s.geometric_mean == pytest.approx(float(np.exp(np.mean(np.log(v)))), rel=1e-9)
    assert s.min <= s.geometric_mean <= s.max
    assert s.min <= s.median <= s.p90 <= s.max
    assert_all_finite(s)


@pytest.mark.parametrize("values", [[], [1.0, 0.0], [1.0, -1.0], [1.0, math.nan], [math.inf]])
def test_summarize_rejects_invalid(values: list[float]) -> None:
    with pytest.raises(ValueError, match="values"):
        summarize(values)


# --------------------------------------------------------------------------------------------
# record_indices


@pytest.mark.parametrize(
    ("years", "values", "expected"),
    [
        (
            [2001.0, 2000.0, 2002.0, 2000.0, 2003.0, 2003.0, 2004.0],
            [5.0, 3.0, 5.0, 4.0, 7.0, 9.0, 8.0],
            [1, 3, 0, 4, 5],
        ),
        ([2000.0, 2000.0], [5.0, 5.0], [0]),  # tie on date and value: first in input order
        ([2000.0, 2000.0], [4.0, 5.0], [0, 1]),
        ([2000.0, 2000.0], [5.0, 4.0], [0]),
        ([2003.0, 2002.0, 2001.0], [1.0, 2.0, 3.0], [2]),  # decreasing in date order
        ([2001.0, 2002.0, 2003.0], [1.0, 2.0, 3.0], [0, 1, 2]),
        ([2001.0, 2002.0, 2003.0], [-1.0, -2.0, 0.0], [0, 2]),
        ([], [], []),
    ],
)
def test_record_indices_handcrafted(
    years: list[float], values: list[float], expected: list[int]
) -> None:
    assert record_indices(years, values) == expected


@HYPOTHESIS
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=8), st.integers(min_value=0, max_value=8)),
        max_size=40,
    )
)
def test_record_indices_matches_loop(points: list[tuple[int, int]]) -> None:
    years = [float(p[0]) for p in points]
    values = [float(p[1]) for p in points]
    expected: list[int] = []
    best = -math.inf
    for i in sorted(range(len(points)), key=lambda j: years[j]):  # sorted() is stable
        if values[i] > best:
            expected.append(i)
            best = values[i]
    assert record_indices(years, values) == expected


def test_record_indices_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="length"):
        record_indices([2000.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        record_indices([2000.0, math.nan], [1.0, 2.0])
