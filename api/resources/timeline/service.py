"""``/v1/timeline``: milestones and model releases merged into one chronological feed."""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, String, literal, null, select, union_all
from sqlmodel import Session, col

from api.errors import InvalidParameterError
from api.listing.pages import Sortable, parse_sort
from api.listing.params import check_window, pick, select_fields
from api.listing.query import ListQuery, PageRequest, envelope, fetch_page, filters_key
from api.provenance import Provenance
from api.resources.timeline.schemas import TimelineItem
from api.tables import Milestone, MilestoneModel, MLModel


class ModelSelection(enum.StrEnum):
    """Which model releases the timeline includes."""

    all = "all"
    frontier = "frontier"
    linked = "linked"
    none = "none"


@dataclass(frozen=True)
class TimelineFilters:
    """What the feed includes."""

    start: dt.date | None = None
    end: dt.date | None = None
    milestones: bool = True
    models: ModelSelection = ModelSelection.frontier

    def __post_init__(self) -> None:
        check_window(self.start, self.end)

    def canonical(self) -> str:
        """Stable text form (cursor binding)."""
        return json.dumps(asdict(self), sort_keys=True, default=str)


FIELDS = tuple(TimelineItem.model_fields)
DEFAULT_SORT = "date"


def parse_fields(raw: str | None) -> tuple[str, ...]:
    """``fields=`` for the timeline; ``slug`` always included."""
    return select_fields(raw, FIELDS, FIELDS)


def _feed(filters: TimelineFilters) -> Any:
    parts = []
    if filters.milestones:
        parts.append(
            select(
                literal("milestone", String).label("kind"),
                col(Milestone.slug).label("slug"),
                col(Milestone.date).label("date"),
                col(Milestone.date_precision).label("date_precision"),
                col(Milestone.title).label("title"),
                col(Milestone.category).label("category"),
                null().cast(Float).label("parameters"),
                null().cast(Float).label("training_compute_flop"),
                literal(None).label("frontier"),
                (literal("milestone:", String) + col(Milestone.slug)).label("id"),
            )
        )
    if filters.models is not ModelSelection.none:
        models: Any = select(
            literal("model", String).label("kind"),
            col(MLModel.slug).label("slug"),
            col(MLModel.publication_date).label("date"),
            literal("day", String).label("date_precision"),
            col(MLModel.name).label("title"),
            null().cast(String).label("category"),
            col(MLModel.parameters).label("parameters"),
            col(MLModel.training_compute_flop).label("training_compute_flop"),
            col(MLModel.frontier_model).label("frontier"),
            (literal("model:", String) + col(MLModel.slug)).label("id"),
        ).where(col(MLModel.publication_date).is_not(None))  # a timeline holds dated events
        if filters.models is ModelSelection.frontier:
            models = models.where(col(MLModel.frontier_model).is_(True))
        elif filters.models is ModelSelection.linked:
            models = models.where(col(MLModel.id).in_(select(col(MilestoneModel.ml_model_id))))
        parts.append(models)
    if not parts:
        raise InvalidParameterError(
            "models", "the feed is empty: include milestones or some models", "empty_feed"
        )
    return union_all(*parts).subquery("feed") if len(parts) > 1 else parts[0].subquery("feed")


def sortable(feed: Any) -> dict[str, Sortable]:
    """Sort keys of the feed."""
    return {
        "date": Sortable(feed.c.date, nullable=False, is_date=True),
        "title": Sortable(feed.c.title, nullable=False),
    }


def timeline(
    session: Session,
    provenance: Provenance,
    filters: TimelineFilters,
    sort_text: str | None,
    page: PageRequest,
    fields: Sequence[str] = FIELDS,
) -> dict[str, Any]:
    """One page of the merged feed; ``sort_text`` as in ``sort=-date``."""
    feed = _feed(filters)
    sort = parse_sort(sort_text, sortable(feed), DEFAULT_SORT)
    where: list[ColumnElement[bool]] = []
    if filters.start is not None:
        where.append(feed.c.date >= filters.start)
    if filters.end is not None:
        where.append(feed.c.date < filters.end)
    query = ListQuery(
        source=feed,
        columns=[feed.c[name] for name in FIELDS if name != "href"] + [feed.c.id],
        where=where,
        sort=sort,
        tiebreaker=feed.c.id,
        filters_key=filters_key(filters.canonical()),
    )
    result = fetch_page(session, query, page, provenance)
    items = []
    for row in result.rows:
        item = {name: row[name] for name in FIELDS if name != "href"}
        if item["kind"] == "model":
            item["frontier"] = bool(item["frontier"])
        base = "/v1/milestones/" if item["kind"] == "milestone" else "/v1/models/"
        item["href"] = base + item["slug"]
        items.append(pick(item, fields))
    return envelope(items, result, page, provenance)
