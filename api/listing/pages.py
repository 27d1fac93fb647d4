"""Sorting and pagination: offset pages and keyset cursors over the same order.

Every order ends with a unique tiebreaker, and null values sort last in both
directions on every database, so offset and cursor pages never overlap or skip.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import ColumnElement, and_, false, or_

from api.errors import InvalidParameterError
from api.listing.params import field_name, unknown_field


@dataclass(frozen=True)
class Sortable:
    """A column clients may sort on (a Core column or an ORM attribute)."""

    column: Any
    nullable: bool = True
    is_date: bool = False


@dataclass(frozen=True)
class SortKey:
    """One key of an order: a sortable column and a direction."""

    name: str
    sortable: Sortable
    descending: bool


def parse_sort(raw: str | None, allowed: Mapping[str, Sortable], default: str) -> list[SortKey]:
    """Parse ``sort=-publication_date,name`` against an allow-list."""
    text = raw if raw is not None and raw.strip() else default
    keys: list[SortKey] = []
    seen: set[str] = set()
    for part in (p.strip() for p in text.split(",")):
        # One optional "-" and a field name: "+-x", "--x" or "- x" are not sort keys.
        descending = part.startswith("-")
        written = part[1:] if descending else part
        name = field_name(written, allowed)
        if name is None:
            raise unknown_field("sort", written, allowed)
        if name in seen:
            raise InvalidParameterError("sort", f"field {name!r} appears twice", "duplicate_field")
        seen.add(name)
        keys.append(SortKey(name, allowed[name], descending))
    return keys


def canonical_sort(keys: Sequence[SortKey]) -> str:
    """The sort as a normalized string (for cursors and cache keys)."""
    return ",".join(("-" if k.descending else "") + k.name for k in keys)


def order_by(keys: Sequence[SortKey], tiebreaker: ColumnElement[Any]) -> list[Any]:
    """ORDER BY clauses: each key (nulls last), then the unique tiebreaker ascending.

    ``NULLS LAST`` (SQLite 3.30+, PostgreSQL) rather than a computed null flag: the
    database can then read the key's index in order instead of sorting every row.
    """
    clauses: list[Any] = []
    for key in keys:
        column = key.sortable.column
        clause = column.desc() if key.descending else column.asc()
        clauses.append(clause.nulls_last() if key.sortable.nullable else clause)
    clauses.append(tiebreaker)
    return clauses


def row_key(keys: Sequence[SortKey], row: Mapping[str, Any], tiebreak_value: Any) -> list[Any]:
    """The values a cursor stores for a row: its sort keys and tiebreaker."""
    values = []
    for key in keys:
        value = row[key.name]
        values.append(value.isoformat() if isinstance(value, dt.date) else value)
    values.append(tiebreak_value)
    return values


def after(
    keys: Sequence[SortKey], tiebreaker: ColumnElement[Any], values: Sequence[Any]
) -> tuple[ColumnElement[bool], ...]:
    """Rows strictly after the row with sort ``values`` in the order of ``order_by``, as
    conditions whose rows follow one another in that order: read the first, then the next
    while the page is not full.

    Each is one range of the first key's index, so that the database seeks the index to
    the cursor instead of reading it from the start: a page at depth 500,000 then costs
    what the first page costs. There are two when the first key is nullable and the cursor
    is before its null group: the rest of the non-null range, then every null.
    """
    # Expand each nullable key into (is-null flag, value) so that the comparison
    # never meets NULL; a term that cannot hold (after NULL in a null group) is dropped.
    if len(values) != len(keys) + 1:
        raise _bad_cursor()
    parts: list[tuple[ColumnElement[Any], Any, bool, bool]] = []
    first_value: Any = None
    for index, (key, raw) in enumerate(zip(keys, values, strict=False)):
        column = key.sortable.column
        value = _cursor_value(
            column, raw, nullable=key.sortable.nullable, is_date=key.sortable.is_date
        )
        if index == 0:
            first_value = value
        if key.sortable.nullable:
            parts.append((column, value is None, False, True))
        parts.append((column, value, key.descending, False))
    parts.append((tiebreaker, _cursor_value(tiebreaker, values[-1]), False, False))

    terms: list[ColumnElement[bool]] = []
    equal_so_far: list[ColumnElement[bool]] = []
    for column, value, descending, is_flag in parts:
        if is_flag:
            if value is False:  # non-null now: later rows may be null
                terms.append(and_(*equal_so_far, column.is_(None)))
                equal_so_far.append(column.is_not(None))
            else:
                equal_so_far.append(column.is_(None))
            continue
        if value is None:  # inside the null group every value is equal
            continue
        strictly = column < value if descending else column > value
        terms.append(and_(*equal_so_far, strictly))
        equal_so_far.append(column == value)
    if not terms:
        return (false(),)
    first = keys[0]
    column = first.sortable.column
    if first_value is None:  # inside the trailing null group
        return (and_(column.is_(None), or_(*terms)),)
    bound = _seek_bound(first, first_value)
    if not first.sortable.nullable:
        return (and_(bound, or_(*terms)),)
    # terms[0] is the whole null group (the first key's flag); the others hold only
    # non-null first keys. Apart, each is one index range, read in order.
    return (and_(column.is_not(None), bound, or_(*terms[1:])), column.is_(None))


def _cursor_value(column: Any, value: Any, *, nullable: bool = False, is_date: bool = False) -> Any:
    """A cursor's value for ``column``, of the column's type; a forged one is a 400."""
    if value is None:
        if nullable:
            return None
        raise _bad_cursor()
    if is_date:
        if not isinstance(value, str):
            raise _bad_cursor()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _bad_cursor() from None
    try:
        python_type = column.type.python_type
    except (AttributeError, NotImplementedError):
        return value
    if python_type is bool:
        ok = isinstance(value, bool)
    elif python_type is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif python_type is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif python_type is str:
        ok = isinstance(value, str)
    else:
        ok = True
    if not ok:
        raise _bad_cursor()
    return value


def _seek_bound(key: SortKey, value: Any) -> ColumnElement[bool]:
    """The range on the first key (not null) that the rows after the cursor lie in."""
    column = key.sortable.column
    bound: ColumnElement[bool] = column <= value if key.descending else column >= value
    return bound


def encode_cursor(payload: Mapping[str, Any]) -> str:
    """An opaque, URL-safe cursor."""
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> InvalidParameterError:
    return InvalidParameterError("cursor", "not a cursor issued by this API", "bad_cursor")


def _storable(text: str) -> str:
    """Text a database can compare: no NUL (PostgreSQL refuses it), no lone surrogate
    (not encodable as UTF-8), as every text this API stores and issues in a cursor."""
    if "\x00" in text:
        raise ValueError("NUL in a text key")
    text.encode("utf-8")  # UnicodeEncodeError is a ValueError
    return text


# JSON numbers a database column can hold exactly: within a double's integer range.
MAX_CURSOR_INT = 2**53
CursorScalar = (
    StrictBool
    | Annotated[StrictInt, Field(ge=-MAX_CURSOR_INT, le=MAX_CURSOR_INT)]
    | Annotated[StrictFloat, Field(allow_inf_nan=False)]
    | Annotated[StrictStr, AfterValidator(_storable)]
    | None
)


class Cursor(BaseModel):
    """A decoded cursor: data version, sort, filters, the last row's key, its position."""

    model_config = ConfigDict(strict=True, frozen=True)

    v: StrictStr
    s: StrictStr
    f: StrictStr
    p: Annotated[StrictInt, Field(ge=0, le=MAX_CURSOR_INT)]
    k: list[CursorScalar]

    @field_validator("k", mode="before")
    @classmethod
    def _ints_in_range(cls, value: Any) -> Any:
        # Before the union: pydantic would otherwise take a huge int as a float.
        if isinstance(value, list) and any(
            isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_CURSOR_INT
            for v in value
        ):
            raise ValueError("integer out of range")
        return value


def decode_cursor(cursor: str, *, sort: str, data_version: str, filters: str) -> Cursor:
    """Decode and check a cursor against the request it is used with.

    Any cursor this API did not issue (not base64, not JSON, another shape, values of
    other types or out of range) is a 400 ``bad_cursor``.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = Cursor.model_validate(json.loads(base64.urlsafe_b64decode(padded.encode())))
    except (ValueError, RecursionError, binascii.Error, PydanticValidationError):
        raise _bad_cursor() from None
    if payload.v != data_version:
        raise InvalidParameterError(
            "cursor", "the data changed since this cursor was issued; start again", "stale_cursor"
        )
    if payload.s != sort or payload.f != filters:
        raise InvalidParameterError(
            "cursor", "the cursor belongs to another sort or filter; start again", "cursor_mismatch"
        )
    return payload
