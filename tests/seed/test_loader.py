"""The loader: idempotent, transactional, and explicit about what it refuses."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from api.db.migrate import upgrade
from seed.errors import SeedError
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, SEED_DIR

TABLES = ["ml_model", "organization", "ml_model_country", "data_source", "data_release"]


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the seeded tables, in primary key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: [
                    tuple(row)
                    for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
                ]
                for table in TABLES
            }
    finally:
        engine.dispose()


def copy_sample(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, target)
    return target


def test_full_seed_counts(empty_url: str) -> None:
    upgrade(empty_url)
    report = load_seed(empty_url, SEED_DIR)
    assert report.changed
    assert report.counts["models"] == 976
    assert report.counts["unparsed values"] == 3
    assert (report.counts["eras"], report.counts["milestones"]) == (4, 131)
    assert (report.counts["selections"], report.counts["selection members"]) == (1, 18)
    assert [n.line for n in report.notices] == [3670, 3868, 4227]


def test_second_seed_changes_nothing(empty_url: str) -> None:
    upgrade(empty_url)
    first = load_seed(empty_url, SAMPLE_DIR)
    before = snapshot(empty_url)
    second = load_seed(empty_url, SAMPLE_DIR)
    assert first.changed and not second.changed
    assert second.data_version == first.data_version
    assert snapshot(empty_url) == before


def test_same_files_give_same_database_anywhere(backend: str, tmp_path: Path) -> None:
    from tests.backends import fresh_database

    states = []
    for _ in range(2):
        with fresh_database(backend, tmp_path) as url:
            upgrade(url)
            load_seed(url, SAMPLE_DIR)
            state = snapshot(url)
            state.pop("data_release")  # holds the load time
            states.append(state)
    assert states[0] == states[1]


def _rewrite(path: Path, line_edit: dict[str, str], row_index: int) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[row_index].update(line_edit)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_bad_row_leaves_database_unchanged(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    before = snapshot(empty_url)
    seed_dir = copy_sample(tmp_path)
    csv_path = seed_dir / "epoch_notable_ai_models.csv"
    _rewrite(csv_path, {"Parameters": "lots", "Citations": "5"}, row_index=2)
    with pytest.raises(SeedError) as caught:
        load_seed(empty_url, seed_dir)
    issues = caught.value.issues
    assert len(issues) == 1
    assert issues[0].file == "epoch_notable_ai_models.csv"
    assert issues[0].column == "Parameters"
    assert "not a number: 'lots'" in issues[0].reason
    assert issues[0].line is not None and issues[0].line > 2
    assert snapshot(empty_url) == before


def test_failure_while_writing_rolls_back(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    before = snapshot(empty_url)

    from seed.sources.epoch_writer import EpochSource

    class Failing(EpochSource):
        def write(self, connection, context):  # type: ignore[no-untyped-def]
            super().write(connection, context)
            raise RuntimeError("disk full")

    seed_dir = copy_sample(tmp_path)
    _rewrite(seed_dir / "epoch_notable_ai_models.csv", {"Citations": "1.0"}, row_index=0)
    from seed.loader import default_sources

    sources = [
        Failing(seed_dir) if isinstance(s, EpochSource) else s for s in default_sources(seed_dir)
    ]
    with pytest.raises(RuntimeError, match="disk full"):
        load_seed(empty_url, seed_dir, sources=sources)
    assert snapshot(empty_url) == before


def test_unmigrated_database_is_refused(empty_url: str) -> None:
    with pytest.raises(SeedError, match="not migrated"):
        load_seed(empty_url, SAMPLE_DIR)


def test_header_mismatch_is_reported(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    seed_dir = copy_sample(tmp_path)
    path = seed_dir / "epoch_notable_ai_models.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Parameters,", "Params,", 1), encoding="utf-8"
    )
    with pytest.raises(SeedError, match="header mismatch") as caught:
        load_seed(empty_url, seed_dir)
    assert caught.value.issues[0].line == 1


def test_every_bad_row_is_listed(tmp_path: Path, empty_url: str) -> None:
    upgrade(empty_url)
    seed_dir = copy_sample(tmp_path)
    path = seed_dir / "epoch_notable_ai_models.csv"
    _rewrite(path, {"Publication date": "2020-02-30"}, row_index=0)
    _rewrite(path, {"Confidence": "Sure"}, row_index=3)
    with pytest.raises(SeedError) as caught:
        load_seed(empty_url, seed_dir)
    assert [i.column for i in caught.value.issues] == ["Publication date", "Confidence"]


def _malformed_seed(tmp_path: Path) -> Path:
    """The sample with what SQLite would store but PostgreSQL refuse, or neither should keep."""
    seed_dir = copy_sample(tmp_path)
    models = seed_dir / "epoch_notable_ai_models.csv"
    with models.open(newline="", encoding="utf-8") as handle:
        names = [row["Model"] for row in csv.DictReader(handle)]
    text = models.read_text(encoding="utf-8")
    text = text.replace(names[1], "x" * 339, 1)  # longer than the name column
    text = text.replace(names[2], "y" * 250, 1)  # a slug longer than the route takes
    text = text.replace(names[3], names[3][:4] + "\x00" + names[3][4:], 1)
    text = text.replace(names[5], names[4].lower(), 1)  # a duplicate, ignoring case
    models.write_text(text, encoding="utf-8")
    milestones = seed_dir / "milestones.toml"
    text = milestones.read_text(encoding="utf-8")
    text = text.replace('title = "AlexNet', 'title = "Alex\\u0000Net', 1)
    text = text.replace("gpus = 2,", "gpus = nan,", 1)
    text = text.replace("dataset_gb = 40", f"dataset_gb = {2**64}", 1)
    milestones.write_text(text, encoding="utf-8")
    return seed_dir


MALFORMED_REFUSALS = [
    "epoch_notable_ai_models.csv:7:1: [Model]: 339 characters, longer than the limit of 300",
    "epoch_notable_ai_models.csv:12:1: [Model]: the name's slug has 250 characters, longer than "
    "the limit of 200 (GET /v1/models/{slug}): shorten the name",
    "epoch_notable_ai_models.csv:21:5: [Model]: control character U+0000 is not allowed here",
    "epoch_notable_ai_models.csv:57:1: [Model]: duplicate model name 'gpt-3 175b (davinci)' "
    "(first at line 38 as 'GPT-3 175B (davinci)'; case is ignored)",
    "milestones.toml:24:9: [title]: control character U+0000 is not allowed here",
    "milestones.toml:32:100: [facts.gpus]: Input should be a finite number",
    "milestones.toml:68:61: [facts.dataset_gb]: integer outside the 64-bit range of TOML "
    "(write a float such as 1e30)",
]


def test_both_backends_refuse_the_same_files_alike(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    before = snapshot(empty_url)
    with pytest.raises(SeedError) as caught:
        load_seed(empty_url, _malformed_seed(tmp_path))
    assert [str(issue) for issue in caught.value.issues] == MALFORMED_REFUSALS
    assert snapshot(empty_url) == before
