"""Published selections of models: the committed file, its validation and its loading."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlmodel import col

from api.db.migrate import upgrade
from api.tables import MLModel, ModelSelection, ModelSelectionMember, SelectionSlug
from seed.errors import SeedError
from seed.loader import load_seed
from seed.sources.epoch_writer import EpochSource
from seed.sources.selections import SELECTIONS_FILE, SelectionSource, read_selections
from tests.conftest import SAMPLE_DIR, SEED_DIR

SEVILLA = "sevilla-2022-large-scale"

# The large-scale models that the authors' rule gives on the authors' data (see
# seed/data/PROVENANCE.md), as the authors name them.
SEVILLA_NAMES = [
    "AlphaGo Fan",
    "AlphaGo Lee",
    "GNMT",
    "AlphaGo Master",
    "AlphaGo Zero",
    "AlphaZero",
    "Megatron-BERT",
    "T5-11B",
    "AlphaStar",
    "OpenAI Five",
    "Meena",
    "GPT-3 175B",
    "Meta Pseudo Labels",
    "ALIGN",
    "Jurassic-1-Jumbo",
    "Megatron-Turing NLG 530B",
    "Yuan 1.0",
    "Gopher",
]

SMALL_SELECTION = """
[[selection]]
slug = "small"
name = "A small selection"
description = "Two models of the sample data."
method = "Listed by hand."
source = "This test."
source_url = "https://example.org/small"
members = [
  { model = "alexnet", source_name = "AlexNet", source_date = "2012-09-30" },
  { model = "gpt-2-1-5b", source_name = "GPT-2", source_date = "2019-02-14" },
]
"""


def model_slugs() -> set[str]:
    return set(EpochSource(SEED_DIR).slugs().values())


def test_committed_selections_are_valid_and_match_models() -> None:
    selections, issues = read_selections(SEED_DIR / SELECTIONS_FILE, model_slugs())
    assert issues == []
    assert [s.slug for s in selections] == [slug.value for slug in SelectionSlug]
    sevilla = selections[0]
    assert [m.source_name for m in sevilla.members] == SEVILLA_NAMES
    assert all(dt.date(2015, 9, 1) < m.source_date < dt.date(2022, 2, 1) for m in sevilla.members)


def test_each_sevilla_member_is_the_model_the_authors_name() -> None:
    """Each slug is the Epoch AI row of the same model: its name (two spelled otherwise)
    and the authors' publication date, but for the two that the data dates otherwise."""
    selections, _ = read_selections(SEED_DIR / SELECTIONS_FILE, model_slugs())
    by_slug = {slug: name.strip() for name, slug in EpochSource(SEED_DIR).slugs().items()}
    with (SEED_DIR / "epoch_notable_ai_models.csv").open(encoding="utf-8-sig") as handle:
        dates = {row["Model"].strip(): row["Publication date"] for row in csv.DictReader(handle)}
    renamed = {"Gopher": "Gopher (280B)", "GPT-3 175B": "GPT-3 175B (davinci)"}
    redated = {"GPT-3 175B": 30, "AlphaGo Master": 291}  # days, as the selection notes
    for member in selections[0].members:
        name = by_slug[member.model]
        assert name == renamed.get(member.source_name, member.source_name)
        gap = abs(dt.date.fromisoformat(dates[name]) - member.source_date)
        assert gap.days <= redated.get(member.source_name, 1), member


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ('model = "gpt-2-1-5b"', 'model = "gpt-9"', "no model with slug 'gpt-9'"),
        ('model = "gpt-2-1-5b"', 'model = "alexnet"', "model 'alexnet' is listed twice"),
        ('source_date = "2019-02-14"', 'source_date = "2019-02-30"', "date"),
        ('source_url = "https://example.org/small"', 'source_url = "example"', "pattern"),
        (
            'method = "Listed by hand."',
            'method = "x"\nnote = "y"',
            "Extra inputs are not permitted",
        ),
    ],
)
def test_bad_selection_is_refused_and_located(
    empty_url: str, tmp_path: Path, old: str, new: str, reason: str
) -> None:
    seed_dir = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, seed_dir)
    assert old in SMALL_SELECTION
    (seed_dir / SELECTIONS_FILE).write_text(SMALL_SELECTION.replace(old, new), encoding="utf-8")
    upgrade(empty_url)
    with pytest.raises(SeedError) as caught:
        load_seed(empty_url, seed_dir)
    issues = caught.value.issues
    assert [i.file for i in issues] == [SELECTIONS_FILE], issues
    assert issues[0].line is not None and issues[0].line > 1
    assert reason in issues[0].reason


def test_duplicate_selection_slug_is_refused(tmp_path: Path) -> None:
    path = tmp_path / SELECTIONS_FILE
    path.write_text(SMALL_SELECTION + SMALL_SELECTION, encoding="utf-8")
    _, issues = read_selections(path, {"alexnet", "gpt-2-1-5b"})
    assert [i.reason for i in issues] == ["duplicate slug 'small'"]


def test_no_file_means_no_selections() -> None:
    source = SelectionSource(SAMPLE_DIR, None)
    assert (source.files, source.issues, source.data_sources()) == ([], [], [])


def test_selection_is_written_with_its_members_in_order(empty_url: str, tmp_path: Path) -> None:
    seed_dir = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, seed_dir)
    (seed_dir / SELECTIONS_FILE).write_text(SMALL_SELECTION, encoding="utf-8")
    upgrade(empty_url)
    report = load_seed(empty_url, seed_dir)
    assert (report.counts["selections"], report.counts["selection members"]) == (1, 2)
    engine = create_engine(empty_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    col(ModelSelection.slug),
                    col(MLModel.slug),
                    col(ModelSelectionMember.source_name),
                )
                .join(
                    ModelSelectionMember,
                    col(ModelSelectionMember.selection_id) == col(ModelSelection.id),
                )
                .join(MLModel, col(MLModel.id) == col(ModelSelectionMember.ml_model_id))
                .order_by(col(ModelSelectionMember.position))
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("small", "alexnet", "AlexNet"),
        ("small", "gpt-2-1-5b", "GPT-2"),
    ]
