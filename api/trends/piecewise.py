"""Piecewise trends for ``/breakpoint?max_breaks=K``: up to K breaks chosen by BIC, with or
without jumps, and a check of the story's claim that growth became ten times faster."""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np

from api.trends.answers import level_text
from api.trends.present import interval
from api.trends.schemas import (
    Piecewise,
    PiecewiseBreak,
    PiecewiseCandidate,
    PiecewiseSegment,
    StoryCheck,
)
from api.trends.series import Series
from api.trends.stats.fit import DOUBLING_CONSTANT_MONTHS
from api.trends.stats.numeric import DegenerateFitError, Interval, finite_or_none, pow10
from api.trends.stats.piecewise import PiecewiseFit, fit_piecewise, select_breaks

TEN: Final = 10.0


def piecewise_method(jump: bool) -> str:
    """How the piecewise fits are made, in words."""
    shape = (
        "separate lines per segment (a hinge (x - c)+ and a step [x >= c] at each break c)"
        if jump
        else "a continuous broken line (a hinge (x - c)+ at each break c)"
    )
    return (
        f"Least squares of log10(value) on decimal year with {shape}; for each number of "
        "breaks k = 0..max_breaks the combination of candidate dates (distinct publication "
        "dates leaving min_points_per_side models, two dates, in every segment, thinned to 30 "
        "evenly spaced in rank) with the least residual sum of squares, found by scoring every "
        "combination; the chosen k has the lowest BIC = n ln(sse/n) + (coefficients + k) ln n. "
        "Intervals: Student-t on n - coefficients dof with the pooled residual variance; slope "
        "ratios by Fieller's method with the slopes' covariance. The story check fits one break "
        "at claim_date the same way."
    )


def _segments(fit: PiecewiseFit, series: Series, dates: list[dt.date]) -> list[PiecewiseSegment]:
    edges: list[dt.date | None] = [None, *dates, None]
    out = []
    for i in range(len(dates) + 1):
        start, end = edges[i], edges[i + 1]
        mask = np.ones(series.n, dtype=bool)
        if start is not None:
            mask &= series.dates >= np.datetime64(start, "D")
        if end is not None:
            mask &= series.dates < np.datetime64(end, "D")
        slope, ci, _ = fit.slope(i)
        out.append(
            PiecewiseSegment(
                start=start,
                end=end,
                n=int(mask.sum()),
                slope_oom_per_year=slope,
                slope_oom_per_year_ci=interval(ci),
                growth_per_year=pow10(slope),
                growth_per_year_ci=interval(
                    Interval(
                        pow10(ci.low) if ci.low is not None else None,
                        pow10(ci.high) if ci.high is not None else None,
                    )
                ),
                doubling_time_months=(
                    finite_or_none(DOUBLING_CONSTANT_MONTHS / slope) if slope > 0 else None
                ),
            )
        )
    return out


def _breaks(fit: PiecewiseFit, dates: list[dt.date]) -> list[PiecewiseBreak]:
    out = []
    for i, date in enumerate(dates):
        step = fit.jump_at(i)
        ratio, ratio_ci, shape = fit.slope_ratio(i)
        out.append(
            PiecewiseBreak(
                date=date,
                jump_oom=step[0] if step else None,
                jump_oom_ci=interval(step[1]) if step else (None, None),
                slope_ratio=ratio,
                slope_ratio_ci=interval(ratio_ci),
                slope_ratio_ci_shape=shape,
            )
        )
    return out


def _date_of(series: Series, year: float) -> dt.date:
    return series.date(int(np.searchsorted(series.years, year, side="left")))


def story_check(
    series: Series, y: np.ndarray, claim_date: dt.date, jump: bool, min_points: int, ci: float
) -> StoryCheck | None:
    """One break at ``claim_date``: is growth after it ten times as fast (in OOM per year)?"""
    split = int(np.searchsorted(series.dates, np.datetime64(claim_date, "D")))
    if split < min_points or series.n - split < min_points:
        return None
    try:
        fit = fit_piecewise(series.years, y, (float(series.years[split]),), jump, ci)
    except DegenerateFitError:
        return None
    ratio, ratio_ci, shape = fit.slope_ratio(0)
    step = fit.jump_at(0)
    supported: bool | None = None
    if shape == "bounded" and ratio_ci.low is not None and ratio_ci.high is not None:
        supported = True if ratio_ci.low >= TEN else False if ratio_ci.high < TEN else None
    level = level_text(ci)
    return StoryCheck(
        claim=f"growth became ten times faster (slope ratio >= 10) from {claim_date}; "
        f"supported when the whole {level} interval of the ratio is at least 10",
        claim_date=claim_date,
        slope_ratio=ratio,
        slope_ratio_ci=interval(ratio_ci),
        jump_oom=step[0] if step else None,
        jump_oom_ci=interval(step[1]) if step else (None, None),
        supported=supported,
    )


def piecewise(
    series: Series,
    max_breaks: int,
    jump: bool,
    min_points: int,
    ci: float,
    claim_date: dt.date,
) -> Piecewise:
    """Piecewise fits of ``series`` with up to ``max_breaks`` breaks (:func:`piecewise_method`)."""
    y = np.log10(series.values)
    selection = select_breaks(series.years, y, max_breaks, jump, min_points, ci)
    chosen = selection.fits[selection.chosen]
    dates = [_date_of(series, b) for b in chosen.breaks]
    return Piecewise(
        max_breaks=max_breaks,
        jump=jump,
        candidates=selection.candidates,
        chosen_breaks=len(chosen.breaks),
        candidates_by_breaks=[
            PiecewiseCandidate(
                breaks=len(f.breaks),
                break_dates=[_date_of(series, b) for b in f.breaks],
                sse=f.sse,
                bic=f.bic,
                combinations_tested=tested,
            )
            for f, tested in zip(selection.fits, selection.combinations_tested, strict=True)
        ],
        segments=_segments(chosen, series, dates),
        breaks=_breaks(chosen, dates),
        story=story_check(series, y, claim_date, jump, min_points, ci),
        method=piecewise_method(jump),
    )
