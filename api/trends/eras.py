"""Era boundaries for per-era trend fits: the eras of ``/v1/eras``, else default boundaries.

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

from sqlmodel import Session

from api.resources.eras import service as eras


@dataclass(frozen=True)
class EraWindow:
    """An era: ``start_date`` inclusive, ``end_date`` exclusive; ``None`` is open-ended.

    Unlike the era table's windows (:class:`api.resources.eras.service.EraWindow`, whose start
    is always a date), the built-in first era has no start, so this type allows one.
    """

    slug: str
    name: str
    start_date: dt.date | None
    end_date: dt.date | None


SOURCE_TABLE: Final = "era_table"
SOURCE_BUILTIN: Final = "builtin"

BUILTIN_ERAS: Final = (
    EraWindow("pre-deep-learning", "Pre-Deep Learning Era", None, dt.date(2010, 1, 1)),
    EraWindow("deep-learning", "Deep Learning Era", dt.date(2010, 1, 1), dt.date(2015, 10, 1)),
    EraWindow("large-scale", "Large-Scale Era", dt.date(2015, 10, 1), dt.date(2022, 1, 1)),
    EraWindow("generative-ai", "Generative AI Era", dt.date(2022, 1, 1), None),
)


def era_windows(session: Session) -> tuple[list[EraWindow], str]:
    """The eras in start order, and where they come from (``era_table`` or ``builtin``)."""
    rows = eras.era_windows(session)
    if not rows:
        return list(BUILTIN_ERAS), SOURCE_BUILTIN
    return [EraWindow(e.slug, e.name, e.start_date, e.end_date) for e in rows], SOURCE_TABLE
