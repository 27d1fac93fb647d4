"""Piecewise fits against a brute-force search with independent least squares."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from api.trends.stats.piecewise import bic, fit_piecewise, select_breaks


def broken(seed: int, n: int = 40, jump: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(2000.0, 2020.0, n))
    y = np.where(x < 2012.0, 0.1 * (x - 2000.0), 1.2 + jump + 0.6 * (x - 2012.0))
    return x, y + rng.normal(0.0, 0.15, n)


def brute_sse(x: np.ndarray, y: np.ndarray, breaks: tuple[float, ...], jump: bool) -> float:
    """Separate polyfit lines per segment (jump) or an explicit hinge design (no jump)."""
    if jump:
        edges = [-math.inf, *breaks, math.inf]
        total = 0.0
        for lo, hi in itertools.pairwise(edges):
            m = (x >= lo) & (x < hi)
            coef = np.polyfit(x[m], y[m], 1)
            total += float(np.sum((y[m] - np.polyval(coef, x[m])) ** 2))
        return total
    cols = [np.ones_like(x), x, *(np.where(x > c, x - c, 0.0) for c in breaks)]
    design = np.column_stack(cols)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.sum((y - design @ coef) ** 2))


def brute_search(
    x: np.ndarray, y: np.ndarray, k: int, jump: bool, m: int
) -> tuple[float, tuple[float, ...]]:
    best: tuple[float, tuple[float, ...]] = (math.inf, ())
    for combo in itertools.combinations(np.unique(x).tolist(), k):
        edges = [-math.inf, *combo, math.inf]
        sizes = [int(np.sum((x >= lo) & (x < hi))) for lo, hi in itertools.pairwise(edges)]
        if min(sizes) < m:
            continue
        sse = brute_sse(x, y, combo, jump)
        if sse < best[0] - 1e-9:
            best = (sse, combo)
    return best


@pytest.mark.parametrize("jump", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_best_breaks_match_a_brute_force_search(jump: bool, seed: int) -> None:
    x, y = broken(seed, n=24, jump=0.8 if jump else 0.0)
    m = 4
    selection = select_breaks(x, y, 2, jump, m, 0.95)
    for k in (1, 2):
        sse, combo = brute_search(x, y, k, jump, m)
        fit = selection.fits[k]
        assert fit.breaks == pytest.approx(combo)
        assert fit.sse == pytest.approx(sse, rel=1e-7)
    bics = [bic(f.sse, x.size, len(f.breaks), jump) for f in selection.fits]
    assert selection.chosen == int(np.argmin(bics))


def test_bic_finds_one_break_and_its_jump() -> None:
    x, y = broken(3, n=200, jump=1.0)
    selection = select_breaks(x, y, 3, True, 10, 0.95)
    assert selection.chosen >= 1
    chosen = selection.fits[selection.chosen]
    assert min(abs(b - 2012.0) for b in chosen.breaks) < 0.6
    no_jump = select_breaks(*broken(3, n=200), 3, False, 10, 0.95)
    assert no_jump.chosen == 1
    fit = fit_piecewise(x, y, (2012.0,), True, 0.95)
    step = fit.jump_at(0)
    assert step is not None
    assert step[1].contains(1.0)
    slope, slope_ci, _ = fit.slope(1)
    assert slope_ci.contains(0.6)
    ratio, ratio_ci, shape = fit.slope_ratio(0)
    assert shape == "bounded"
    assert ratio == pytest.approx(slope / fit.slope(0)[0])
    assert ratio_ci.contains(6.0)


def test_a_straight_line_keeps_zero_breaks() -> None:
    rng = np.random.default_rng(4)
    x = np.sort(rng.uniform(2000.0, 2020.0, 150))
    y = 0.3 * x + rng.normal(0.0, 0.2, x.size)
    assert select_breaks(x, y, 3, False, 10, 0.95).chosen == 0
    assert select_breaks(x, y, 3, True, 10, 0.95).chosen == 0
