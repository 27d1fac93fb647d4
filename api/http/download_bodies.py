"""The bodies of downloads (``api/http/downloads.py``): CSV cells and rows, NDJSON lines.

**CSV**: RFC 4180 (``csv`` module quoting, CRLF line ends, a header row). Lists of plain
values are joined with ``"; "``; a list holding objects is one JSON array in its cell,
an object one JSON object; booleans are ``true``/``false``; unknown values are empty
cells; the last column, ``attribution``, repeats the licence's attribution on every row.
**NDJSON**: one JSON object per item, then the ``meta`` line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson

ATTRIBUTION_COLUMN = "attribution"


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for null, plain lists joined with '; ', objects as JSON."""
    # By exact type first (one lookup instead of a chain of isinstance checks, for each
    # of a download's cells); subclasses and other types take the general rules below.
    cell = _CELLS.get(type(value))
    if cell is not None:
        return cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float_cell(value)
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return _list_cell(value)
    return orjson.dumps(value).decode()


def _float_cell(value: float) -> str:
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _list_cell(value: list[Any] | tuple[Any, ...]) -> str:
    if all(type(v) is str for v in value):
        return "; ".join(value)
    if any(isinstance(v, Mapping | list | tuple) for v in value):
        return orjson.dumps(list(value)).decode()
    return "; ".join(csv_cell(v) for v in value)


_CELLS: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "",
    str: lambda value: value,
    int: str,
    float: _float_cell,
    bool: lambda value: "true" if value else "false",
    dt.date: dt.date.isoformat,
    list: _list_cell,
    tuple: _list_cell,
}


# Values the ``csv`` module writes as ``csv_cell`` would: text as it is, None as an empty
# cell, integers in decimal (not bool, a subclass of int, which it would write "True").
_WRITTEN_AS_IS = frozenset({str, type(None), int})
_FLOAT_OR_AS_IS = _WRITTEN_AS_IS | {float}


def csv_column(values: list[Any]) -> list[Any]:
    """``csv_cell`` of each value, or the value itself where the ``csv`` module writes it
    the same: checked once for the whole column, so that a column of text or numbers
    costs no call per cell."""
    kinds = set(map(type, values))
    if kinds <= _WRITTEN_AS_IS:
        return values
    if kinds <= _FLOAT_OR_AS_IS:
        return [_float_cell(v) if type(v) is float else v for v in values]
    return [csv_cell(v) for v in values]


def csv_chunks(
    pages: Iterable[Sequence[Mapping[str, Any]]], columns: Sequence[str], attribution: str
) -> Iterator[bytes]:
    """The CSV file: a header row, then one chunk per page of rows (converted column by
    column: ``csv_column``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with_attribution = ATTRIBUTION_COLUMN not in columns
    writer.writerow([*columns, ATTRIBUTION_COLUMN] if with_attribution else columns)
    for rows in pages:
        cells = [csv_column([row.get(name) for row in rows]) for name in columns]
        if with_attribution:
            cells.append([attribution] * len(rows))
        writer.writerows(zip(*cells, strict=True))
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def ndjson_chunks(
    pages: Iterable[Sequence[Mapping[str, Any]]], columns: Sequence[str], meta: Mapping[str, Any]
) -> Iterator[bytes]:
    """One JSON object per item with the selected fields, then the ``meta`` line."""
    count = 0
    for rows in pages:
        chunk = b"".join(
            orjson.dumps({name: row.get(name) for name in columns}) + b"\n" for row in rows
        )
        count += len(rows)
        if chunk:
            yield chunk
    yield orjson.dumps({"meta": {**meta, "total": count}}) + b"\n"
