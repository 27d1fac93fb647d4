"""Database reads behind the trend statistics: one metric's series under the model filters.

Only the columns a statistic needs are selected, and rows become numpy arrays at once, so a
fit over a large table costs one indexed query and a few vectorised passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from api.resources.models.filters import ModelFilters, conditions
from api.tables import MULTI_VALUED_BY_FIELD, MLModel
from api.trends.metrics import CONFIDENCE_ORDER, Confidence, Metric, metric_column
from api.trends.stats.dates import decimal_years


def confidence_at_least(level: Confidence | None) -> tuple[str, ...]:
    """The confidence values at or above ``level`` (empty: no constraint)."""
    if level is None:
        return ()
    return tuple(c.value for c in CONFIDENCE_ORDER[CONFIDENCE_ORDER.index(level) :])


def trend_filters(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    domain: tuple[str, ...] = (),
    organization: tuple[str, ...] = (),
    frontier: bool | None = None,
    min_confidence: Confidence | None = None,
    selection: str | None = None,
) -> ModelFilters:
    """The subset of the model filters that trend endpoints accept."""
    confidence = confidence_at_least(min_confidence)
    return ModelFilters(
        terms={"domain": domain, "organization": organization},
        choices={"confidence": confidence} if confidence else {},
        frontier=frontier,
        start=start,
        end=end,
        selection=selection,  # only the members of a published selection (model_selection)
    )


def with_window(filters: ModelFilters, start: dt.date | None, end: dt.date | None) -> ModelFilters:
    """``filters`` with its date window replaced (the caller checks ``start < end``)."""
    return replace(filters, start=start, end=end)


@dataclass(frozen=True)
class Excluded:
    """Matching models left out of a fit, by reason."""

    no_value: int
    non_positive: int
    no_date: int = 0

    @property
    def total(self) -> int:
        """Every excluded model."""
        return self.no_value + self.non_positive + self.no_date


@dataclass(frozen=True)
class Series:
    """One metric's positive values, in publication order (ties by internal id)."""

    dates: npt.NDArray[np.datetime64]
    years: npt.NDArray[np.float64]
    values: npt.NDArray[np.float64]
    slugs: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.values.size)

    def date(self, index: int) -> dt.date:
        """The publication date of point ``index``."""
        value: dt.date = self.dates[index].astype(dt.date)
        return value

    def subset(self, mask: npt.NDArray[np.bool_]) -> Series:
        """The points where ``mask`` holds (labels are dropped unless present)."""
        idx = np.flatnonzero(mask)
        return Series(
            dates=self.dates[idx],
            years=self.years[idx],
            values=self.values[idx],
            slugs=tuple(self.slugs[i] for i in idx) if self.slugs else (),
            names=tuple(self.names[i] for i in idx) if self.names else (),
        )


#: Rows read from the driver at a time.
FETCH_BATCH = 50_000
# The columns of a row of ``fetch_series``'s query.
_DAY, _VALUE, _SLUG, _NAME = (itemgetter(i) for i in range(4))

# Undated models (the source gave no date) are in no date-based statistic.
_DATED = col(MLModel.publication_date).is_not(None)


class epoch_days(FunctionElement[int]):  # noqa: N801 (a SQL function, named like one)
    """Days from 1970-01-01 to a date column, as an integer, in the database."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday('1970-01-01') is 2440587.5; a day's julianday is that plus whole days.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(epoch_days, "postgresql")
def _epoch_days_postgresql(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


def fetch_series(
    session: Session, metric: Metric, filters: ModelFilters, *, labels: bool = False
) -> Series:
    """Models matching ``filters`` with a positive value for ``metric``, oldest first.

    The database gives each date as a day number and the rows go from the driver's cursor
    to a NumPy array per column, without a Python object per value: at a million models
    this read is most of a cold fit.
    """
    column = metric_column(metric)
    extra = [col(MLModel.slug), col(MLModel.name)] if labels else []
    query = (
        select(epoch_days(col(MLModel.publication_date)), column, *extra)
        .where(*conditions(filters), column > 0, _DATED)
        .order_by(col(MLModel.publication_date), col(MLModel.id))
    )
    result = session.connection().execute(query)
    # The driver's rows as they are (these columns need no result processing), a batch at a
    # time, so that the Python objects of only one batch exist at once; each column goes to
    # its array in one C loop (NumPy's array() over the rows' tuples takes three times as
    # long: at a million models, half of a cold fit).
    days: list[npt.NDArray[np.int64]] = []
    values: list[npt.NDArray[np.float64]] = []
    slugs: list[str] = []
    names: list[str] = []
    try:
        while batch := result.cursor.fetchmany(FETCH_BATCH):
            size = len(batch)
            days.append(np.fromiter(map(_DAY, batch), dtype=np.int64, count=size))
            values.append(np.fromiter(map(_VALUE, batch), dtype=np.float64, count=size))
            if labels:
                slugs.extend(map(_SLUG, batch))
                names.extend(map(_NAME, batch))
    finally:
        result.close()
    dates = (np.concatenate(days) if days else np.empty(0, np.int64)).astype("datetime64[D]")
    return Series(
        dates=dates,
        years=decimal_years(dates),
        values=np.concatenate(values) if values else np.empty(0),
        slugs=tuple(slugs),
        names=tuple(names),
    )


def count_excluded(session: Session, metric: Metric, filters: ModelFilters) -> Excluded:
    """How many models matching ``filters`` have no date, or (dated) no value or a value <= 0,
    for ``metric``."""
    column = metric_column(metric)
    query = select(
        func.coalesce(func.sum(case((_DATED, 1), else_=0)), 0),
        func.count(case((_DATED, column))),
        func.coalesce(func.sum(case((and_(_DATED, column <= 0), 1), else_=0)), 0),
        func.coalesce(func.sum(case((_DATED, 0), else_=1)), 0),
    ).where(*conditions(filters))
    dated, with_value, non_positive, no_date = session.execute(query).one()
    return Excluded(
        no_value=int(dated) - int(with_value),
        non_positive=int(non_positive),
        no_date=int(no_date),
    )


def fitted_domains(session: Session, metric: Metric, filters: ModelFilters) -> list[str]:
    """Distinct domains of the models a fit uses (those with a positive value), by name."""
    column = metric_column(metric)
    multi = MULTI_VALUED_BY_FIELD["domains"]
    link, term = multi.link, multi.term
    fitted = select(col(MLModel.id)).where(*conditions(filters), column > 0, _DATED)
    query = (
        select(col(term.name))
        .join(link, link.c.term_id == col(term.id))
        .where(link.c.ml_model_id.in_(fitted))
        .distinct()
        .order_by(col(term.name))
    )
    return [name for (name,) in session.execute(query)]
