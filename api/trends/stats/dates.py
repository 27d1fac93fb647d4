"""Decimal years: a publication date as a point on a continuous time axis."""

from __future__ import annotations

import datetime

import numpy as np
import numpy.typing as npt


def decimal_year(d: datetime.date) -> float:
    """Year plus the elapsed fraction of that year: ``year + (day_of_year - 1) / days_in_year``.

    ``2020-01-01 -> 2020.0``; ``2021-07-02 -> 2021 + 182/365``.  Leap years divide by 366.  A
    ``datetime.datetime`` is truncated to its date (time of day is ignored).
    """
    day_index = d.timetuple().tm_yday - 1
    days_in_year = 366 if _is_leap(d.year) else 365
    return d.year + day_index / days_in_year


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def decimal_years(dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
    """Vectorised :func:`decimal_year` of ``datetime64[D]`` dates."""
    days = dates.astype("datetime64[D]")
    year = days.astype("datetime64[Y]")
    first = year.astype("datetime64[D]")
    length = (year + 1).astype("datetime64[D]") - first
    elapsed = days - first
    whole = year.astype(np.int64) + 1970
    result: npt.NDArray[np.float64] = whole + elapsed.astype(np.float64) / length.astype(np.float64)
    return result


def date_of_decimal_year(x: float) -> datetime.date | None:
    """The date whose :func:`decimal_year` is nearest ``x`` (the inverse, to the day);
    ``None`` outside years 1..9999."""
    if not (1.0 <= x < 10000.0):
        return None
    year = int(x // 1)
    days_in_year = 366 if _is_leap(year) else 365
    day = min(round((x - year) * days_in_year), days_in_year - 1)
    return datetime.date(year, 1, 1) + datetime.timedelta(days=day)
