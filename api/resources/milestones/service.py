"""Queries behind ``/v1/milestones``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlmodel import Session, col

from api.errors import NotFoundError
from api.listing.pages import Sortable, SortKey
from api.listing.params import check_window, select_fields
from api.listing.query import ListQuery, PageRequest, envelope, fetch_page, filters_key
from api.provenance import Provenance
from api.resources.milestones.schemas import RelatedModel
from api.resources.references import references_by_owner
from api.resources.search import contains_text
from api.resources.slugs import Found, find_slug
from api.tables import (
    Era,
    Milestone,
    MilestoneFact,
    MilestoneModel,
    MilestoneOrganization,
    MilestonePerson,
    MilestoneReference,
    MilestoneTag,
    MLModel,
)

SORTABLE: dict[str, Sortable] = {
    "date": Sortable(col(Milestone.date), nullable=False, is_date=True),
    "title": Sortable(col(Milestone.title), nullable=False),
    "slug": Sortable(col(Milestone.slug), nullable=False),
}
DEFAULT_SORT = "date"
TIEBREAKER: ColumnElement[Any] = Milestone.__table__.c.id  # type: ignore[attr-defined]

FIELDS = (
    "slug",
    "date",
    "date_precision",
    "title",
    "summary",
    "category",
    "era",
    "tags",
    "organizations",
    "people",
    "models",
    "facts",
    "references",
)
_SCALARS = ("date", "date_precision", "title", "summary", "category")


def _row_columns() -> list[ColumnElement[Any]]:
    """A milestone's own columns; its lists are loaded by ``_shape``."""
    return [
        col(Milestone.id).label("id"),
        col(Milestone.slug).label("slug"),
        col(Milestone.era_id).label("era_id"),
        *[getattr(Milestone, name).label(name) for name in _SCALARS],
    ]


@dataclass(frozen=True)
class MilestoneFilters:
    """Filters of the milestone list; empty means no constraint."""

    q: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    category: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    era: tuple[str, ...] = ()
    organization: tuple[str, ...] = ()
    model: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_window(self.start, self.end)

    def canonical(self) -> str:
        """Stable text form (cursor binding)."""
        return json.dumps(asdict(self), sort_keys=True, default=str)


def _conditions(filters: MilestoneFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    milestone_id = col(Milestone.id)
    if filters.q:
        where.append(
            or_(
                contains_text(col(Milestone.title), filters.q),
                contains_text(col(Milestone.summary), filters.q),
            )
        )
    if filters.start is not None:
        where.append(col(Milestone.date) >= filters.start)
    if filters.end is not None:
        where.append(col(Milestone.date) < filters.end)
    if filters.category:
        where.append(col(Milestone.category).in_([c.lower() for c in filters.category]))
    if filters.tag:
        tagged = select(col(MilestoneTag.milestone_id)).where(
            col(MilestoneTag.tag).in_([t.lower() for t in filters.tag])
        )
        where.append(milestone_id.in_(tagged))
    if filters.era:
        where.append(
            col(Milestone.era_id).in_(select(col(Era.id)).where(col(Era.slug).in_(filters.era)))
        )
    if filters.organization:
        involved = select(col(MilestoneOrganization.milestone_id)).where(
            func.lower(col(MilestoneOrganization.name)).in_(
                [o.lower() for o in filters.organization]
            )
        )
        where.append(milestone_id.in_(involved))
    if filters.model:
        linked = (
            select(col(MilestoneModel.milestone_id))
            .join(MLModel, col(MLModel.id) == col(MilestoneModel.ml_model_id))
            .where(col(MLModel.slug).in_(filters.model))
        )
        where.append(milestone_id.in_(linked))
    return where


def parse_fields(raw: str | None) -> tuple[str, ...]:
    """``fields=`` for milestones; ``slug`` always included."""
    return select_fields(raw, FIELDS, FIELDS)


def list_milestones(
    session: Session,
    provenance: Provenance,
    filters: MilestoneFilters,
    sort: list[SortKey],
    page: PageRequest,
    fields: Sequence[str],
) -> dict[str, Any]:
    """One page of milestones, chronological by default."""
    query = ListQuery(
        source=Milestone,
        columns=_row_columns(),
        where=_conditions(filters),
        sort=sort,
        tiebreaker=TIEBREAKER,
        filters_key=filters_key(filters.canonical()),
    )
    result = fetch_page(session, query, page, provenance)
    items = _shape(session, result.rows, fields, embed_models=False)
    return envelope(items, result, page, provenance)


def find_milestone(session: Session, slug: str) -> Found:
    """Where the milestone asked for as ``slug`` is (its slug in any case); 404 with
    suggestions otherwise."""
    return find_slug(session, col(Milestone.slug), "milestone", slug)


def get_milestone(session: Session, provenance: Provenance, slug: str) -> dict[str, Any]:
    """One milestone with its related models embedded and its references."""
    row = session.execute(select(*_row_columns()).where(col(Milestone.slug) == slug)).one_or_none()
    if row is None:
        raise NotFoundError(f"No milestone with slug {slug!r}.")
    item = _shape(session, [dict(row._mapping)], FIELDS, embed_models=True)[0]
    item["meta"] = provenance.as_meta()
    return item


def _grouped(session: Session, statement: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for owner, *values in session.execute(statement):
        out.setdefault(owner, []).append(values[0] if len(values) == 1 else values)
    return out


def _shape(
    session: Session, rows: list[dict[str, Any]], fields: Sequence[str], *, embed_models: bool
) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows]
    eras = {
        era_id: {"slug": slug, "name": name}
        for era_id, slug, name in session.execute(select(col(Era.id), col(Era.slug), col(Era.name)))
    }
    lists: dict[str, dict[int, list[Any]]] = {}
    for name, table, column in (
        ("tags", MilestoneTag, MilestoneTag.tag),
        ("organizations", MilestoneOrganization, MilestoneOrganization.name),
        ("people", MilestonePerson, MilestonePerson.name),
    ):
        if name in fields:
            lists[name] = _grouped(
                session,
                select(col(table.milestone_id), col(column))
                .where(col(table.milestone_id).in_(ids))
                .order_by(col(table.milestone_id), col(table.position)),
            )
    if "references" in fields:
        lists["references"] = references_by_owner(session, MilestoneReference, ids)
    facts: dict[int, list[Any]] = {}
    if "facts" in fields:
        facts = _grouped(
            session,
            select(
                col(MilestoneFact.milestone_id), col(MilestoneFact.key), col(MilestoneFact.value)
            )
            .where(col(MilestoneFact.milestone_id).in_(ids))
            .order_by(col(MilestoneFact.milestone_id), col(MilestoneFact.key)),
        )
    models = _models(session, ids, embed=embed_models) if "models" in fields else {}

    items = []
    for row in rows:
        item: dict[str, Any] = {}
        for name in fields:
            if name == "era":
                item[name] = eras.get(row["era_id"])
            elif name == "facts":
                item[name] = dict(facts.get(row["id"], []))
            elif name == "models":
                item[name] = models.get(row["id"], [])
            elif name in lists:
                item[name] = lists[name].get(row["id"], [])
            else:
                item[name] = row[name]
        items.append(item)
    return items


def _models(session: Session, ids: list[int], *, embed: bool) -> dict[int, list[Any]]:
    embedded = list(RelatedModel.model_fields) if embed else ["slug"]
    columns = [getattr(MLModel, name) for name in embedded]
    statement = (
        select(col(MilestoneModel.milestone_id), *columns)
        .join(MLModel, col(MLModel.id) == col(MilestoneModel.ml_model_id))
        .where(col(MilestoneModel.milestone_id).in_(ids))
        .order_by(col(MilestoneModel.milestone_id), col(MilestoneModel.position))
    )
    out: dict[int, list[Any]] = {}
    for row in session.execute(statement):
        values = dict(row._mapping)
        owner = values.pop("milestone_id")
        out.setdefault(owner, []).append(values if embed else values["slug"])
    return out


def milestones_of_models(session: Session, model_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The milestones that reference each model (slug, date, title), by model id."""
    statement = (
        select(
            col(MilestoneModel.ml_model_id),
            col(Milestone.slug),
            col(Milestone.date),
            col(Milestone.title),
        )
        .join(Milestone, col(Milestone.id) == col(MilestoneModel.milestone_id))
        .where(col(MilestoneModel.ml_model_id).in_(model_ids))
        .order_by(col(MilestoneModel.ml_model_id), col(Milestone.date), col(Milestone.id))
    )
    out: dict[int, list[Any]] = {}
    for owner, slug, date, title in session.execute(statement):
        out.setdefault(owner, []).append({"slug": slug, "date": date, "title": title})
    return out
