"""Everyday names of models (``aliases.toml``): validated against the models, then written.

The file's header states the rule an alias follows (the family's original release);
this module checks every entry against it, so a new export of the models that
changes a family's original release stops the seed at the entry's line instead of
silently leading the name elsewhere. Without the file there are no aliases.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, insert

from api.tables import MAX_SLUG_LENGTH, ModelAlias
from seed.errors import SeedIssue
from seed.sources.epoch import ModelRecord
from seed.sources.epoch_writer import EpochSource
from seed.sources.search_index import SearchIndexSource
from seed.sources.timeline import SLUG, Located, _at, _read_table
from seed.sources.timeline_writer import ATTRIBUTION, LICENSE
from seed.writing import WriteContext, sha256_file

FILE_NAME = "aliases.toml"


class AliasRecord(BaseModel):
    """One ``[[alias]]`` of ``aliases.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alias: str = Field(pattern=SLUG, max_length=MAX_SLUG_LENGTH)
    model: str = Field(pattern=SLUG, max_length=MAX_SLUG_LENGTH)
    family: str = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, min_length=1)


def _size(record: ModelRecord) -> float | None:
    size: float | None = getattr(record, "parameters", None)
    return size


def original_releases(family: re.Pattern[str], records: list[ModelRecord]) -> list[ModelRecord]:
    """The models the rule may pick: the family's earliest, then the largest of those."""
    # An undated row (a newer export may hold some) cannot be a family's original release.
    members = [r for r in records if family.search(r.name) and r.publication_date is not None]
    if not members:
        return []
    first = min(record.publication_date for record in members if record.publication_date)
    earliest = [record for record in members if record.publication_date == first]
    sizes = [size for record in earliest if (size := _size(record)) is not None]
    if not sizes:
        return earliest
    return [record for record in earliest if _size(record) == max(sizes)]


def check_aliases(path: Path, located: list[Located], epoch: EpochSource | None) -> list[SeedIssue]:
    """Every problem of the aliases against each other and (unless None) the models."""
    issues: list[SeedIssue] = []
    seen: set[str] = set()
    slugs = epoch.slugs() if epoch is not None else {}
    by_slug = {slugs[record.name]: record for record in epoch.records} if epoch else {}
    for where, entry in located:
        if entry.alias in seen:
            issues.append(_at(where, path.name, ("alias",), f"duplicate alias {entry.alias!r}"))
        seen.add(entry.alias)
        try:
            family = re.compile(entry.family, re.IGNORECASE)
        except re.error as exc:
            issues.append(_at(where, path.name, ("family",), f"invalid regular expression: {exc}"))
            continue
        if epoch is None:
            continue
        if entry.alias in by_slug:
            reason = f"alias {entry.alias!r} is the slug of a model; an alias must differ"
            issues.append(_at(where, path.name, ("alias",), reason))
        target = by_slug.get(entry.model)
        if target is None:
            reason = f"no model with slug {entry.model!r} in the models data"
            issues.append(_at(where, path.name, ("model",), reason))
            continue
        if not family.search(target.name):
            reason = f"family {entry.family!r} does not match {target.name!r}"
            issues.append(_at(where, path.name, ("family",), reason))
            continue
        chosen = original_releases(family, epoch.records)
        names = ", ".join(sorted(slugs[record.name] for record in chosen))
        if target not in chosen:
            reason = (
                f"the family's original release is {names}, not {entry.model!r} "
                "(earliest published, then most parameters)"
            )
            issues.append(_at(where, path.name, ("model",), reason))
        elif len(chosen) > 1 and entry.note is None:
            reason = f"the rule ties between {names}: say in `note` why {entry.model!r}"
            issues.append(_at(where, path.name, ("note",), reason))
    return issues


class AliasSource:
    """``aliases.toml`` as a seed source: ``model_alias`` rows of kind ``name``."""

    def __init__(self, seed_dir: Path, epoch: EpochSource) -> None:
        self.path = seed_dir / FILE_NAME
        self.notices: list[SeedIssue] = []
        self.files: list[Path] = []
        self.aliases: list[AliasRecord] = []
        self.issues: list[SeedIssue] = []
        if not self.path.exists():
            return
        self.files = [self.path]
        located, self.issues = _read_table(self.path, "alias", AliasRecord)
        # With invalid model rows, every alias would be reported too: skip that echo.
        self.issues += check_aliases(self.path, located, None if epoch.issues else epoch)
        self.aliases = [entry for _, entry in located]

    def data_sources(self) -> list[dict[str, Any]]:
        """Provenance of the curated file, when there is one; the curated files (eras,
        milestones, aliases) share their contributors, licence and attribution."""
        if not self.files:
            return []
        return [
            {
                "key": "timeline-aliases",
                "title": "Curated aliases",
                "file_name": self.path.name,
                "url": None,
                "license": LICENSE,
                "attribution": ATTRIBUTION,
                "snapshot_date": None,
                "sha256": sha256_file(self.path),
                "row_count": len(self.aliases),
            }
        ]

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        """Insert the aliases (kind ``name``) in alias order."""
        rows = [
            {
                "alias": entry.alias,
                "ml_model_id": context.model_ids_by_slug[entry.model],
                "kind": "name",
                "note": entry.note,
            }
            for entry in sorted(self.aliases, key=lambda entry: entry.alias)
        ]
        if rows:
            connection.execute(insert(ModelAlias), rows)
        return {"aliases": len(rows)}


def name_sources(seed_dir: Path, epoch: EpochSource) -> list[Any]:
    """The sources written after the models and the timeline: aliases, then the search
    index, which reads everything written before it."""
    return [AliasSource(seed_dir, epoch), SearchIndexSource()]
