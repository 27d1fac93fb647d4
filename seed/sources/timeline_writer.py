"""Writes the curated eras and milestones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from api.tables import (
    Era,
    EraReference,
    Milestone,
    MilestoneFact,
    MilestoneModel,
    MilestoneOrganization,
    MilestonePerson,
    MilestoneReference,
    MilestoneTag,
)
from seed.errors import SeedIssue
from seed.sources import timeline as schema
from seed.writing import WriteContext, sha256_file

ATTRIBUTION = "Timeline: Deep Learning Evolution API contributors, CC BY 4.0"
LICENSE = "CC BY 4.0"


class MilestoneSource:
    """``eras.toml`` and ``milestones.toml`` as a seed source."""

    def __init__(self, seed_dir: Path, model_slugs: set[str] | None) -> None:
        self.eras_path = seed_dir / schema.ERAS_FILE
        self.milestones_path = seed_dir / schema.MILESTONES_FILE
        self.files = [self.eras_path, self.milestones_path]
        self.notices: list[SeedIssue] = []
        eras, era_issues = schema.read_eras(self.eras_path)
        self.eras = [era for _, era in eras]
        milestones, milestone_issues = schema.read_milestones(
            self.milestones_path, self.eras, model_slugs
        )
        self.milestones = [milestone for _, milestone in milestones]
        self.issues = era_issues + milestone_issues

    def data_sources(self) -> list[dict[str, Any]]:
        """Provenance of the two curated files."""
        return [
            {
                "key": f"timeline-{path.stem}",
                "title": f"Curated {path.stem}",
                "file_name": path.name,
                "url": None,
                "license": LICENSE,
                "attribution": ATTRIBUTION,
                "snapshot_date": None,
                "sha256": sha256_file(path),
                "row_count": count,
            }
            for path, count in (
                (self.eras_path, len(self.eras)),
                (self.milestones_path, len(self.milestones)),
            )
        ]

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        """Insert eras (ids by start date) and milestones (ids by date, slug) with their links."""
        eras = sorted(self.eras, key=lambda era: era.start_date)
        era_ids = {era.slug: index for index, era in enumerate(eras, start=1)}
        _insert(
            connection,
            Era,
            [{**era.model_dump(exclude={"references"}), "id": era_ids[era.slug]} for era in eras],
        )
        _insert(
            connection,
            EraReference,
            [
                {**ref.model_dump(), "era_id": era_ids[era.slug], "position": position}
                for era in eras
                for position, ref in enumerate(era.references)
            ],
        )
        milestones = sorted(self.milestones, key=lambda m: (m.date, m.slug))
        rows: dict[type[Any], list[dict[str, Any]]] = {
            MilestoneReference: [],
            MilestoneTag: [],
            MilestoneOrganization: [],
            MilestonePerson: [],
            MilestoneModel: [],
            MilestoneFact: [],
        }
        milestone_rows = []
        for milestone_id, m in enumerate(milestones, start=1):
            milestone_rows.append(_milestone_row(milestone_id, m, era_ids[m.era]))
            rows[MilestoneReference] += [
                {**ref.model_dump(), "milestone_id": milestone_id, "position": i}
                for i, ref in enumerate(m.references)
            ]
            rows[MilestoneTag] += _ordered(milestone_id, "tag", m.tags)
            rows[MilestoneOrganization] += _ordered(milestone_id, "name", m.organizations)
            rows[MilestonePerson] += _ordered(milestone_id, "name", m.people)
            rows[MilestoneModel] += [
                {
                    "milestone_id": milestone_id,
                    "ml_model_id": context.model_ids_by_slug[slug],
                    "position": i,
                }
                # A slug missing here is a link ``dle import --drop-broken-links`` drops.
                for i, slug in enumerate(s for s in m.models if s in context.model_ids_by_slug)
            ]
            rows[MilestoneFact] += [
                {"milestone_id": milestone_id, "key": key, "value": value}
                for key, value in sorted(m.facts.items())
            ]
        _insert(connection, Milestone, milestone_rows)
        for table, table_rows in rows.items():
            _insert(connection, table, table_rows)
        return {
            "eras": len(eras),
            "milestones": len(milestones),
            "milestone links to models": len(rows[MilestoneModel]),
        }


_LISTS = {"tags", "organizations", "people", "models", "facts", "references", "era"}


def _milestone_row(milestone_id: int, m: schema.MilestoneRecord, era_id: int) -> dict[str, Any]:
    return {**m.model_dump(exclude=_LISTS), "id": milestone_id, "era_id": era_id}


def _ordered(milestone_id: int, column: str, values: list[str]) -> list[dict[str, Any]]:
    return [
        {"milestone_id": milestone_id, "position": i, column: value}
        for i, value in enumerate(values)
    ]


def _insert(connection: Connection, table: type[Any], rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(table), rows)
