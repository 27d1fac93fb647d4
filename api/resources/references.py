"""The references of eras and milestones, in curated order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from api.tables import EraReference, MilestoneReference

_OWNER: dict[type[Any], Any] = {
    EraReference: EraReference.era_id,
    MilestoneReference: MilestoneReference.milestone_id,
}


def references_by_owner(
    session: Session, table: type[EraReference | MilestoneReference], ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """The references of the eras or milestones ``ids`` (title, doi, arxiv, url), by id."""
    owner = col(_OWNER[table])
    rows = session.execute(
        select(owner, col(table.title), col(table.doi), col(table.arxiv), col(table.url))
        .where(owner.in_(ids))
        .order_by(owner, col(table.position))
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for owner_id, title, doi, arxiv, url in rows:
        out.setdefault(owner_id, []).append(
            {"title": title, "doi": doi, "arxiv": arxiv, "url": url}
        )
    return out
