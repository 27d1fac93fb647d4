"""The ``q`` filter of the lists: a substring match that ignores case, spaces and punctuation.

"GPT 4", "gpt4" and "gpt-4" all match "GPT-4 (Mar 2023)": both the column and the
query lose their spaces and punctuation (the characters of ``IGNORED``) and their
case before the comparison. SQL ``replace`` and ``lower`` exist on both backends, so
the same rows match on SQLite and PostgreSQL (``lower`` folds ASCII letters alike on
both; other scripts are compared as they are).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Mapped

# Spaces and the punctuation of names and titles. Few enough for SQLite: each is one
# nested ``replace`` call, and its parser refuses deeper nesting ("parser stack overflow").
IGNORED = " -_.,:;()/'\"+&!?\u00b7"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def squeeze(text: str) -> str:
    """``text`` lower-cased, without the ``IGNORED`` characters."""
    return "".join(char for char in text.lower() if char not in IGNORED)


def _squeezed(column: ColumnElement[str] | Mapped[str]) -> ColumnElement[str]:
    expression: ColumnElement[str] = func.lower(column)
    for char in IGNORED:
        expression = func.replace(expression, char, "")
    return expression


def contains_text(column: ColumnElement[str] | Mapped[str], text: str) -> ColumnElement[bool]:
    """Rows whose ``column`` contains ``text``, ignoring case, spaces and punctuation.

    A ``text`` made of ignored characters only is matched as it is (case aside).
    """
    squeezed = squeeze(text)
    if not squeezed:
        pattern = f"%{_escape_like(text.lower())}%"
        return func.lower(column).like(pattern, escape="\\")
    return _squeezed(column).like(f"%{_escape_like(squeezed)}%", escape="\\")
