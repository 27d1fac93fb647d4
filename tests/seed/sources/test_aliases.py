"""``aliases.toml``: the original-release rule, refusals with their line, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from api.db.migrate import upgrade
from seed.errors import SeedError
from seed.loader import load_seed
from seed.sources.aliases import AliasSource
from seed.sources.epoch_writer import EpochSource
from tests.conftest import SAMPLE_DIR, SEED_DIR

GOOD = """\
[[alias]]
alias = "gpt-2"
model = "gpt-2-1-5b"
family = '^GPT-\\d\\b'
"""


def _sample_with(tmp_path: Path, aliases: str) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, target)
    (target / "aliases.toml").write_text(aliases, encoding="utf-8")
    return target


def _issues(tmp_path: Path, aliases: str) -> list[str]:
    seed_dir = _sample_with(tmp_path, aliases)
    source = AliasSource(seed_dir, EpochSource(seed_dir))
    return [str(issue) for issue in source.issues]


def _rows(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = "SELECT a.alias, m.slug, a.kind, a.note FROM model_alias a "
            query += "JOIN ml_model m ON m.id = a.ml_model_id ORDER BY a.alias"
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_shipped_aliases_follow_the_rule() -> None:
    source = AliasSource(SEED_DIR, EpochSource(SEED_DIR))
    assert source.issues == []
    by_alias = {entry.alias: entry.model for entry in source.aliases}
    # The issue's examples, and the rule's choices where a family has several releases.
    assert by_alias["gpt-2"] == "gpt-2-1-5b"
    assert by_alias["gpt-3"] == "gpt-3-175b-davinci"
    assert by_alias["bert"] == "bert-large"
    assert by_alias["llama-2"] == "llama-2-70b"
    assert by_alias["llama-3"] == "llama-3-70b"
    assert by_alias["gpt-4"] == "gpt-4-mar-2023"


def test_aliases_are_loaded(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    load_seed(empty_url, _sample_with(tmp_path, GOOD))
    assert _rows(empty_url) == [("gpt-2", "gpt-2-1-5b", "name", None)]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            'alias = "alexnet"\nmodel = "alexnet"\nfamily = "^AlexNet$"',
            "aliases.toml:3:9: [alias]: alias 'alexnet' is the slug of a model; "
            "an alias must differ",
        ),
        (
            'alias = "gpt"\nmodel = "gpt-9"\nfamily = "^GPT"',
            "aliases.toml:4:9: [model]: no model with slug 'gpt-9' in the models data",
        ),
        (
            'alias = "gpt"\nmodel = "gpt-3-175b-davinci"\nfamily = "^GPT-"',
            "aliases.toml:4:9: [model]: the family's original release is gpt-2-1-5b, not "
            "'gpt-3-175b-davinci' (earliest published, then most parameters)",
        ),
        (
            'alias = "gpt"\nmodel = "gpt-2-1-5b"\nfamily = "^BERT"',
            "aliases.toml:5:10: [family]: family '^BERT' does not match 'GPT-2 (1.5B)'",
        ),
        (
            'alias = "gpt"\nmodel = "gpt-2-1-5b"\nfamily = "(GPT"',
            "aliases.toml:5:10: [family]: invalid regular expression: "
            "missing ), unterminated subpattern at position 0",
        ),
        (
            'alias = "GPT 2"\nmodel = "gpt-2-1-5b"\nfamily = "^GPT"',
            "aliases.toml:3:9: [alias]: String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$'",
        ),
    ],
)
def test_bad_alias_is_refused_with_its_line(tmp_path: Path, entry: str, expected: str) -> None:
    assert _issues(tmp_path, f"\n[[alias]]\n{entry}\n") == [expected]


def test_duplicate_alias_is_refused(tmp_path: Path) -> None:
    assert _issues(tmp_path, GOOD + "\n" + GOOD) == [
        "aliases.toml:7:9: [alias]: duplicate alias 'gpt-2'"
    ]


def test_a_tie_needs_a_note(tmp_path: Path) -> None:
    # Two models share the family's first day and size: the entry must say why it chose.
    seed_dir = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed_dir)
    entry = '[[alias]]\nalias = "gpt-four"\nmodel = "gpt-4-mar-2023"\nfamily = "^GPT-4 \\\\("\n'
    (seed_dir / "aliases.toml").write_text(entry, encoding="utf-8")
    issues = [str(i) for i in AliasSource(seed_dir, EpochSource(seed_dir)).issues]
    assert issues == [
        "aliases.toml:1:1: [note]: the rule ties between gpt-4-jun-2023, gpt-4-mar-2023: "
        "say in `note` why 'gpt-4-mar-2023'"
    ]
    (seed_dir / "aliases.toml").write_text(entry + 'note = "The one announced."\n', "utf-8")
    assert AliasSource(seed_dir, EpochSource(seed_dir)).issues == []


def test_bad_alias_leaves_the_database_unchanged(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    load_seed(empty_url, _sample_with(tmp_path / "good", GOOD))
    before = _rows(empty_url)
    bad = _sample_with(tmp_path / "bad", GOOD.replace('"gpt-2"', '"alexnet"'))
    with pytest.raises(SeedError, match="alias 'alexnet' is the slug of a model"):
        load_seed(empty_url, bad)
    assert _rows(empty_url) == before


def test_without_the_file_there_are_no_aliases() -> None:
    source = AliasSource(SAMPLE_DIR, EpochSource(SAMPLE_DIR))
    assert (source.files, source.aliases, source.issues) == ([], [], [])
