"""Writes Epoch AI's models, their vocabularies and links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from api.models import MULTI_VALUED_FIELDS, MLModel, MLModelUnparsedValue
from seed import epoch
from seed.errors import SeedIssue
from seed.loader import WriteContext, sha256_file
from seed.slugs import assign_unique_slugs

_LIST_FIELDS = {column.field for column in epoch.LIST_COLUMNS}


class EpochSource:
    """The "Notable AI Models" CSV as a seed source."""

    def __init__(self, seed_dir: Path) -> None:
        self.path = seed_dir / epoch.FILE_NAME
        self.files = [self.path]
        self.notices: list[SeedIssue] = []
        self._slugs: dict[str, str] | None = None
        if not self.path.exists():
            self.records: list[epoch.EpochModelRecord] = []
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
        model_rows = []
        unparsed_rows = []
        for model_id, record in enumerate(ordered, start=1):
            row = record.model_dump(exclude=_LIST_FIELDS | {"unparsed_values"})
            model_rows.append({**row, "id": model_id, "slug": slugs[record.name]})
            context.model_ids_by_slug[slugs[record.name]] = model_id
            unparsed_rows += [
                {**value.model_dump(), "ml_model_id": model_id} for value in record.unparsed_values
            ]
        connection.execute(insert(MLModel), model_rows)
        if unparsed_rows:
            connection.execute(insert(MLModelUnparsedValue), unparsed_rows)
        counts = {"models": len(model_rows), "unparsed values": len(unparsed_rows)}
        for multi in MULTI_VALUED_FIELDS:
            values_by_model = [
                (model_id, getattr(record, multi.field))
                for model_id, record in enumerate(ordered, start=1)
            ]
            names = sorted({name for _, values in values_by_model for name in values})
            term_slugs = assign_unique_slugs((name, "") for name in names)
            term_ids = {name: index for index, name in enumerate(names, start=1)}
            if names:
                connection.execute(
                    insert(multi.term),
                    [{"id": term_ids[n], "name": n, "slug": term_slugs[n]} for n in names],
                )
            links = [
                {"ml_model_id": model_id, "position": position, "term_id": term_ids[name]}
                for model_id, values in values_by_model
                for position, name in enumerate(values)
            ]
            if links:
                connection.execute(insert(multi.link), links)
            counts[multi.field] = len(names)
        return counts
