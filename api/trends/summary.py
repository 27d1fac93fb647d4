"""``/v1/stats/summary``: headline counts, coverage, largest models and growth since 2010."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import func, select
from sqlmodel import Session, col

from api.provenance import Provenance
from api.tables import MULTI_VALUED_BY_FIELD, MLModel
from api.trends.metrics import METRICS, Metric, metric_column
from api.trends.present import FIT_METHOD, TrendDataError
from api.trends.schemas import (
    LargestModel,
    MetricCoverage,
    MetricGrowth,
    SummaryCounts,
    SummaryResponse,
    TiedModel,
)
from api.trends.series import trend_filters
from api.trends.service import TrendQuery, fit_trend, trend_warnings

GROWTH_SINCE: Final = dt.date(2010, 1, 1)


def _counts(session: Session) -> SummaryCounts:
    orgs = MULTI_VALUED_BY_FIELD["organizations"].link.c.term_id
    domains = MULTI_VALUED_BY_FIELD["domains"].link.c.term_id
    return SummaryCounts(
        models=session.execute(select(func.count()).select_from(MLModel)).scalar_one(),
        organizations=session.execute(select(func.count(orgs.distinct()))).scalar_one(),
        domains=session.execute(select(func.count(domains.distinct()))).scalar_one(),
    )


def _coverage(session: Session, models: int) -> list[MetricCoverage]:
    counts = session.execute(select(*(func.count(metric_column(m)) for m in Metric))).one()
    return [
        MetricCoverage(
            metric=metric,
            field=METRICS[metric].field,
            unit=METRICS[metric].unit,
            count=int(count),
            share=count / models if models else None,
        )
        for metric, count in zip(Metric, counts, strict=True)
    ]


def _largest(session: Session, metric: Metric) -> LargestModel | None:
    """The model with the largest value; models sharing that value are its ``ties``."""
    column = metric_column(metric)
    top = select(func.max(column)).scalar_subquery()
    rows = session.execute(
        select(
            col(MLModel.slug),
            col(MLModel.name),
            col(MLModel.publication_date),
            col(MLModel.confidence),
            column,
        )
        .where(column == top)
        .order_by(col(MLModel.publication_date), col(MLModel.id))
    ).all()
    if not rows:
        return None
    (slug, name, date, confidence, value), *others = rows
    return LargestModel(
        metric=metric,
        unit=METRICS[metric].unit,
        slug=slug,
        name=name,
        publication_date=date,
        value=value,
        confidence=confidence,
        ties=[
            TiedModel(slug=s, name=n, publication_date=d, confidence=c) for s, n, d, c, _ in others
        ],
    )


def _growth(session: Session, metric: Metric) -> MetricGrowth:
    query = TrendQuery(metric, trend_filters(start=GROWTH_SINCE))
    unit = METRICS[metric].unit
    try:
        fit = fit_trend(session, query)
    except TrendDataError as error:
        return MetricGrowth(
            metric=metric,
            unit=unit,
            n=error.n,
            fit=None,
            reason=error.reason,
            detail=error.detail,
            warnings=[],
        )
    warnings = trend_warnings(session, query)
    return MetricGrowth(
        metric=metric, unit=unit, n=fit.n, fit=fit, reason=None, detail=None, warnings=warnings
    )


def get_summary(session: Session, provenance: Provenance) -> SummaryResponse:
    """Headline figures over every model."""
    counts = _counts(session)
    return SummaryResponse(
        counts=counts,
        coverage=_coverage(session, counts.models),
        largest_model=_largest(session, Metric.parameters),
        largest_dataset=_largest(session, Metric.training_dataset_size),
        largest_training_run=_largest(session, Metric.training_compute),
        growth_since=GROWTH_SINCE,
        growth=[_growth(session, metric) for metric in Metric],
        method=FIT_METHOD + f" Growth fits use every model published since {GROWTH_SINCE}.",
        meta=provenance.as_meta(),
    )
