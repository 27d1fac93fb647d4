"""Published selections of models (``selections.toml``): schema, validation and writer.

Each selection names its members by model slug, with the name and date its source gives
them. Every slug must be a model of the models data and appear once. The file is optional:
a seed directory without it (e.g. a small test data set) loads no selections.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, insert

from api.tables import MAX_SELECTION_SLUG_LENGTH, ModelSelection, ModelSelectionMember
from seed.errors import SeedIssue
from seed.sources.text import column_length
from seed.sources.timeline import SLUG, _at, _read_table
from seed.writing import WriteContext, sha256_file

SELECTIONS_FILE = "selections.toml"
LICENSE = "CC BY 4.0"
ATTRIBUTION = "Selections: Deep Learning Evolution API contributors, CC BY 4.0 (sources named)"


class MemberRecord(BaseModel):
    """A model of a selection."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(pattern=SLUG)
    source_name: str = Field(
        min_length=1, max_length=column_length(ModelSelectionMember, "source_name")
    )
    source_date: dt.date


class SelectionRecord(BaseModel):
    """One ``[[selection]]`` of ``selections.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG, max_length=MAX_SELECTION_SLUG_LENGTH)
    name: str = Field(min_length=1, max_length=column_length(ModelSelection, "name"))
    description: str = Field(min_length=1)
    method: str = Field(min_length=1)
    source: str = Field(min_length=1)
    source_url: str = Field(pattern=r"^https?://\S+$")
    members: list[MemberRecord] = Field(min_length=1)


def read_selections(
    path: Path, model_slugs: set[str] | None
) -> tuple[list[SelectionRecord], list[SeedIssue]]:
    """Parse and validate the selections against the model slugs (unless None)."""
    located, issues = _read_table(path, "selection", SelectionRecord)
    seen: set[str] = set()
    for where, selection in located:
        if selection.slug in seen:
            issues.append(_at(where, path.name, ("slug",), f"duplicate slug {selection.slug!r}"))
        seen.add(selection.slug)
        models = [member.model for member in selection.members]
        for index, slug in enumerate(models):
            if model_slugs is not None and slug not in model_slugs:
                reason = f"no model with slug {slug!r} in the models data"
                issues.append(_at(where, path.name, ("members", index, "model"), reason))
            if slug in models[:index]:
                reason = f"model {slug!r} is listed twice"
                issues.append(_at(where, path.name, ("members", index, "model"), reason))
    return [selection for _, selection in located], issues


class SelectionSource:
    """``selections.toml`` as a seed source (absent: no selections)."""

    def __init__(self, seed_dir: Path, model_slugs: set[str] | None) -> None:
        self.path = seed_dir / SELECTIONS_FILE
        self.notices: list[SeedIssue] = []
        self.selections: list[SelectionRecord] = []
        self.issues: list[SeedIssue] = []
        self.files: list[Path] = []
        if self.path.exists():
            self.files = [self.path]
            self.selections, self.issues = read_selections(self.path, model_slugs)

    def data_sources(self) -> list[dict[str, Any]]:
        """Provenance of the selections file, if there is one."""
        if not self.files:
            return []
        return [
            {
                "key": "selections",
                "title": "Curated selections of models",
                "file_name": self.path.name,
                "url": None,
                "license": LICENSE,
                "attribution": ATTRIBUTION,
                "snapshot_date": None,
                "sha256": sha256_file(self.path),
                "row_count": len(self.selections),
            }
        ]

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        """Insert the selections (ids by slug) and their members, in the file's order."""
        selections = sorted(self.selections, key=lambda s: s.slug)
        rows = [
            {**s.model_dump(exclude={"members"}), "id": index}
            for index, s in enumerate(selections, start=1)
        ]
        members = [
            {
                "selection_id": index,
                "ml_model_id": context.model_ids_by_slug[member.model],
                "position": position,
                "source_name": member.source_name,
                "source_date": member.source_date,
            }
            for index, s in enumerate(selections, start=1)
            for position, member in enumerate(s.members)
        ]
        if rows:
            connection.execute(insert(ModelSelection), rows)
            connection.execute(insert(ModelSelectionMember), members)
        return {"selections": len(rows), "selection members": len(members)}
