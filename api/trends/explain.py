"""The single fit, explained: its sentence, and a warning when one line spans several eras or
a significant break, naming the better questions (per-era fits, a comparison at the break)."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from sqlmodel import Session

from api.provenance import Provenance
from api.trends.answers import fit_answer
from api.trends.eras import era_windows
from api.trends.schemas import TrendResponse
from api.trends.series import Series
from api.trends.service import TrendQuery, between, context, fit_series
from api.trends.stats.breakpoint import best_split

#: BIC lower by more than this: "very strong" evidence (Kass and Raftery 1995).
BIC_MARGIN: Final = 10.0
#: Fewest models an era must hold for the window to count as spanning it.
ERA_MIN_MODELS: Final = 3


def _bic(sse: float, n: int, k: int) -> float:
    return n * math.log(max(sse, 1e-300) / n) + k * math.log(n)


def significant_break(series: Series) -> tuple[int, float, float, float] | None:
    """The best single break (index of its first model, slopes before and after, BIC gain)
    when two lines with a break beat one line by more than :data:`BIC_MARGIN` in BIC (the break
    date counted as a parameter: 5 against 2); ``None`` otherwise."""
    n = series.n
    best = best_split(series.years, np.log10(series.values), max(10, n // 10))
    if best is None:
        return None
    gain = _bic(best.sse_single_line, n, 2) - _bic(best.sse, n, 5)
    if gain <= BIC_MARGIN:
        return None
    return best.split, best.slope_before, best.slope_after, gain


def spanning_warnings(session: Session, query: TrendQuery, series: Series) -> list[str]:
    """A warning when one line over ``series`` averages several eras or a significant break."""
    eras, _ = era_windows(session)
    spanned = [e for e in eras if between(series, e.start_date, e.end_date).n >= ERA_MIN_MODELS]
    found = significant_break(series)
    if len(spanned) < 2 and found is None:
        return []
    parts = []
    if len(spanned) >= 2:
        names = ", ".join(e.name for e in spanned)
        parts.append(f"this window spans {len(spanned)} eras ({names})")
    questions = [f"a fit per era: {query.href('/eras')}"]
    if found is not None:
        split, before, after, gain = found
        date = series.date(split)
        parts.append(
            f"one line fits much worse than two lines broken at {date} (BIC lower by "
            f"{gain:.0f}; {10**before:.2g}x per year before, {10**after:.2g}x after)"
        )
        questions.append(
            f"before and after the break: {query.href('/compare', split=date.isoformat())}"
        )
    questions.append(f"breaks chosen by BIC: {query.href('/breakpoint', max_breaks=3)}")
    return [
        "One line may average different trends: "
        + "; ".join(parts)
        + ". Better questions: "
        + "; ".join(questions)
        + "."
    ]


def get_trend(session: Session, provenance: Provenance, query: TrendQuery) -> TrendResponse:
    """One log-linear fit over the filtered models, in a sentence, with its caveats."""
    _, series, result = fit_series(session, query)
    ctx = context(session, query, provenance)
    ctx["warnings"] = [*ctx["warnings"], *spanning_warnings(session, query, series)]
    return TrendResponse(
        **result.model_dump(),
        method=query.fit_method(),
        answer=fit_answer(query.metric, query.describe(), result),
        **ctx,
    )
