"""Where a field of a ``[[table]]`` of a TOML seed file is, to report its own line.

``tomllib`` gives values, not positions. The curated files are written one way
(see seed/data/milestones.toml): a ``[[table]]`` header, then one ``key = value``
per line, arrays of inline tables one element per line. This finds the value of a
field path (``("references", 1, "url")``) in that layout by looking for its keys
in order inside the table's lines. When a field cannot be found (it is missing, or
written otherwise), the issue is placed at the table's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seed.errors import SeedIssue
from seed.sources.text import SourceText

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class TablePosition:
    """The lines of one ``[[table]]``: ``first`` is its header, ``end`` the next table's."""

    text: SourceText
    lines: list[str]
    first: int
    end: int

    def issue(self, path: FieldPath, reason: str, column: str | None = None) -> SeedIssue:
        """A problem at the value of ``path`` (or at the header); column defaults to the path."""
        line, char = self.locate(path)
        name = column if column is not None else ".".join(str(part) for part in path) or None
        return SeedIssue(self.text.name, line + 1, name, reason, char + 1)

    def locate(self, path: FieldPath) -> tuple[int, int]:
        """0-based (line, character) of the value of ``path``, else of the header."""
        line, char = self.first, len(self.lines[self.first]) - len(self.lines[self.first].lstrip())
        for part in path:
            found = self._element(line, char, part) if isinstance(part, int) else None
            if isinstance(part, str):
                found = self._key(line, char, part)
            if found is None:
                break
            line, char = found
        return line, char

    def _key(self, line: int, char: int, key: str) -> tuple[int, int] | None:
        pattern = re.compile(rf"(?<![\w\-\"']){re.escape(key)}\s*=\s*")
        for index in range(line, self.end):
            match = pattern.search(self.lines[index], char if index == line else 0)
            if match:
                return index, match.end()
        return None

    def _element(self, line: int, char: int, position: int) -> tuple[int, int] | None:
        # An array written one element per line: "key = [", then the elements.
        if self.lines[line][char:].strip() != "[":
            return None
        elements = [
            index
            for index in range(line + 1, self.end)
            if self.lines[index].strip() and not self.lines[index].lstrip().startswith("#")
        ]
        if position >= len(elements):
            return None
        index = elements[position]
        return index, len(self.lines[index]) - len(self.lines[index].lstrip())


def table_positions(text: SourceText, key: str) -> list[TablePosition]:
    """Each ``[[key]]`` table of the file, in order."""
    lines = text.content.split("\n")
    headers = [i for i, line in enumerate(lines) if line.strip() == f"[[{key}]]"]
    ends = [*headers[1:], len(lines)][: len(headers)]
    return [
        TablePosition(text, lines, first, end) for first, end in zip(headers, ends, strict=True)
    ]
