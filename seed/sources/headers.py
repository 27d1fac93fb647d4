"""Mapping a CSV header onto known columns, each with the spellings it has had."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


class KnownColumn(Protocol):
    """A column of a source: today's name, the field it fills, every spelling it has had."""

    @property
    def source(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def spellings(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class HeaderReport:
    """How a file's header maps onto the known columns."""

    renamed: dict[str, str]  # the file's spelling -> today's name
    added: list[str]  # unknown columns, kept verbatim per record
    missing: list[str]  # known, optional columns the file lacks (fields left null)


def map_header(
    header: list[str],
    columns: Sequence[KnownColumn],
    required: Collection[str],
    *,
    lenient: bool,
) -> tuple[dict[str, int], HeaderReport, str | None]:
    """Field -> position of its column; the report; the reason the header is refused.

    Strict (``lenient=False``): every known column once, nothing else. Lenient: unknown
    columns are reported as added, and only the ``required`` columns must be present.
    """
    by_spelling = {spelling: column for column in columns for spelling in column.spellings}
    index: dict[str, int] = {}
    renamed: dict[str, str] = {}
    added: list[str] = []
    repeated: list[str] = []
    for position, name in enumerate(header):
        column = by_spelling.get(name)
        if column is None:
            (repeated if name in added else added).append(name)
            continue
        if column.field in index:
            repeated.append(name)
            continue
        index[column.field] = position
        if name != column.source:
            renamed[name] = column.source
    absent = [c.source for c in columns if c.field not in index]
    needed = sorted(name for name in absent if name in required or not lenient)
    report = HeaderReport(
        renamed=renamed, added=added, missing=[n for n in absent if n not in needed]
    )
    problem = None
    if needed or (added and not lenient):
        problem = f"header mismatch: missing {needed}, unexpected {sorted(added)}"
        if lenient:
            problem = f"missing required column(s): {', '.join(needed)}"
    elif repeated:
        problem = f"header mismatch: a column name repeats ({', '.join(sorted(repeated))})"
    return index, report, problem
