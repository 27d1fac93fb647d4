"""Published selections of models, with their members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from api.provenance import Provenance
from api.tables import MLModel, ModelSelection, ModelSelectionMember


def list_selections(session: Session, provenance: Provenance) -> dict[str, Any]:
    """Every selection, by slug, with its members in the source's order (one page)."""
    selections = list(
        session.execute(select(ModelSelection).order_by(col(ModelSelection.slug))).scalars()
    )
    rows = session.execute(
        select(
            col(ModelSelectionMember.selection_id),
            col(MLModel.slug),
            col(MLModel.name),
            col(ModelSelectionMember.source_name),
            col(ModelSelectionMember.source_date),
        )
        .join(MLModel, col(MLModel.id) == col(ModelSelectionMember.ml_model_id))
        .order_by(col(ModelSelectionMember.selection_id), col(ModelSelectionMember.position))
    ).all()
    members: dict[int, list[dict[str, Any]]] = {}
    for selection_id, slug, name, source_name, source_date in rows:
        members.setdefault(selection_id, []).append(
            {"model": slug, "name": name, "source_name": source_name, "source_date": source_date}
        )
    items = [
        {
            "slug": s.slug,
            "name": s.name,
            "description": s.description,
            "method": s.method,
            "source": s.source,
            "source_url": s.source_url,
            "member_count": len(members.get(s.id or 0, [])),
            "members": members.get(s.id or 0, []),
        }
        for s in selections
    ]
    return {
        "items": items,
        "total": len(items),
        "limit": len(items),
        "offset": 0,
        "next_cursor": None,
        "meta": provenance.as_meta(),
    }
