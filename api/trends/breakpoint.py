"""The breakpoint of a trend: the break date that best splits it into two lines."""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
from sqlmodel import Session

from api.errors import InvalidParameterError
from api.provenance import Provenance
from api.trends.answers import BreakFacts, breakpoint_answer
from api.trends.piecewise import piecewise
from api.trends.present import TrendDataError, describe_degenerate, interval, trend_fit, where_text
from api.trends.schemas import BreakpointResponse
from api.trends.series import count_excluded
from api.trends.service import TrendQuery, between, context, counted, load, top_note
from api.trends.stats.breakpoint import find_breakpoint
from api.trends.stats.numeric import DegenerateFitError

BREAKPOINT_METHOD: Final = (
    "Two separate OLS lines of log10(value) on decimal year, for dates before the break and "
    "from the break on; the break is the candidate date (a publication date in the "
    "candidates range leaving at least min_points_per_side models, with two distinct dates, "
    "on each side) that minimises their total residual sum of squares; jump = after line - "
    "before line at the break, with a Welch-Satterthwaite t interval; F = Chow test of the "
    "two lines against one."
)
#: The date of the story's claim that growth became ten times faster.
CLAIM_DATE: Final = dt.date(2020, 1, 1)
P_VALUE_NOTE: Final = (
    "Nominal: it treats the break date as fixed in advance, but the date was chosen to fit "
    "best, so the p-value overstates the evidence for a break."
)


def get_breakpoint(
    session: Session,
    provenance: Provenance,
    query: TrendQuery,
    *,
    min_points_per_side: int = 10,
    candidates_from: dt.date | None = None,
    candidates_to: dt.date | None = None,
    max_breaks: int | None = None,
    jump: bool = True,
    claim_date: dt.date = CLAIM_DATE,
) -> BreakpointResponse:
    """The break date minimising the residuals of two lines, with the jump at the break."""
    if candidates_from and candidates_to and candidates_from >= candidates_to:
        raise InvalidParameterError(
            "candidates_from",
            f"candidates_from ({candidates_from}) must be before candidates_to "
            f"({candidates_to}); candidates_to is exclusive",
        )
    f = query.filters
    series, excluded = load(session, query, f)
    candidates = None
    if candidates_from is not None or candidates_to is not None:
        candidates = np.unique(between(series, candidates_from, candidates_to).years)
    try:
        bp = find_breakpoint(series.years, series.values, candidates, min_points_per_side, query.ci)
    except DegenerateFitError as error:
        where = f"with a break {where_text(f.start, f.end)}"
        message = describe_degenerate(query.metric, error, series.n, where)
        if error.reason == "too_few_points":
            message = (
                f"Cannot fit {query.metric.value} {where}: two segments of at least "
                f"min_points_per_side={min_points_per_side} models need "
                f"{2 * min_points_per_side} models with a positive value; found n={series.n}"
            )
        raise TrendDataError(error.reason, series.n, message) from error
    split = int(np.searchsorted(series.years, bp.break_year, side="left"))
    break_date = series.date(split)
    fits = []
    for start, end, part, side_fit in (
        (f.start, break_date, series.subset(np.arange(series.n) < split), bp.before),
        (break_date, f.end, series.subset(np.arange(series.n) >= split), bp.after),
    ):
        side_filters = query.clipped(start, end)
        assert side_filters is not None  # both sides hold points
        side_excluded = count_excluded(session, query.metric, side_filters)
        fits.append(trend_fit(side_fit, part, side_excluded, start, end))
    pieces = None
    if max_breaks is not None:
        try:
            pieces = piecewise(series, max_breaks, jump, min_points_per_side, query.ci, claim_date)
        except DegenerateFitError as error:
            where = f"with up to {max_breaks} breaks {where_text(f.start, f.end)}"
            message = describe_degenerate(query.metric, error, series.n, where)
            raise TrendDataError(error.reason, series.n, message) from error
    facts = BreakFacts(
        series.n, query.ci, break_date, fits[0], fits[1], bp.jump_oom, interval(bp.jump_ci)
    )
    return BreakpointResponse(
        **counted(series, excluded, f),
        answer=breakpoint_answer(query.metric, query.describe(), facts, pieces),
        piecewise=pieces,
        ci=query.ci,
        break_date=break_date,
        break_decimal_year=bp.break_year,
        jump_oom=bp.jump_oom,
        jump_oom_ci=interval(bp.jump_ci),
        before=fits[0],
        after=fits[1],
        single_line=trend_fit(bp.single_line, series, excluded, f.start, f.end),
        sse=bp.sse,
        sse_single_line=bp.sse_single_line,
        f_statistic=bp.f_statistic,
        p_value=bp.p_value,
        p_value_note=P_VALUE_NOTE,
        candidates_tested=bp.candidates_tested,
        candidates_from=candidates_from,
        candidates_to=candidates_to,
        min_points_per_side=bp.min_points_per_side,
        method=BREAKPOINT_METHOD + top_note(query),
        **context(session, query, provenance),
    )
