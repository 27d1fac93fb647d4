"""Validation of the curated eras and milestones: located, explained, nothing written."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from api.db.migrate import upgrade
from seed.errors import SeedError, SeedIssue
from seed.loader import load_seed
from seed.sources.timeline import MilestoneRecord, read_eras, read_milestones
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


def where(text: str, needle: str) -> tuple[int, int]:
    """The 1-based (line, character) where ``needle`` first starts in ``text``."""
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def sample_text(name: str = "milestones.toml") -> str:
    return (SAMPLE_DIR / name).read_text(encoding="utf-8")


def read_sample_milestones(
    tmp_path: Path, content: str | bytes
) -> tuple[list[MilestoneRecord], list[SeedIssue]]:
    path = tmp_path / "milestones.toml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    eras, era_issues = read_eras(SAMPLE_DIR / "eras.toml")
    assert not era_issues
    located, issues = read_milestones(path, [era for _, era in eras], None)
    return [record for _, record in located], issues


@pytest.mark.parametrize(
    ("old", "new", "value", "column"),
    [
        ('category = "competition"', 'category = "gossip"', '"gossip"', "category"),
        ('era = "deep-learning"', 'era = "large-scale"', '"large-scale"', "era"),
        ('url = "https://image-net.org', 'url = "ftp://image-net.org', '"ftp://image-net', None),
        ("gpus = 2,", 'gpus = "two",', '"two"', "facts.gpus"),
    ],
    ids=["category", "era", "reference url", "fact"],
)
def test_milestone_error_is_at_the_value_of_its_field(
    tmp_path: Path, old: str, new: str, value: str, column: str | None
) -> None:
    text = sample_text().replace(old, new, 1)
    _, issues = read_sample_milestones(tmp_path, text)
    assert len(issues) == 1, issues
    assert (issues[0].line, issues[0].char) == where(text, value)
    if column is not None:
        assert issues[0].column == column


def test_zero_byte_milestones_file_is_refused(tmp_path: Path) -> None:
    _, issues = read_sample_milestones(tmp_path, b"")
    assert [(i.line, i.reason) for i in issues] == [
        (1, "no [[milestone]] table; write `milestone = []` for none")
    ]


def test_explicit_empty_milestone_list_is_accepted(tmp_path: Path) -> None:
    records, issues = read_sample_milestones(tmp_path, "# none yet\nmilestone = []\n")
    assert (records, issues) == ([], [])


def test_bom_is_accepted_in_both_toml_files(tmp_path: Path) -> None:
    plain, _ = read_sample_milestones(tmp_path, sample_text())
    records, issues = read_sample_milestones(tmp_path, codecs.BOM_UTF8 + sample_text().encode())
    assert issues == [] and records == plain
    eras_path = tmp_path / "eras.toml"
    eras_path.write_bytes(codecs.BOM_UTF8 + sample_text("eras.toml").encode())
    eras, era_issues = read_eras(eras_path)
    assert era_issues == [] and len(eras) == len(read_eras(SAMPLE_DIR / "eras.toml")[0])


@pytest.mark.parametrize(
    ("old", "new", "column", "reason"),
    [
        ('title = "AlexNet', 'title = "Alex\\u0000Net', "title", "U+0000"),
        ('title = "AlexNet', 'title = "Alex\\tNet', "title", "U+0009"),
        ("gpus = 2,", "gpus = nan,", "facts.gpus", "finite number"),
        ("gpus = 2,", f"gpus = {2**63},", "facts.gpus", "64-bit"),
        ('tags = ["', f'tags = ["{"t" * 101}", "', "tags.0", "at most 100 characters"),
        ('slug = "alexnet', f'slug = "{"a" * 201}', "slug", "at most 200 characters"),
    ],
    ids=["NUL", "tab in a title", "NaN", "integer beyond 64 bits", "long tag", "long slug"],
)
def test_what_a_database_would_refuse_is_refused(
    tmp_path: Path, old: str, new: str, column: str, reason: str
) -> None:
    text = sample_text()
    assert old in text
    _, issues = read_sample_milestones(tmp_path, text.replace(old, new, 1))
    assert [(i.column, reason in i.reason) for i in issues] == [(column, True)], issues
    assert issues[0].line == where(text, old)[0]


def test_invalid_toml_is_located(tmp_path: Path) -> None:
    text = sample_text().replace('category = "competition"', "category = competition", 1)
    _, issues = read_sample_milestones(tmp_path, text)
    assert [(i.line, i.char) for i in issues] == [where(text, "competition")]


def test_latin1_byte_in_a_toml_file_is_located(tmp_path: Path) -> None:
    data = sample_text().encode("utf-8").replace(b'title = "AlexNet', b'title = "Alex\xe9Net', 1)
    _, issues = read_sample_milestones(tmp_path, data)
    line, char = where(sample_text(), 'title = "AlexNet')
    assert [(i.line, i.char) for i in issues] == [(line, char + len('title = "Alex'))]
    assert "0xe9" in issues[0].reason
