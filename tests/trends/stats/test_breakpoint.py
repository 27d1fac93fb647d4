"""Tests for api.trends.stats.breakpoint."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from api.trends.stats.breakpoint import Breakpoint, best_split, find_breakpoint
from api.trends.stats.numeric import DegenerateFitError
from tests.trends.stats.support import HYPOTHESIS, assert_all_finite, noisy_line

# --------------------------------------------------------------------------------------------
# find_breakpoint


def brute_force_breakpoint(
    x: np.ndarray, ly: np.ndarray, m: int
) -> tuple[float, float, int] | None:
    """Reference: loop over the default candidates and polyfit both sides."""
    xs = np.sort(x)
    n = len(xs)
    best: tuple[float, float] | None = None
    tested = 0
    for c in sorted(set(xs[m : n - m + 1].tolist())):
        left = x < c
        right = ~left
        if left.sum() < m or right.sum() < m:
            continue
        if len(set(x[left].tolist())) < 2 or len(set(x[right].tolist())) < 2:
            continue
        tested += 1
        sse = 0.0
        for mask in (left, right):
            coef = np.polyfit(x[mask], ly[mask], 1)
            resid = ly[mask] - np.polyval(coef, x[mask])
            sse += float(resid @ resid)
        if best is None or sse < best[1] - 1e-9:
            best = (c, sse)
    return None if best is None else (best[0], best[1], tested)


def planted_break(
    seed: int, n: int = 120, break_year: float = 2012.0, jump: float = 1.0, sigma: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(2000.0, 2024.0, n)
    ly = np.where(
        x < break_year,
        0.1 * (x - 2000.0),
        0.1 * (break_year - 2000.0) + jump + 0.6 * (x - break_year),
    )
    return x, 10.0 ** (ly + rng.normal(0.0, sigma, n))


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_breakpoint_recovers_planted_break(seed: int) -> None:
    x, y = planted_break(seed)
    bp = find_breakpoint(x, y)
    assert bp.break_year == pytest.approx(2012.0, abs=0.5)
    assert bp.jump_oom == pytest.approx(1.0, abs=0.25)
    assert bp.jump_ci.contains(bp.jump_oom)
    assert bp.before.slope_oom_per_year == pytest.approx(0.1, abs=0.05)
    assert bp.after.slope_oom_per_year == pytest.approx(0.6, abs=0.1)
    assert bp.before.n + bp.after.n == len(x)
    assert bp.before.x_max < bp.break_year <= bp.after.x_min
    assert bp.sse < bp.sse_single_line
    assert bp.p_value < 1e-6
    assert_all_finite(bp)


def test_breakpoint_exact_lines_find_exact_break() -> None:
    x = np.arange(2000.0, 2030.0)
    ly = np.where(x < 2015.0, 0.2 * (x - 2000.0), 5.0 + 0.5 * (x - 2015.0))
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=5)
    assert bp.break_year == 2015.0
    assert bp.jump_oom == pytest.approx(5.0 - 3.0, abs=1e-9)
    assert bp.sse == pytest.approx(0.0, abs=1e-20)
    assert bp.f_statistic is None or bp.f_statistic > 1e20  # rounding noise in sse
    assert bp.p_value == pytest.approx(0.0, abs=1e-15)
    assert bp.candidates_tested == 21  # years 2005..2025 inclusive


def test_breakpoint_zero_sse_has_no_f_statistic() -> None:
    # small integers: every sum is exact, so both segment fits have sse == 0.0 exactly
    x = np.arange(2000.0, 2012.0)
    ly = np.where(x < 2006.0, x - 2000.0, x - 1990.0)
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=3)
    assert bp.break_year == 2006.0
    assert bp.sse == 0.0
    assert bp.f_statistic is None
    assert bp.p_value == 0.0


def test_breakpoint_on_a_single_exact_line_has_no_evidence() -> None:
    x = np.arange(2000.0, 2012.0)
    bp = find_breakpoint(x, np.full(12, 3.0), min_points_per_side=3)
    assert bp.sse == 0.0
    assert bp.sse_single_line == 0.0
    assert bp.f_statistic is None
    assert bp.p_value == 1.0
    assert bp.break_year == 2003.0  # all candidates tie: earliest wins


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("m", [3, 5])
def test_breakpoint_equals_brute_force(seed: int, m: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = 30
    x = np.round(rng.uniform(2000.0, 2020.0, n), 1)  # rounding creates tied dates
    ly = rng.normal(0.0, 1.0, n) + 0.3 * (x - 2000.0)
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=m)
    ref = brute_force_breakpoint(x, ly, m)
    assert ref is not None
    ref_year, ref_sse, ref_tested = ref
    assert bp.break_year == ref_year
    assert bp.sse == pytest.approx(ref_sse, rel=1e-9)
    assert bp.candidates_tested == ref_tested
    assert bp.min_points_per_side == m


@HYPOTHESIS
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=2000, max_value=2015), st.floats(min_value=-3.0, max_value=3.0)
        ),
        min_size=8,
        max_size=25,
    )
)
def test_breakpoint_equals_brute_force_property(points: list[tuple[int, float]]) -> None:
    x = np.array([float(p[0]) for p in points])
    ly = np.array([p[1] for p in points])
    m = 3
    ref = brute_force_breakpoint(x, ly, m)
    if ref is None:
        with pytest.raises(DegenerateFitError) as info:
            find_breakpoint(x, 10.0**ly, min_points_per_side=m)
        assert info.value.reason in {"single_distinct_date", "no_valid_candidate"}
        return
    _, ref_sse, ref_tested = ref
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=m)
    assert bp.candidates_tested == ref_tested
    # near-ties may legitimately resolve differently; the optimum SSE must agree
    assert bp.sse == pytest.approx(ref_sse, rel=1e-7, abs=1e-9)
    assert_all_finite(bp)


@pytest.mark.parametrize("planted", [True, False])
def test_breakpoint_chow_statistic(planted: bool) -> None:
    if planted:
        x, y = planted_break(seed=9, jump=0.2, sigma=0.3)
    else:  # one noisy line: the nominal p-value is moderate, not ~0
        rng = np.random.default_rng(9)
        x = rng.uniform(2000.0, 2020.0, 40)
        y = noisy_line(rng, x, slope=0.3, level=0.0, sigma=0.5)
    bp = find_breakpoint(x, y)
    n = len(x)
    f = ((bp.sse_single_line - bp.sse) / 2) / (bp.sse / (n - 4))
    assert bp.f_statistic == pytest.approx(f)
    assert bp.p_value == pytest.approx(stats.f.sf(f, 2, n - 4))
    assert bp.sse == pytest.approx(bp.before.sse + bp.after.sse)
    assert bp.sse_single_line == pytest.approx(bp.single_line.sse)
    assert bp.single_line.n == n


def test_breakpoint_explicit_candidates_tie_goes_to_earliest() -> None:
    x = np.arange(2000.0, 2024.0)
    ly = np.where(x < 2012.0, 0.1 * (x - 2000.0), 3.0 + 0.8 * (x - 2012.0))
    # 2011.25, 2011.5 and 2012.0 all split at x < 2012: identical SSE
    candidates = [2012.0, 2011.5, 2011.25, 2011.5, 2005.0]
    bp = find_breakpoint(x, 10.0**ly, candidates=candidates, min_points_per_side=4)
    assert bp.break_year == 2011.25
    assert bp.candidates_tested == 4  # duplicates removed
    assert bp.before.n == 12
    # jump is measured at the reported break year
    assert bp.jump_oom == pytest.approx(
        bp.after.predict(2011.25) - bp.before.predict(2011.25), abs=1e-12
    )


def test_breakpoint_skips_invalid_candidates() -> None:
    x = np.arange(2000.0, 2030.0)
    ly = np.where(x < 2015.0, 0.2 * (x - 2000.0), 5.0 + 0.5 * (x - 2015.0))
    bp = find_breakpoint(x, 10.0**ly, candidates=[1990.0, 2001.0, 2015.0, 2029.0, 2050.0])
    assert bp.break_year == 2015.0
    assert bp.candidates_tested == 1


@pytest.mark.parametrize(
    ("kwargs", "n", "reason"),
    [
        ({}, 19, "too_few_points"),
        ({"min_points_per_side": 5}, 9, "too_few_points"),
        ({"candidates": [1990.0, 2100.0]}, 40, "no_valid_candidate"),
        ({"candidates": [2000.5]}, 40, "no_valid_candidate"),
    ],
)
def test_breakpoint_degenerate(kwargs: dict[str, Any], n: int, reason: str) -> None:
    x = np.linspace(2000.0, 2020.0, n)
    with pytest.raises(DegenerateFitError) as info:
        find_breakpoint(x, 10.0 ** (0.1 * (x - 2000.0)), **kwargs)
    assert info.value.reason == reason


def test_breakpoint_requires_two_distinct_dates_per_side() -> None:
    x = np.array([2000.0] * 6 + [2001.0, 2002.0, 2003.0, 2004.0, 2005.0, 2006.0])
    ly = np.arange(12.0)
    bp = find_breakpoint(x, 10.0**ly, min_points_per_side=3)
    # default candidates are 2000..2004; 2000 leaves no point on the left and 2001 leaves a
    # left side with a single date, so only 2002, 2003 and 2004 are valid
    assert bp.break_year >= 2002.0
    assert bp.candidates_tested == 3


@pytest.mark.parametrize("bad", [2, 0, -1])
def test_breakpoint_min_points_validation(bad: int) -> None:
    x = np.linspace(2000.0, 2020.0, 30)
    with pytest.raises(ValueError, match="min_points_per_side"):
        find_breakpoint(x, np.ones(30), min_points_per_side=bad)


def test_breakpoint_is_fast() -> None:
    x, y = planted_break(seed=42, n=1000)
    candidates = np.arange(2002.0, 2022.0, 1.0 / 16.0)[:300]
    find_breakpoint(x, y, candidates=candidates)  # warm up scipy
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        bp: Breakpoint = find_breakpoint(x, y, candidates=candidates)
        timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        find_breakpoint(x, y)  # default: ~980 candidates
        timings.append(time.perf_counter() - start)
    assert bp.candidates_tested == 300
    assert min(timings) < 0.1
    assert max(timings) < 0.5


def test_best_split_agrees_with_find_breakpoint() -> None:
    rng = np.random.default_rng(12)
    x = np.sort(rng.uniform(2000.0, 2024.0, 300))
    y = np.where(x < 2012.0, 0.1 * (x - 2000.0), 1.2 + 0.5 * (x - 2012.0))
    y = y + rng.normal(0.0, 0.3, x.size)
    bp = find_breakpoint(x, 10**y, None, 20, 0.95)
    best = best_split(x, y, 20)
    assert best is not None
    assert x[best.split] == bp.break_year
    assert best.sse == pytest.approx(bp.sse, rel=1e-9)
    assert best.sse_single_line == pytest.approx(bp.sse_single_line, rel=1e-9)
    assert best.slope_before == pytest.approx(bp.before.slope_oom_per_year, rel=1e-9)
    assert best.slope_after == pytest.approx(bp.after.slope_oom_per_year, rel=1e-9)
    assert best_split(x[:30], y[:30], 20) is None
