"""Eras: their windows, milestones and model counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from api.errors import NotFoundError
from api.listing.params import pick
from api.provenance import Provenance
from api.resources.eras.schemas import EraDetail, EraPublic
from api.resources.references import references_by_owner
from api.resources.slugs import Found, find_slug
from api.tables import Era, EraReference, Milestone, MLModel


def _model_count(session: Session, era: Era) -> int:
    window = [col(MLModel.publication_date) >= era.start_date]
    if era.end_date is not None:
        window.append(col(MLModel.publication_date) < era.end_date)
    total: int = session.execute(
        select(func.count()).select_from(MLModel).where(and_(*window))
    ).scalar_one()
    return total


def _era_json(session: Session, era: Era, references: list[dict[str, Any]]) -> dict[str, Any]:
    assert era.id is not None
    milestones = session.execute(
        select(func.count()).select_from(Milestone).where(col(Milestone.era_id) == era.id)
    ).scalar_one()
    return {
        "slug": era.slug,
        "name": era.name,
        "start_date": era.start_date,
        "end_date": era.end_date,
        "summary": era.summary,
        "boundary_source": era.boundary_source,
        "references": references,
        "milestone_count": milestones,
        "model_count": _model_count(session, era),
    }


# Selectable with ``fields=``: the schemas' fields, in their order.
FIELDS = tuple(EraPublic.model_fields)
DETAIL_FIELDS = tuple(name for name in EraDetail.model_fields if name != "meta")


def list_eras(
    session: Session, provenance: Provenance, fields: Sequence[str] = FIELDS
) -> dict[str, Any]:
    """Every era with its counts, in date order (one page: there are few)."""
    eras = list(session.execute(select(Era).order_by(col(Era.start_date))).scalars())
    references = references_by_owner(
        session, EraReference, [era.id for era in eras if era.id is not None]
    )
    items = [pick(_era_json(session, era, references.get(era.id or 0, [])), fields) for era in eras]
    return {
        "items": items,
        "total": len(items),
        "limit": len(items),
        "offset": 0,
        "next_cursor": None,
        "meta": provenance.as_meta(),
    }


def find_era(session: Session, slug: str) -> Found:
    """Where the era asked for as ``slug`` is (its slug in any case); 404 with
    suggestions otherwise."""
    return find_slug(session, col(Era.slug), "era", slug)


def get_era(session: Session, provenance: Provenance, slug: str) -> dict[str, Any]:
    """One era with its milestones (in date order) and model count."""
    era = session.execute(select(Era).where(col(Era.slug) == slug)).scalar_one_or_none()
    if era is None or era.id is None:
        raise NotFoundError(f"No era with slug {slug!r}.")
    body = _era_json(
        session, era, references_by_owner(session, EraReference, [era.id]).get(era.id, [])
    )
    milestones = session.execute(
        select(
            col(Milestone.slug),
            col(Milestone.date),
            col(Milestone.date_precision),
            col(Milestone.title),
            col(Milestone.category),
        )
        .where(col(Milestone.era_id) == era.id)
        .order_by(col(Milestone.date), col(Milestone.id))
    )
    body["milestones"] = [dict(row._mapping) for row in milestones]
    body["meta"] = provenance.as_meta()
    return body
