"""Validation of the curated eras and milestones: located, explained, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.db.migrate import upgrade
from seed.errors import SeedError
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, SEED_DIR


def sample_with(tmp_path: Path, old: str, new: str, file: str = "milestones.toml") -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def refused(url: str, seed_dir: Path) -> list[tuple[str, int | None, str | None, str]]:
    upgrade(url)
    with pytest.raises(SeedError) as caught:
        load_seed(url, seed_dir)
    return [(i.file, i.line, i.column, i.reason) for i in caught.value.issues]


@pytest.mark.parametrize(
    ("old", "new", "column", "reason"),
    [
        (
            'models = ["alexnet"]',
            'models = ["alexnet-9000"]',
            "models",
            "no model with slug 'alexnet-9000'",
        ),
        ('era = "deep-learning"', 'era = "large-scale"', "era", "outside era 'large-scale'"),
        ('slug = "gpt-3"', 'slug = "gpt-2"', "slug", "duplicate slug 'gpt-2'"),
        (
            'date_precision = "day"',
            'date_precision = "decade"',
            "date_precision",
            "Input should be",
        ),
        ('category = "competition"', 'category = "gossip"', "category", "Input should be"),
        ("people = ", "authors = ", "authors", "Extra inputs are not permitted"),
    ],
)
def test_bad_milestone_is_located(
    empty_url: str, tmp_path: Path, old: str, new: str, column: str, reason: str
) -> None:
    issues = refused(empty_url, sample_with(tmp_path, old, new))
    assert len(issues) == 1, issues
    file, line, issue_column, issue_reason = issues[0]
    assert file == "milestones.toml"
    assert line is not None and line > 1
    assert issue_column == column
    assert reason in issue_reason


def test_year_precision_needs_january_first(empty_url: str, tmp_path: Path) -> None:
    issues = refused(
        empty_url,
        sample_with(
            tmp_path,
            'date = "2012-01-01"\ndate_precision = "year"',
            'date = "2012-03-01"\ndate_precision = "year"',
        ),
    )
    assert "YYYY-01-01" in issues[0][3]


def test_eras_must_not_leave_gaps(empty_url: str, tmp_path: Path) -> None:
    issues = refused(
        empty_url,
        sample_with(
            tmp_path, 'start_date = "2010-01-01"', 'start_date = "2010-02-01"', file="eras.toml"
        ),
    )
    assert any("gap or overlap" in reason for *_, reason in issues)


def test_full_curated_data_loads(empty_url: str) -> None:
    upgrade(empty_url)
    report = load_seed(empty_url, SEED_DIR)
    assert report.counts["eras"] >= 4
    assert report.counts["milestones"] >= 80
