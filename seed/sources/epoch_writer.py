"""Writes Epoch AI's models, their vocabularies and links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from api.tables import (
    MULTI_VALUED_FIELDS,
    MLModel,
    MLModelExtra,
    MLModelUnparsedValue,
    ModelAlias,
)
from seed.errors import SeedIssue
from seed.slugs import assign_unique_slugs
from seed.sources import epoch
from seed.sources.headers import HeaderReport
from seed.writing import WriteContext, bulk_insert, sha256_file

_LIST_FIELDS = {column.field for column in epoch.LIST_COLUMNS}


class EpochSource:
    """The "Notable AI Models" CSV as a seed source: the committed snapshot in ``seed_dir``,
    or (``export``) a newer export given to ``dle import``, read leniently (unknown columns
    kept, optional ones may be missing)."""

    def __init__(
        self,
        seed_dir: Path,
        *,
        export: Path | None = None,
        source_url: str | None = None,
        imported_at: dt.datetime | None = None,
    ) -> None:
        self.path = export or seed_dir / epoch.FILE_NAME
        self.files = [self.path]
        self.notices: list[SeedIssue] = []
        self.source_url = source_url
        self.imported_at = imported_at
        self.header: HeaderReport | None = None
        # Former slugs of renamed models -> their slug now (set by ``dle import``).
        self.renamed_aliases: dict[str, str] = {}
        self._slugs: dict[str, str] | None = None
        if not self.path.exists():
            self.records: list[epoch.ModelRecord] = []
            self.issues = [SeedIssue(self.path.name, None, None, "file not found")]
            return
        self.records, self.issues, self.header = epoch.read_epoch_export(
            self.path, lenient=export is not None
        )
        for record in self.records:
            for value in record.unparsed_values:
                self.notices.append(
                    SeedIssue(self.path.name, record.source_line, value.source_column, value.reason)
                )

    def slugs(self) -> dict[str, str]:
        """Each model's slug, by name: stable across runs and machines."""
        if self._slugs is None:
            self._slugs = assign_unique_slugs(
                (record.name, epoch.slug_tiebreak(record)) for record in self.records
            )
        return self._slugs

    def data_sources(self) -> list[dict[str, Any]]:
        """Provenance of the CSV file."""
        return [
            {
                "key": epoch.SOURCE_KEY,
                "title": epoch.SOURCE_TITLE,
                "file_name": self.path.name,
                "url": epoch.SOURCE_URL,
                "license": epoch.SOURCE_LICENSE,
                "attribution": epoch.ATTRIBUTION,
                "snapshot_date": (
                    self.imported_at.date() if self.imported_at else epoch.SOURCE_SNAPSHOT_DATE
                ),
                "sha256": sha256_file(self.path),
                "row_count": len(self.records),
                "imported_at": self.imported_at,
                "source_url": self.source_url,
            }
        ]

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        """Insert models (ids in date, slug order), terms (ids in name order) and links."""
        slugs = self.slugs()
        ordered = sorted(self.records, key=lambda r: (epoch.slug_tiebreak(r), slugs[r.name]))
        model_table = MLModel.__table__  # type: ignore[attr-defined]
        record_fields = set(epoch.EpochModelRecord.model_fields) - _LIST_FIELDS
        columns = [c.name for c in model_table.columns if c.name in record_fields]
        columns += ["id", "slug"]
        unparsed_rows = []
        extra_rows = []
        for model_id, record in enumerate(ordered, start=1):
            context.model_ids_by_slug[slugs[record.name]] = model_id
            unparsed_rows += [
                {**value.model_dump(), "ml_model_id": model_id} for value in record.unparsed_values
            ]
            extra_rows += [
                {"ml_model_id": model_id, "source_column": name, "value": value}
                for name, value in sorted(record.extra_values.items())
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
        if extra_rows:
            connection.execute(insert(MLModelExtra), extra_rows)
        alias_rows: list[dict[str, Any]] = []
        for alias, slug in sorted(self.renamed_aliases.items()):
            model_id = context.model_ids_by_slug[slug]
            # Links that name a former slug follow the rename.
            context.model_ids_by_slug[alias] = model_id
            note = f"former slug: the model is {slug!r} since an import"
            alias_rows.append(
                {"alias": alias, "ml_model_id": model_id, "kind": "renamed", "note": note}
            )
        if alias_rows:
            connection.execute(insert(ModelAlias), alias_rows)
        counts = {"models": models, "unparsed values": len(unparsed_rows)}
        if extra_rows:
            counts["extra cells"] = len(extra_rows)
        if alias_rows:
            counts["former slugs of renamed models"] = len(alias_rows)
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
