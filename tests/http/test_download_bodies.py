"""A CSV column converted at once is written as its cells one by one would be."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from api.http.download_bodies import csv_cell, csv_column


def _written(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([cell] for cell in cells)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "values",
    [
        ["a", None, 'with "quotes", commas', ""],
        [1, None, -3, 0],
        [1.0, None, 1e26, 0.1, -0.0, float(2**53), 2.0**53 - 1, float("nan"), 7],
        [True, False, None],
        [dt.date(2020, 1, 2), None],
        [["x", "y"], [], None, [{"k": 1}], [1.5, 2.0]],
        [{"a": 1}, None, "mixed", 2.0],
    ],
    ids=["text", "integers", "floats", "booleans", "dates", "lists", "mixed"],
)
def test_a_column_is_written_as_its_cells(values: list[Any]) -> None:
    assert _written(csv_column(values)) == _written([csv_cell(v) for v in values])
