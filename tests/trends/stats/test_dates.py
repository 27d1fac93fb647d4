"""Tests for api.trends.stats.dates (decimal years)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.trends.stats.dates import date_of_decimal_year, decimal_year, decimal_years
from tests.trends.stats.support import HYPOTHESIS

# --------------------------------------------------------------------------------------------
# decimal_year


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2020, 1, 1), 2020.0),
        (datetime.date(2021, 1, 1), 2021.0),
        (datetime.date(2021, 7, 2), 2021 + 182 / 365),
        (datetime.date(2020, 7, 2), 2020 + 183 / 366),
        (datetime.date(2019, 12, 31), 2019 + 364 / 365),
        (datetime.date(2020, 12, 31), 2020 + 365 / 366),
        (datetime.date(1900, 3, 1), 1900 + 59 / 365),  # 1900 is not a leap year
        (datetime.date(2000, 3, 1), 2000 + 60 / 366),  # 2000 is
        (datetime.datetime(2020, 1, 1, 23, 59), 2020.0),  # time of day ignored
    ],
)
def test_decimal_year(day: datetime.date, expected: float) -> None:
    assert decimal_year(day) == pytest.approx(expected, abs=1e-12)


@HYPOTHESIS
@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_decimal_year_is_within_its_year_and_increasing(day: datetime.date) -> None:
    value = decimal_year(day)
    assert day.year <= value < day.year + 1
    if day < datetime.date(2100, 12, 31):
        assert decimal_year(day + datetime.timedelta(days=1)) > value


def test_vectorised_decimal_years_equal_the_scalar_definition() -> None:
    start = datetime.date(1899, 12, 25)
    dates = [start + datetime.timedelta(days=k * 37) for k in range(1500)]  # 1899..2051, leap years
    dates += [datetime.date(2000, 12, 31), datetime.date(2001, 1, 1), datetime.date(1900, 3, 1)]
    got = decimal_years(np.array(dates, dtype="datetime64[D]"))
    expected = [decimal_year(d) for d in dates]
    assert got.tolist() == pytest.approx(expected, abs=1e-12, rel=0)


@given(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_date_of_decimal_year_inverts_decimal_year(d: datetime.date) -> None:
    assert date_of_decimal_year(decimal_year(d)) == d


def test_date_of_decimal_year_outside_the_calendar_is_none() -> None:
    assert date_of_decimal_year(12000.5) is None
    assert date_of_decimal_year(-3.0) is None
