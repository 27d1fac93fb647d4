"""A seed file's text: UTF-8 (a leading BOM dropped), positions, refused characters.

Positions are 1-based lines (counted by newline) and 1-based character columns
(code points, a tab counts as one), as editors show them.

Characters: PostgreSQL cannot store NUL in text, SQLite can; both backends must
refuse the same files, so the seed refuses NUL everywhere. The other C0 control
characters (U+0001-U+001F) are refused in names, identifiers, vocabularies and
short fields, tab, newline and carriage return included. Free text (abstracts,
notes, summaries: the unbounded text columns) keeps tab, newline and carriage
return, and the other C0 characters as the source has them (Epoch AI's abstracts
carry a few from PDF extraction, e.g. U+001C for a lost "fi" ligature).
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seed.errors import SeedIssue

_REFUSED_IN_SHORT = re.compile(r"[\x00-\x1f]")
_REFUSED_IN_FREE_TEXT = re.compile(r"\x00")


@dataclass(frozen=True)
class SourceText:
    """The decoded text of one file and where its lines start."""

    name: str
    content: str
    _line_starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0] + [match.end() for match in re.finditer("\n", self.content)]
        object.__setattr__(self, "_line_starts", starts)

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, character) of an offset in ``content``."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def issue(self, offset: int, column: str | None, reason: str) -> SeedIssue:
        """A problem located at an offset in ``content``."""
        line, char = self.position(offset)
        return SeedIssue(self.name, line, column, reason, char)


def read_source_text(path: Path) -> tuple[SourceText | None, SeedIssue | None]:
    """The file's text, or the position of its first byte that is not UTF-8."""
    if not path.exists():
        return None, SeedIssue(path.name, None, None, "file not found")
    data = path.read_bytes()
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return SourceText(path.name, body.decode("utf-8")), None
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        char = len(body[line_start : exc.start].decode("utf-8", "replace")) + 1
        reason = f"not UTF-8: byte 0x{body[exc.start]:02x} (save the file as UTF-8)"
        return None, SeedIssue(path.name, line, None, reason, char)


def refused_character(text: str, *, free_text: bool) -> int | None:
    """The index of the first character ``text`` may not hold, or None (rules above)."""
    pattern = _REFUSED_IN_FREE_TEXT if free_text else _REFUSED_IN_SHORT
    match = pattern.search(text)
    return match.start() if match else None


def describe_character(char: str) -> str:
    """'control character U+0000' for the refusal message."""
    return f"control character U+{ord(char):04X} is not allowed here"


def column_length(table: Any, name: str) -> int | None:
    """The declared length of a table's string column; None when unbounded."""
    column = table.__table__.columns.get(name)
    length = getattr(column.type, "length", None) if column is not None else None
    return length if isinstance(length, int) else None
