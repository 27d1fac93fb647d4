"""The full-text match of ``/v1/search``, one per dialect, over the same normalised words.

``search_document.names`` and ``.body`` hold words already in the normal form of
api/tables/search.py (ASCII letters and digits, separated by spaces), and the query
is reduced to words the same way; each query word must be the prefix of a word of
the document. SQLite's FTS5 (``unicode61`` tokenizer) and PostgreSQL's ``simple``
text search configuration split such text into exactly those words, with no stemming
and no stop words, so both backends match the same documents
(tests/resources/search/test_backends.py checks it over the full data).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, table
from sqlmodel import col

from api.tables import SearchDocument

# The migration's index expression (migrations/versions/*816566a4327b*), verbatim.
TSVECTOR = (
    "setweight(to_tsvector('simple'::regconfig, names), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B')"
)


def fts5_query(words: Sequence[str], *, names_only: bool) -> str:
    """Every word as a prefix (words are letters and digits only, so quoting is safe)."""
    scope = "names : " if names_only else ""
    return " AND ".join(f'{scope}"{word}"*' for word in words)


def tsquery(words: Sequence[str], *, names_only: bool) -> str:
    """The same query for PostgreSQL: prefixes, restricted to weight A for the names."""
    weight = "A" if names_only else ""
    return " & ".join(f"{word}:*{weight}" for word in words)


def matches(dialect: str, words: Sequence[str], *, names_only: bool) -> ColumnElement[bool]:
    """Documents whose words (of the names only, or of names and body) match ``words``."""
    if dialect == "sqlite":
        fts = table("search_fts")
        rows: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(fts)
            .where(
                literal_column("search_fts").op("MATCH")(fts5_query(words, names_only=names_only))
            )
        )
        return col(SearchDocument.id).in_(rows)
    query = func.to_tsquery(
        literal_column("'simple'::regconfig"), tsquery(words, names_only=names_only)
    )
    return literal_column(f"({TSVECTOR})").op("@@")(query)
