"""A CSV reader (RFC 4180) that knows where each cell starts.

The ``csv`` module reports only the line it has read up to, which for a quoted
field spanning lines or a missing closing quote is far from the problem. This
reader keeps each cell's offset, so every problem is reported at its own line and
character. It reads what ``csv.reader(strict=True)`` reads from the same text:
cells separated by commas, rows by LF or CRLF, quoted cells with ``""`` for a
quote and line breaks inside; blank lines are skipped. Stricter on one point: a
quote inside an unquoted cell is refused, not kept as a character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)"')
_UNQUOTED = re.compile(r'[^,"\r\n]*')


@dataclass(frozen=True)
class Cell:
    """One cell's value and the offsets of its source text (quotes included)."""

    value: str
    start: int
    end: int


class CsvSyntaxError(ValueError):
    """Text that is not CSV, at an offset of the text."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


def read_rows(text: str) -> Iterator[list[Cell]]:
    """Each non-blank row's cells, in order; CsvSyntaxError at the first malformed cell."""
    pos, size = 0, len(text)
    while pos < size:
        if text[pos] in "\r\n":
            pos += 2 if text.startswith("\r\n", pos) else 1
            continue
        cells: list[Cell] = []
        while True:
            cell = _read_cell(text, pos)
            cells.append(cell)
            pos = cell.end
            if pos < size and text[pos] == ",":
                pos += 1
                continue
            break
        pos += 2 if text.startswith("\r\n", pos) else 1
        yield cells


def _read_cell(text: str, start: int) -> Cell:
    if text.startswith('"', start):
        quoted = _QUOTED.match(text, start)
        if quoted is None:
            raise CsvSyntaxError(start, "this quoted cell is never closed (a missing '\"')")
        end = quoted.end()
        if end < len(text) and text[end] not in ",\r\n":
            # Often a quote missing earlier: the cell ran on to a later quote.
            raise CsvSyntaxError(
                start,
                f"this quoted cell ends with {text[end]!r} after its closing quote, "
                "not with ',' or a line end (a missing or unescaped '\"'?)",
            )
        return Cell(quoted.group(1).replace('""', '"'), start, end)
    unquoted = _UNQUOTED.match(text, start)
    assert unquoted is not None  # the pattern matches the empty string
    end = unquoted.end()
    if end < len(text) and text[end] == '"':
        raise CsvSyntaxError(end, "a '\"' inside an unquoted cell (quote the cell, write '\"\"')")
    return Cell(unquoted.group(), start, end)
