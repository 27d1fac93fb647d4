"""Case-insensitive substring search, shared by the resources' ``q`` parameters."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Mapped


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_text(column: ColumnElement[str] | Mapped[str], text: str) -> ColumnElement[bool]:
    """Rows whose ``column`` contains ``text``, ignoring case; ``%`` and ``_`` match literally."""
    pattern = f"%{_escape_like(text.lower())}%"
    return func.lower(column).like(pattern, escape="\\")
