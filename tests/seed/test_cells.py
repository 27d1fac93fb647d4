"""Cell parsers: blanks are unknown (None), numbers keep their value exactly."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seed import cells
from seed.errors import AmbiguousCellError, CellError


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("3.14e+23", 3.14e23),
        ("10666666666.666666", 10666666666.666666),
        ("175000000000.0", 175e9),
        ("0.0", 0.0),
        ("  12 ", 12.0),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_number(cell: str, expected: float | None) -> None:
    assert cells.parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "nan", "inf", "-1", "1,000 tokens", "1e400"])
def test_parse_number_rejects(cell: str) -> None:
    with pytest.raises(CellError):
        cells.parse_number(cell)


def test_two_numbers_in_one_cell_are_ambiguous() -> None:
    with pytest.raises(AmbiguousCellError, match="several numbers"):
        cells.parse_number("2260275840,2290000001")


@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False))
def test_parse_number_round_trips_any_float(value: float) -> None:
    assert cells.parse_number(repr(value)) == value
    assert cells.parse_number(f"{value:e}") == float(f"{value:e}")


@given(st.text())
def test_parse_number_never_returns_non_finite(text: str) -> None:
    try:
        value = cells.parse_number(text)
    except CellError:
        return
    assert value is None or (math.isfinite(value) and value >= 0)


def test_text_is_trimmed_and_blank_is_none() -> None:
    assert cells.parse_text("Solar Open 100B\n") == "Solar Open 100B"
    assert cells.parse_text(" \n ") is None


def test_dates() -> None:
    assert cells.parse_date("2012-09-30") == dt.date(2012, 9, 30)
    for bad in ["", "2012-9-30", "2012-02-30", "30/09/2012"]:
        with pytest.raises(CellError):
            cells.parse_date(bad)


def test_flags() -> None:
    assert cells.parse_flag("True") is True
    assert cells.parse_flag("") is False
    with pytest.raises(CellError):
        cells.parse_flag("yes")


def test_lists_keep_order_and_repeats() -> None:
    assert cells.parse_list("China,China") == ["China", "China"]
    assert cells.parse_list("Multimodal,Language,Vision") == ["Multimodal", "Language", "Vision"]
    assert cells.parse_list("A, Lawrence Berkeley National Laboratory") == [
        "A",
        "Lawrence Berkeley National Laboratory",
    ]
    assert cells.parse_list("") == []


def test_choice() -> None:
    allowed = frozenset({"Confident", "Likely"})
    assert cells.parse_choice("Likely", allowed) == "Likely"
    assert cells.parse_choice("", allowed) is None
    with pytest.raises(CellError, match="not one of"):
        cells.parse_choice("Sure", allowed)
