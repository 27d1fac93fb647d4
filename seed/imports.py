"""``dle import``: move a deployment to a newer export of Epoch AI's CSV.

The export replaces the models; the curated files of the seed folder (milestones, eras)
are loaded again with it, in one transaction (``seed.loader.load_sources``). Before
writing, the current models are read to find renamed models (``seed.versions``): their
former slugs become aliases (``model_alias``, kind ``renamed``), milestone links that
name them follow the rename, and aliases of earlier renames are carried over. A model
that vanished while a milestone links to it refuses the import, unless the links are
dropped. A refused import and a dry run leave the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select
from sqlmodel import col

from api.db.writable import make_writable_engine
from api.tables import MULTI_VALUED_FIELDS, DataRelease, MLModel, ModelAlias
from seed.errors import SeedError, SeedIssue
from seed.loader import SeedReport, default_sources, load_sources
from seed.sources.epoch_writer import EpochSource
from seed.sources.timeline_writer import MilestoneSource
from seed.versions import ModelState, detect_renames, read_models

_MODEL_TABLE = MLModel.__table__  # type: ignore[attr-defined]
_SCALARS = [c.name for c in _MODEL_TABLE.columns if c.name not in ("id", "source_line")]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    load: SeedReport
    dropped_links: list[tuple[str, str]] = field(default_factory=list)
    dropped_aliases: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable summary, one fact per line."""
        out = self.load.lines()
        out += [
            f"  link dropped: milestone {m} -> vanished model {s}" for m, s in self.dropped_links
        ]
        out += [f"  alias dropped (its model vanished): {a}" for a in self.dropped_aliases]
        return out


def record_states(source: EpochSource) -> dict[str, ModelState]:
    """The models of an export as ``seed.versions.read_models`` gives those of the database."""
    slugs = source.slugs()
    states = {}
    for record in source.records:
        slug = slugs[record.name]
        state: ModelState = {name: getattr(record, name, None) for name in _SCALARS}
        state["slug"] = slug
        for multi in MULTI_VALUED_FIELDS:
            state[multi.field] = list(getattr(record, multi.field))
        state["extra"] = dict(record.extra_values)
        states[slug] = state
    return states


def _renamed_aliases(connection: Connection) -> dict[str, str]:
    query = (
        select(col(ModelAlias.alias), col(MLModel.slug))
        .join(MLModel, col(MLModel.id) == col(ModelAlias.ml_model_id))
        .where(col(ModelAlias.kind) == "renamed")
    )
    return {str(alias): str(slug) for alias, slug in connection.execute(query)}


def import_export(
    database_url: str,
    export: Path,
    seed_dir: Path,
    *,
    dry_run: bool = False,
    source_url: str | None = None,
    drop_broken_links: bool = False,
) -> ImportReport:
    """Import ``export``; raise SeedError, writing nothing, when it cannot be imported."""
    epoch = EpochSource(
        seed_dir, export=export, source_url=source_url, imported_at=dt.datetime.now(dt.UTC)
    )
    if epoch.issues:
        raise SeedError(epoch.issues)
    engine = make_writable_engine(database_url)
    try:
        with engine.connect() as connection:
            current = connection.execute(select(col(DataRelease.data_version))).scalar_one_or_none()
            before = read_models(connection)
            earlier = _renamed_aliases(connection)
    finally:
        engine.dispose()
    after = record_states(epoch)
    renames = detect_renames(before, after)
    aliases: dict[str, str] = {}
    dropped_aliases = []
    for alias, slug in sorted(earlier.items()):
        target = slug if slug in after else renames.get(slug)
        if alias in after:
            continue  # the former slug is a model's own slug again
        if target is None:
            dropped_aliases.append(alias)
        else:
            aliases[alias] = target
    aliases.update(renames)
    broken = _broken_links(seed_dir, set(after) | set(aliases))
    if broken and not drop_broken_links:
        issues = [
            SeedIssue(
                epoch.path.name,
                None,
                "Model",
                f"model {slug!r} is gone from the export but milestone {milestone!r} links to "
                "it; fix seed/data/milestones.toml or pass --drop-broken-links",
            )
            for milestone, slug in broken
        ]
        raise SeedError(issues)
    epoch.renamed_aliases = aliases
    header = epoch.header
    columns = (
        {"renamed": header.renamed, "added": header.added, "missing": header.missing}
        if header is not None
        else {}
    )
    sources = default_sources(
        seed_dir, epoch=epoch, more_model_slugs=[*aliases, *(slug for _, slug in broken)]
    )
    load = load_sources(
        database_url,
        sources,
        kind="import",
        renames=renames,
        columns=columns,
        expected_version=current,
        dry_run=dry_run,
    )
    return ImportReport(load, broken, dropped_aliases)


def _broken_links(seed_dir: Path, known: set[str]) -> list[tuple[str, str]]:
    """(milestone, model slug) of every link to a model the export no longer holds."""
    milestones = MilestoneSource(seed_dir, None).milestones
    return sorted((m.slug, slug) for m in milestones for slug in m.models if slug not in known)
