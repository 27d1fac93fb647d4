"""``/v1/timeline``: milestones and model releases merged into one chronological feed."""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    Text,
    case,
    cast,
    extract,
    literal,
    null,
    select,
    union_all,
)
from sqlmodel import Session, col

from api.errors import InvalidParameterError
from api.listing.pages import Sortable, SortKey, parse_sort
from api.listing.params import check_window, pick, select_fields
from api.listing.query import ListQuery, PageRequest, envelope, fetch_page, filters_key
from api.provenance import Provenance
from api.resources.models.service import load_terms
from api.resources.timeline.schemas import TimelineItem
from api.tables import Milestone, MilestoneModel, MilestoneOrganization, MLModel


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
# Loaded for the page's items after the feed's query.
_LISTS = ("organizations", "models")
_COLUMNS = tuple(name for name in FIELDS if name not in (*_LISTS, "href"))
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
                col(Milestone.summary).label("summary"),
                col(Milestone.category).label("category"),
                null().cast(Float).label("parameters"),
                null().cast(Float).label("training_compute_flop"),
                literal(None).label("frontier"),
                (literal("milestone:", String) + col(Milestone.slug)).label("id"),
                col(Milestone.id).label("record_id"),
                date_order(col(Milestone.date), col(Milestone.date_precision)).label("date_order"),
            )
        )
    if filters.models is not ModelSelection.none:
        models: Any = select(
            literal("model", String).label("kind"),
            col(MLModel.slug).label("slug"),
            col(MLModel.publication_date).label("date"),
            literal("day", String).label("date_precision"),
            col(MLModel.name).label("title"),
            null().cast(Text).label("summary"),
            null().cast(String).label("category"),
            col(MLModel.parameters).label("parameters"),
            col(MLModel.training_compute_flop).label("training_compute_flop"),
            col(MLModel.frontier_model).label("frontier"),
            (literal("model:", String) + col(MLModel.slug)).label("id"),
            col(MLModel.id).label("record_id"),
            date_order(col(MLModel.publication_date), literal("day", String)).label("date_order"),
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


def date_order(date: Any, precision: Any) -> ColumnElement[int]:
    """The key of ``sort=date``: YYYYMMDD, with a month of 13 for a date of year precision
    and a day of 32 for month or year precision, so that a less precise date follows
    every precise date of its year or month ("AlexNet wins ImageNet", 2012, comes after
    AlexNet, 2012-09-30). The parts come from the date with portable SQL."""
    year = cast(extract("year", date), Integer) * 10000
    month = cast(extract("month", date), Integer) * 100
    day = cast(extract("day", date), Integer)
    return cast(
        case(
            (precision == "year", year + 1332),
            (precision == "month", year + month + 32),
            else_=year + month + day,
        ),
        Integer,
    )


def sortable(feed: Any) -> dict[str, Sortable]:
    """Sort keys of the feed (``date`` sorts by ``date_order``, the column of the same rule)."""
    return {
        "date": Sortable(feed.c.date_order, nullable=False),
        "title": Sortable(feed.c.title, nullable=False),
    }


def _sort_keys(feed: Any, sort_text: str | None) -> list[SortKey]:
    # The cursor reads a key's value from the row by its name: ``date`` is ``date_order``.
    return [
        SortKey("date_order", key.sortable, key.descending) if key.name == "date" else key
        for key in parse_sort(sort_text, sortable(feed), DEFAULT_SORT)
    ]


def _lists(
    session: Session, rows: list[dict[str, Any]]
) -> dict[tuple[str, int], dict[str, list[str]]]:
    """Organizations and linked models of the page's items, by (kind, record id)."""
    out: dict[tuple[str, int], dict[str, list[str]]] = {
        (row["kind"], row["record_id"]): {"organizations": [], "models": []} for row in rows
    }
    milestone_ids = [row["record_id"] for row in rows if row["kind"] == "milestone"]
    model_ids = [row["record_id"] for row in rows if row["kind"] == "model"]
    if milestone_ids:
        organizations = (
            select(col(MilestoneOrganization.milestone_id), col(MilestoneOrganization.name))
            .where(col(MilestoneOrganization.milestone_id).in_(milestone_ids))
            .order_by(col(MilestoneOrganization.milestone_id), col(MilestoneOrganization.position))
        )
        for owner, name in session.execute(organizations):
            out[("milestone", owner)]["organizations"].append(name)
        models = (
            select(col(MilestoneModel.milestone_id), col(MLModel.slug))
            .join(MLModel, col(MLModel.id) == col(MilestoneModel.ml_model_id))
            .where(col(MilestoneModel.milestone_id).in_(milestone_ids))
            .order_by(col(MilestoneModel.milestone_id), col(MilestoneModel.position))
        )
        for owner, slug in session.execute(models):
            out[("milestone", owner)]["models"].append(slug)
    if model_ids:
        for (owner, _), names in load_terms(session, model_ids, ["organizations"]).items():
            out[("model", owner)]["organizations"] = names
    return out


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
    sort = _sort_keys(feed, sort_text)
    where: list[ColumnElement[bool]] = []
    if filters.start is not None:
        where.append(feed.c.date >= filters.start)
    if filters.end is not None:
        where.append(feed.c.date < filters.end)
    query = ListQuery(
        source=feed,
        columns=[feed.c[name] for name in _COLUMNS]
        + [feed.c.id, feed.c.record_id, feed.c.date_order],
        where=where,
        sort=sort,
        tiebreaker=feed.c.id,
        filters_key=filters_key(filters.canonical()),
    )
    result = fetch_page(session, query, page, provenance)
    lists = _lists(session, result.rows) if set(_LISTS) & set(fields) else {}
    items = []
    for row in result.rows:
        item = {name: row[name] for name in _COLUMNS}
        item.update(lists.get((row["kind"], row["record_id"]), {}))
        if item["kind"] == "model":
            item["frontier"] = bool(item["frontier"])
            item["models"] = [item["slug"]]
        base = "/v1/milestones/" if item["kind"] == "milestone" else "/v1/models/"
        item["href"] = base + item["slug"]
        items.append(pick(item, fields))
    return envelope(items, result, page, provenance)
