"""``dle import`` of generated exports, on both backends: each case, and every refusal and
dry run leaving the database exactly as it was."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from api.db.engine import is_sqlite, sqlite_path
from api.db.migrate import upgrade
from api.tables import DataSource, DataVersionRecord, MilestoneModel, MLModel, ModelAlias, metadata
from seed.errors import SeedError
from seed.imports import import_export
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR
from tests.seed.exports import Row, copy_sample_dir, write_export

DATASET = "Training dataset size (gradients)"


def fingerprint(url: str) -> str:
    """The database's bytes (SQLite: the file and its WAL) or every table's rows (PG)."""
    path = sqlite_path(url) if is_sqlite(url) else None
    if path is not None:
        digest = hashlib.sha256(path.read_bytes())
        wal = path.with_name(path.name + "-wal")
        digest.update(wal.read_bytes() if wal.exists() else b"")
        return digest.hexdigest()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            parts = []
            for table in metadata.sorted_tables:
                digest_sql = "SELECT md5(string_agg(t::text, '|' ORDER BY t::text))"
                row = connection.execute(text(f'{digest_sql} FROM "{table.name}" t')).scalar_one()
                parts.append(f"{table.name}:{row}")
            return hashlib.sha256("\n".join(parts).encode()).hexdigest()
    finally:
        engine.dispose()


@pytest.fixture
def seeded(empty_url: str) -> str:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    return empty_url


def query(url: str, statement: object) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(statement)]  # type: ignore[call-overload]
    finally:
        engine.dispose()


def _rename_gpt2(rows: list[Row]) -> list[Row]:
    for row in rows:
        if row["Model"] == "GPT-2 (1.5B)":
            row["Model"] = "GPT-2"
    return rows


def _undate_alexnet(rows: list[Row]) -> list[Row]:
    for row in rows:
        if row["Model"] == "AlexNet":
            row["Publication date"] = ""
    return rows


def test_renamed_and_new_columns_undated_rows_bom_crlf(seeded: str, tmp_path: Path) -> None:
    export = write_export(
        tmp_path / "export.csv",
        rename_columns={DATASET: "Training dataset size (total)"},
        add_columns={"Open weights": lambda row: "yes" if row["Model"] == "LeNet-5" else ""},
        edit=_undate_alexnet,
        bom=True,
        crlf=True,
    )
    report = import_export(seeded, export, SAMPLE_DIR, source_url="https://example.org/x.csv")
    diff = report.load.diff
    assert diff is not None
    assert diff["columns"]["renamed"] == {"Training dataset size (total)": DATASET}
    assert diff["columns"]["added"] == ["Open weights"]
    assert diff["added"] == [] and diff["removed"] == [] and diff["renamed"] == []
    changes = {c["slug"]: c["fields"] for c in diff["changed"]}
    assert changes["alexnet"]["publication_date"] == {"old": "2012-09-30", "new": None}
    assert changes["lenet-5"]["extra"] == {"old": {}, "new": {"Open weights": "yes"}}
    assert query(seeded, select(MLModel.publication_date).where(MLModel.slug == "alexnet")) == [
        (None,)
    ]
    # The dataset sizes came through the renamed column.
    sizes = query(
        seeded, select(MLModel.training_dataset_size).where(MLModel.slug == "gpt-3-175b-davinci")
    )
    assert sizes[0][0] is not None
    source = query(
        seeded,
        select(
            DataSource.file_name, DataSource.source_url, DataSource.row_count, DataSource.sha256
        ).where(DataSource.key == "epoch-notable-ai-models"),
    )
    assert source == [
        (
            "export.csv",
            "https://example.org/x.csv",
            10,
            hashlib.sha256(export.read_bytes()).hexdigest(),
        )
    ]
    kinds = query(seeded, select(DataVersionRecord.kind).order_by(DataVersionRecord.id))
    assert kinds == [("seed",), ("import",)]
    # Importing the same file again changes nothing.
    again = import_export(seeded, export, SAMPLE_DIR)
    assert again.load.changed is False


def test_renamed_model_keeps_its_slug_as_alias_and_its_links(seeded: str, tmp_path: Path) -> None:
    export = write_export(tmp_path / "export.csv", edit=_rename_gpt2)
    report = import_export(seeded, export, SAMPLE_DIR)
    assert report.load.diff is not None
    assert report.load.diff["renamed"] == [{"from": "gpt-2-1-5b", "to": "gpt-2"}]
    assert report.load.diff["added"] == [] and report.load.diff["removed"] == []
    aliases = query(
        seeded,
        select(ModelAlias.alias, MLModel.slug, ModelAlias.kind).join(
            MLModel,
            MLModel.id == ModelAlias.ml_model_id,  # type: ignore[arg-type]
        ),
    )
    assert aliases == [("gpt-2-1-5b", "gpt-2", "renamed")]
    linked = query(
        seeded,
        select(MLModel.slug).join(MilestoneModel, MilestoneModel.ml_model_id == MLModel.id),  # type: ignore[arg-type]
    )
    assert ("gpt-2",) in linked
    # A later import carries the alias over.
    later = write_export(
        tmp_path / "later.csv", edit=lambda rows: _undate_alexnet(_rename_gpt2(rows))
    )
    import_export(seeded, later, SAMPLE_DIR)
    assert query(seeded, select(ModelAlias.alias)) == [("gpt-2-1-5b",)]


def _refused(url: str, export: Path, seed_dir: Path = SAMPLE_DIR, **options: object) -> SeedError:
    before = fingerprint(url)
    with pytest.raises(SeedError) as caught:
        import_export(url, export, seed_dir, **options)  # type: ignore[arg-type]
    assert fingerprint(url) == before
    return caught.value


def test_missing_required_column_is_refused(seeded: str, tmp_path: Path) -> None:
    export = write_export(tmp_path / "export.csv", drop_columns=("Publication date",))
    error = _refused(seeded, export)
    assert "missing required column(s): Publication date" in str(error)


def test_vanished_linked_model_is_refused_unless_links_are_dropped(
    seeded: str, tmp_path: Path
) -> None:
    export = write_export(
        tmp_path / "export.csv", edit=lambda rows: [r for r in rows if r["Model"] != "Transformer"]
    )
    error = _refused(seeded, export)
    assert "'transformer' is gone from the export but milestone" in str(error)
    report = import_export(seeded, export, SAMPLE_DIR, drop_broken_links=True)
    assert report.dropped_links and report.dropped_links[0][1] == "transformer"
    assert report.load.diff is not None and report.load.diff["removed"] == ["transformer"]


def test_bad_row_is_refused(seeded: str, tmp_path: Path) -> None:
    def bad(rows: list[Row]) -> list[Row]:
        rows[0]["Parameters"] = "many"
        return rows

    export = write_export(tmp_path / "export.csv", edit=bad)
    assert "not a number" in str(_refused(seeded, export))


def test_dry_run_reports_and_writes_nothing(seeded: str, tmp_path: Path) -> None:
    export = write_export(tmp_path / "export.csv", edit=_rename_gpt2)
    before = fingerprint(seeded)
    report = import_export(seeded, export, SAMPLE_DIR, dry_run=True)
    assert fingerprint(seeded) == before
    assert report.load.dry_run and report.load.changed
    assert report.load.diff is not None
    assert report.load.diff["renamed"] == [{"from": "gpt-2-1-5b", "to": "gpt-2"}]
    assert any("dry run" in line for line in report.lines())


def test_report_lists_changes_field_by_field(seeded: str, tmp_path: Path) -> None:
    def edit(rows: list[Row]) -> list[Row]:
        for row in rows:
            if row["Model"] == "AlexNet":
                row["Parameters"] = "61000000"
        return rows

    report = import_export(seeded, write_export(tmp_path / "export.csv", edit=edit), SAMPLE_DIR)
    lines = report.lines()
    assert any(
        line.startswith("  changed: alexnet parameters: ") and "61000000.0" in line
        for line in lines
    )
    diff = query(seeded, select(DataVersionRecord.diff).order_by(DataVersionRecord.id.desc()))  # type: ignore[attr-defined]
    stored = json.loads(str(diff[0][0]))
    assert stored["changed"][0]["fields"]["parameters"]["new"] == 61000000.0


def test_links_to_a_renamed_model_in_a_copied_seed_dir(seeded: str, tmp_path: Path) -> None:
    seed_dir = copy_sample_dir(tmp_path)
    export = write_export(tmp_path / "export.csv", edit=_rename_gpt2)
    report = import_export(seeded, export, seed_dir)
    assert report.load.counts["milestone links to models"] == 7
