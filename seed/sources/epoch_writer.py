"""Writes Epoch AI's models, their vocabularies and links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from api.tables import MULTI_VALUED_FIELDS, MLModel, MLModelUnparsedValue
from seed.errors import SeedIssue
from seed.slugs import assign_unique_slugs
from seed.sources import epoch
from seed.writing import WriteContext, bulk_insert, sha256_file

_LIST_FIELDS = {column.field for column in epoch.LIST_COLUMNS}


class EpochSource:
    """The "Notable AI Models" CSV as a seed source."""

    def __init__(self, seed_dir: Path) -> None:
        self.path = seed_dir / epoch.FILE_NAME
        self.files = [self.path]
        self.notices: list[SeedIssue] = []
        self._slugs: dict[str, str] | None = None
        if not self.path.exists():
            self.records: list[epoch.ModelRecord] = []
            self.issues = [SeedIssue(epoch.FILE_NAME, None, None, "file not found")]
            return
        self.records, self.issues = epoch.read_epoch_csv(self.path)
        for record in self.records:
            for value in record.unparsed_values:
                self.notices.append(
                    SeedIssue(self.path.name, record.source_line, value.source_column, value.reason)
                )

    def slugs(self) -> dict[str, str]:
        """Each model's slug, by name: stable across runs and machines."""
        if self._slugs is None:
            self._slugs = assign_unique_slugs(
                (record.name, record.publication_date.isoformat()) for record in self.records
            )
        return self._slugs

    def data_sources(self) -> list[dict[str, Any]]:
        """Provenance of the CSV file."""
        return [
            {
                "key": epoch.SOURCE_KEY,
                "title": epoch.SOURCE_TITLE,
                "file_name": epoch.FILE_NAME,
                "url": epoch.SOURCE_URL,
                "license": epoch.SOURCE_LICENSE,
                "attribution": epoch.ATTRIBUTION,
                "snapshot_date": epoch.SOURCE_SNAPSHOT_DATE,
                "sha256": sha256_file(self.path),
                "row_count": len(self.records),
            }
        ]

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        """Insert models (ids in date, slug order), terms (ids in name order) and links."""
        slugs = self.slugs()
        ordered = sorted(self.records, key=lambda r: (r.publication_date, slugs[r.name]))
        model_table = MLModel.__table__  # type: ignore[attr-defined]
        record_fields = set(epoch.EpochModelRecord.model_fields) - _LIST_FIELDS
        columns = [c.name for c in model_table.columns if c.name in record_fields]
        columns += ["id", "slug"]
        unparsed_rows = []
        for model_id, record in enumerate(ordered, start=1):
            context.model_ids_by_slug[slugs[record.name]] = model_id
            unparsed_rows += [
                {**value.model_dump(), "ml_model_id": model_id} for value in record.unparsed_values
            ]
        models = bulk_insert(
            connection,
            model_table,
            columns,
            (
                (*(getattr(record, name) for name in columns[:-2]), model_id, slugs[record.name])
                for model_id, record in enumerate(ordered, start=1)
            ),
        )
        if unparsed_rows:
            connection.execute(insert(MLModelUnparsedValue), unparsed_rows)
        counts = {"models": models, "unparsed values": len(unparsed_rows)}
        for multi in MULTI_VALUED_FIELDS:
            names = sorted({name for record in ordered for name in getattr(record, multi.field)})
            term_slugs = assign_unique_slugs((name, "") for name in names)
            term_ids = {name: index for index, name in enumerate(names, start=1)}
            if names:
                connection.execute(
                    insert(multi.term),
                    [{"id": term_ids[n], "name": n, "slug": term_slugs[n]} for n in names],
                )
            bulk_insert(
                connection,
                multi.link,
                ["ml_model_id", "position", "term_id"],
                (
                    (model_id, position, term_ids[name])
                    for model_id, record in enumerate(ordered, start=1)
                    for position, name in enumerate(getattr(record, multi.field))
                ),
            )
            counts[multi.field] = len(names)
        return counts
