"""The position-keeping CSV reader reads what the csv module reads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from seed.sources.csv_rows import CsvSyntaxError, read_rows
from tests.conftest import SAMPLE_DIR, SEED_DIR


@pytest.mark.parametrize("folder", [SEED_DIR, SAMPLE_DIR], ids=["full", "sample"])
def test_same_rows_as_the_csv_module(folder: Path) -> None:
    text = (folder / "epoch_notable_ai_models.csv").read_text(encoding="utf-8")
    for line_end in ("\n", "\r\n"):
        source = text.replace("\n", line_end)
        expected = list(csv.reader(io.StringIO(source, newline=""), strict=True))
        assert [[cell.value for cell in row] for row in read_rows(source)] == expected


def test_cells_know_where_they_start() -> None:
    rows = list(read_rows('a,"b\n""c""",d\n\ne,\n'))
    assert [[(c.value, c.start) for c in row] for row in rows] == [
        [("a", 0), ('b\n"c"', 2), ("d", 12)],
        [("e", 15), ("", 17)],
    ]


@pytest.mark.parametrize(
    ("text", "offset"),
    [('a,"b\nc', 2), ('a,"b"c,d', 2), ('a,b"c', 3)],
    ids=["never closed", "text after the closing quote", "quote in an unquoted cell"],
)
def test_malformed_cells_are_located(text: str, offset: int) -> None:
    with pytest.raises(CsvSyntaxError) as caught:
        list(read_rows(text))
    assert caught.value.offset == offset
