"""Reading Epoch AI's CSV: every refusal names the line and character where it is."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from seed.errors import SeedIssue
from seed.sources.epoch import FILE_NAME, read_epoch_csv
from tests.conftest import SAMPLE_DIR, SEED_DIR

SAMPLE = (SAMPLE_DIR / FILE_NAME).read_text(encoding="utf-8")
FULL = (SEED_DIR / FILE_NAME).read_bytes()


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / FILE_NAME
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, character) of ``offset``, as an editor shows it."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def issues_of(path: Path) -> list[SeedIssue]:
    _records, issues = read_epoch_csv(path)
    assert issues, "expected a refusal"
    return issues


def test_nul_byte_is_refused_at_its_line_and_character(tmp_path: Path) -> None:
    name = rows(SAMPLE)[2]["Model"]
    offset = SAMPLE.index(name) + 3
    path = write(tmp_path, SAMPLE[:offset] + "\x00" + SAMPLE[offset:])
    [issue] = issues_of(path)
    assert (issue.line, issue.char) == position(SAMPLE, offset)
    assert issue.column == "Model"
    assert "U+0000" in issue.reason
    assert str(issue).startswith(f"{FILE_NAME}:{issue.line}:{issue.char}: [Model]: ")


def test_nul_byte_in_a_multiline_cell_is_refused_at_its_own_line(tmp_path: Path) -> None:
    text = FULL.decode("utf-8")
    abstract = next(row["Abstract"] for row in rows(text) if "\n" in row["Abstract"])
    offset = text.index(abstract) + abstract.index("\n") + 2  # the cell's second line
    [issue] = issues_of(write(tmp_path, text[:offset] + "\x00" + text[offset:]))
    assert (issue.line, issue.char) == position(text, offset)
    assert issue.column == "Abstract"


def test_control_characters_are_refused_in_names_kept_in_free_text(tmp_path: Path) -> None:
    name = rows(SAMPLE)[0]["Model"]
    tab_in_name = SAMPLE.replace(name, f"{name[:2]}\t{name[2:]}", 1)
    [issue] = issues_of(write(tmp_path, tab_in_name))
    assert issue.column == "Model" and "U+0009" in issue.reason
    _records, issues = read_epoch_csv(SEED_DIR / FILE_NAME)  # abstracts hold U+001C
    assert not issues


def test_a_339_character_name_is_refused_with_the_limit(tmp_path: Path) -> None:
    name = rows(SAMPLE)[1]["Model"]
    [issue] = issues_of(write(tmp_path, SAMPLE.replace(name, "x" * 339, 1)))
    assert issue.column == "Model"
    assert "339 characters" in issue.reason and "limit of 300" in issue.reason


def test_a_name_whose_slug_exceeds_the_route_limit_is_refused(tmp_path: Path) -> None:
    name = rows(SAMPLE)[1]["Model"]
    offset = SAMPLE.index(name)
    [issue] = issues_of(write(tmp_path, SAMPLE.replace(name, "y" * 250, 1)))
    assert (issue.line, issue.char, issue.column) == (*position(SAMPLE, offset), "Model")
    assert "limit of 200" in issue.reason and "/v1/models/{slug}" in issue.reason


def test_names_differing_only_in_case_are_duplicates(tmp_path: Path) -> None:
    first, second = rows(SAMPLE)[1]["Model"], rows(SAMPLE)[2]["Model"]
    text = SAMPLE.replace(second, first.lower(), 1)
    [issue] = issues_of(write(tmp_path, text))
    assert (issue.line, issue.char) == position(text, text.index(first.lower()))
    assert issue.column == "Model"
    assert "duplicate model name" in issue.reason and repr(first) in issue.reason


def test_latin1_byte_is_reported_at_its_line(tmp_path: Path) -> None:
    lines = FULL.split(b"\n")
    assert lines[4886].startswith(b"GPT-3 175B")
    lines[4886] = lines[4886].replace(b"GPT-3", b"GPT-\xe9", 1)
    [issue] = issues_of(write(tmp_path, b"\n".join(lines)))
    assert (issue.line, issue.char) == (4887, 5)
    assert "0xe9" in issue.reason


def test_unterminated_quote_is_reported_where_the_cell_starts(tmp_path: Path) -> None:
    # The quote that should close this cell is missing: the cell runs on to the
    # next quote in the file. The problem is where the cell opens, not where it stops.
    text = FULL.decode("utf-8")
    opening = text.index('"Text autocompletion,Language modeling/generation"')
    closing = text.index('"', opening + 1)
    broken = text[:closing] + text[closing + 1 :]
    [issue] = issues_of(write(tmp_path, broken))
    assert (issue.line, issue.char) == position(text, opening) == (4887, 49)
    assert "unreadable CSV" in issue.reason


def test_quote_left_open_at_the_end_is_reported_where_the_cell_starts(tmp_path: Path) -> None:
    text = SAMPLE.rstrip("\n") + '\n"Unfinished,2020-01-01\n'
    [issue] = issues_of(write(tmp_path, text))
    assert (issue.line, issue.char) == (text.count("\n"), 1)
    assert "never closed" in issue.reason


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_bom_is_accepted_and_not_part_of_the_first_column(tmp_path: Path, line_end: str) -> None:
    plain, plain_issues = read_epoch_csv(SAMPLE_DIR / FILE_NAME)
    text = SAMPLE.replace("\n", line_end)
    with_bom, issues = read_epoch_csv(write(tmp_path, codecs.BOM_UTF8 + text.encode("utf-8")))
    assert issues == plain_issues == []
    assert [r.name for r in with_bom] == [r.name for r in plain]
