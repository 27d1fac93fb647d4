"""Trend results in one plain sentence each, computed from the numbers of the result."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from api.trends.metrics import METRICS, Metric
from api.trends.schemas import (
    EraTrend,
    Interval,
    Piecewise,
    RecordItem,
    TrendFit,
    YearlyItem,
)

WINDOW_KEYS = ("start", "end")


def level_text(ci: float) -> str:
    """``0.95`` -> ``"95%"``."""
    return f"{ci * 100:g}%"


def factor_digits(value: float) -> int:
    """Significant digits of a growth factor: three below 2 (where 1.24 and 1.3 differ), else
    two."""
    return 3 if 0.5 < value < 2.0 else 2


def factor(value: float | None, digits: int | None = None) -> str:
    """A growth factor to ``digits`` significant digits (default :func:`factor_digits`)."""
    if value is None:
        return "unbounded"
    digits = digits or factor_digits(value)
    text = f"{value:#.{digits}g}".rstrip(".")
    return text if "e" not in text else f"{value:.2e}"


def months(value: float | None) -> str:
    """A duration in months: whole months from 10 on, one decimal below."""
    if value is None:
        return "unbounded"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def quantity(value: float | None) -> str:
    """A metric value: three significant digits, scientific notation when large or small."""
    if value is None:
        return "unbounded"
    if value != 0.0 and (abs(value) >= 1e5 or abs(value) < 1e-2):
        return f"{value:.2e}"
    return f"{value:.3g}"


def span(limits: Interval | tuple[Any, Any], fmt: Any = factor, sep: str = "-") -> str:
    """``low-high`` of an interval, each limit formatted by ``fmt``."""
    low, high = limits
    return f"{fmt(low)}{sep}{fmt(high)}"


def subject(metric: Metric, filters: dict[str, Any]) -> str:
    """``"Parameters of notable models (domain=Language)"``: the metric and the selection."""
    shown = {k: v for k, v in filters.items() if k not in WINDOW_KEYS}
    text = f"{METRICS[metric].label} of notable models"
    if shown:
        parts = [
            f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in shown.items()
        ]
        text += f" ({'; '.join(parts)})"
    return text


def years_of(fit: TrendFit) -> str:
    """``"from 2010 to 2025"``: the publication years the fit used."""
    first, last = fit.window.first_publication_date, fit.window.last_publication_date
    if first is None or last is None:
        return ""
    return f"from {first.year} to {last.year}"


def growth_clause(fit: TrendFit) -> str:
    """``"grew 2.1x per year (95% CI 2.0-2.3) from 2010 to 2025, doubling every 11 months"``."""
    level = level_text(fit.ci)
    when = years_of(fit)
    g = fit.growth_per_year
    if g >= 1.0:
        d = factor_digits(g)
        limits = "-".join(factor(v, d) for v in fit.growth_per_year_ci)
        text = f"grew {factor(g, d)}x per year ({level} CI {limits}) {when}"
        if fit.doubling_time_months is not None:
            text += f", doubling every {months(fit.doubling_time_months)} months"
        return text
    low, high = fit.growth_per_year_ci
    d = factor_digits(1.0 / g)
    inverse = (1.0 / high if high else None, 1.0 / low if low else None)
    limits = "-".join(factor(v, d) for v in inverse)
    text = f"shrank {factor(1.0 / g, d)}x per year ({level} CI {limits}) {when}"
    halving = 12.0 * math.log10(2.0) / -fit.slope_oom_per_year
    return text + f", halving every {months(halving)} months"


def fit_answer(metric: Metric, filters: dict[str, Any], fit: TrendFit) -> str:
    """The example sentence of issue 13, from the fit's numbers."""
    return f"{subject(metric, filters)} {growth_clause(fit)} (n={fit.n})."


def eras_answer(metric: Metric, filters: dict[str, Any], items: list[EraTrend]) -> str:
    """Growth per year in each era that has a fit, and which eras have none."""
    fitted = [i for i in items if i.fit is not None]
    missing = [i.name for i in items if i.fit is None and i.reason != "outside_window"]
    if not fitted:
        return f"No era has enough models to fit {subject(metric, filters).lower()}."
    parts = [
        f"{factor(i.fit.growth_per_year)}x per year in the {i.name} (n={i.fit.n})"
        for i in fitted
        if i.fit is not None
    ]
    text = f"{subject(metric, filters)} grew " + ", ".join(parts)
    if missing:
        text += f"; too few models to fit the {', '.join(missing)}"
    return text + "."


@dataclass(frozen=True)
class BreakFacts:
    """What the breakpoint sentence needs."""

    n: int
    ci: float
    break_date: dt.date
    before: TrendFit
    after: TrendFit
    jump_oom: float
    jump_oom_ci: Interval


def breakpoint_answer(
    metric: Metric, filters: dict[str, Any], bp: BreakFacts, pieces: Piecewise | None
) -> str:
    """The best single break, the growth on each side and the jump at the break; with
    ``max_breaks``, the breaks BIC chose and the verdict on the story's claim."""
    level = level_text(bp.ci)
    if pieces is not None:
        dates = ", ".join(str(b.date) for b in pieces.breaks) or "none"
        growth = ", then ".join(f"{factor(s.growth_per_year)}x per year" for s in pieces.segments)
        text = (
            f"BIC chooses {pieces.chosen_breaks} of up to {pieces.max_breaks} breaks in "
            f"{subject(metric, filters).lower()} ({dates}): {growth} (n={bp.n})"
        )
        story = pieces.story
        if story is not None:
            verdict = {True: "supported", False: "not supported", None: "not settled"}[
                story.supported
            ]
            text += (
                f"; ten times faster growth from {story.claim_date} is {verdict} (ratio "
                f"{_oom(story.slope_ratio)}, {level} CI {span(story.slope_ratio_ci, _oom, ' to ')})"
            )
        return text + "."
    return (
        f"The best single break in {subject(metric, filters).lower()} is at {bp.break_date}: "
        f"{factor(bp.before.growth_per_year)}x per year before, "
        f"{factor(bp.after.growth_per_year)}x after, with a jump of {bp.jump_oom:.2f} orders "
        f"of magnitude at the break ({level} CI {span(bp.jump_oom_ci, _oom, ' to ')}; n={bp.n})."
    )


def _oom(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:.2f}"


def records_answer(metric: Metric, filters: dict[str, Any], n: int, items: list[RecordItem]) -> str:
    """How many models set a record, and the latest record."""
    if not items:
        return f"No model has a positive value of {subject(metric, filters).lower()}."
    last = items[-1]
    return (
        f"{len(items)} of {n} models set a record for "
        f"{subject(metric, filters).lower()}; the latest is {last.name} "
        f"({last.publication_date}) at {quantity(last.value)} {METRICS[metric].unit}."
    )


def yearly_answer(metric: Metric, filters: dict[str, Any], n: int, items: list[YearlyItem]) -> str:
    """The median of the first and last year with models."""
    if not items:
        return f"No model has a positive value of {subject(metric, filters).lower()}."
    first, last = items[0], items[-1]
    return (
        f"The median of {subject(metric, filters).lower()} went from "
        f"{quantity(first.median)} in {first.year} to {quantity(last.median)} in {last.year} "
        f"({n} models over {len(items)} years)."
    )
