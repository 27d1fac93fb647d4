"""What the loader reports when a seed file is refused."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedIssue:
    """One problem in a seed file: its file, line, field and reason.

    ``column`` names the field (a CSV column, a TOML key path); ``char`` is the
    1-based character position in the line where the problem is, when known.
    Printed as ``file:line:char: [field]: reason``, the form editors jump to.
    """

    file: str
    line: int | None
    column: str | None
    reason: str
    char: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.char is not None:
                where += f":{self.char}"
        field = f" [{self.column}]:" if self.column else ""
        return f"{where}:{field} {self.reason}"


class SeedError(Exception):
    """The seed files are invalid; nothing was written."""

    def __init__(self, issues: list[SeedIssue]) -> None:
        self.issues = issues
        shown = "\n".join(f"  {issue}" for issue in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} problem(s) in the seed data:\n{shown}{more}")


class CellError(ValueError):
    """A cell that cannot be parsed; the caller adds file and line."""


class AmbiguousCellError(CellError):
    """A cell that is readable but holds no single value (e.g. two numbers).

    The loader keeps the field null and the cell's text as an unparsed value,
    reported with its line, so nothing of the source is lost or guessed.
    """
