"""Per-era trend fits, over the eras of ``/v1/eras``, else default boundaries.

The defaults (used only when the ``era`` table holds no rows, e.g. a database seeded without
eras) follow Sevilla et al. (2022), 'Compute Trends Across Three Eras of Machine Learning'
(arXiv:2202.05924): a deep-learning era from about 2010 and a large-scale era from late 2015,
plus a generative-AI era from 2022. They are data, not logic, and every response says which
source was used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlmodel import Session, col

from api.provenance import Provenance
from api.tables import Era
from api.trends.answers import eras_answer
from api.trends.present import (
    REASON_OUTSIDE_WINDOW,
    TrendDataError,
    excluded_counts,
    fit_or_raise,
    trend_fit,
    where_text,
    window_of,
)
from api.trends.schemas import ErasResponse, EraTrend, TrendFit
from api.trends.series import Excluded, count_excluded
from api.trends.service import TrendQuery, between, context, series_of


@dataclass(frozen=True)
class EraWindow:
    """An era: ``start_date`` inclusive, ``end_date`` exclusive; ``None`` is open-ended
    (the built-in first era has no start)."""

    slug: str
    name: str
    start_date: dt.date | None
    end_date: dt.date | None


SOURCE_TABLE: Final = "era_table"
SOURCE_BUILTIN: Final = "builtin"

BUILTIN_ERAS: Final = (
    EraWindow("pre-deep-learning", "Pre-Deep Learning Era", None, dt.date(2010, 1, 1)),
    EraWindow("deep-learning", "Deep Learning Era", dt.date(2010, 1, 1), dt.date(2015, 9, 1)),
    EraWindow("large-scale", "Large-Scale Era", dt.date(2015, 9, 1), dt.date(2022, 1, 1)),
    EraWindow("generative-ai", "Generative AI Era", dt.date(2022, 1, 1), None),
)


def era_windows(session: Session) -> tuple[list[EraWindow], str]:
    """The eras in start order, and where they come from (``era_table`` or ``builtin``)."""
    rows = session.execute(
        select(col(Era.slug), col(Era.name), col(Era.start_date), col(Era.end_date)).order_by(
            col(Era.start_date)
        )
    ).all()
    if not rows:
        return list(BUILTIN_ERAS), SOURCE_BUILTIN
    return [EraWindow(*row) for row in rows], SOURCE_TABLE


def _era_trend(
    era: EraWindow,
    n: int,
    excluded: Excluded,
    *,
    fit: TrendFit | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> EraTrend:
    return EraTrend(
        slug=era.slug,
        name=era.name,
        start_date=era.start_date,
        end_date=era.end_date,
        n=n,
        excluded=excluded_counts(excluded),
        fit=fit,
        reason=reason,
        detail=detail,
    )


def get_era_trends(session: Session, provenance: Provenance, query: TrendQuery) -> ErasResponse:
    """One fit per era; an era with too little data has a null fit and a reason."""
    eras, source = era_windows(session)
    whole = series_of(session, query, query.filters)
    items = []
    for era in eras:
        filters = query.clipped(era.start_date, era.end_date)
        if filters is None:
            detail = "the era lies outside the requested window"
            items.append(
                _era_trend(era, 0, Excluded(0, 0), reason=REASON_OUTSIDE_WINDOW, detail=detail)
            )
            continue
        series = between(whole, filters.start, filters.end)
        excluded = count_excluded(session, query.metric, filters)
        where = f"in era {era.slug} {where_text(filters.start, filters.end)}"
        try:
            fit = fit_or_raise(query.metric, series, query.ci, where, query.estimation)
        except TrendDataError as error:
            items.append(
                _era_trend(era, series.n, excluded, reason=error.reason, detail=error.detail)
            )
            continue
        trend = trend_fit(fit, series, excluded, filters.start, filters.end)
        items.append(_era_trend(era, series.n, excluded, fit=trend))
    return ErasResponse(
        window=window_of(whole, query.filters.start, query.filters.end),
        ci=query.ci,
        eras_source=source,
        items=items,
        method=query.fit_method()
        + " One fit per era, over every model published within it (eras are periods; the"
        + " large-scale trend of Sevilla et al. 2022 is a selection of models instead:"
        + " selection=sevilla-2022-large-scale).",
        answer=eras_answer(query.metric, query.describe(), items),
        **context(session, query, provenance),
    )
