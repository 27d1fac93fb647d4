"""The ``search_document`` table: one row per searchable record, in a normalised form.

The seed writes it (``seed/sources/search_index.py``) from the models, milestones,
eras and organizations it has just loaded. Both backends match the same normalised
words, so they return the same hits: SQLite through an FTS5 index (``search_fts``),
PostgreSQL through a GIN index on a ``tsvector`` of the same columns (both created
by the migration, outside this metadata).

The normal form is defined here, once, for the seed (which writes it) and the
service (which normalises queries the same way): Unicode compatibility
decomposition, accents and other marks dropped, case folded, then only the ASCII
letters and digits are kept; a run of them is a *word*, and the *key* of a name is
its words joined without separators ("GPT-4 (Mar 2023)" -> words ``gpt 4 mar 2023``,
key ``gpt4mar2023``). Spaces, punctuation and case therefore never matter.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import metadata

assert metadata is SQLModel.metadata

# Names of the index objects the migration creates per dialect (FTS5 virtual table and
# its shadow tables on SQLite, a GIN expression index on PostgreSQL). Alembic's
# comparison leaves every object whose name starts with this alone.
FTS_PREFIX: Final = "search_fts"
# Longer words are left out on both backends (PostgreSQL drops words over 2047 bytes).
MAX_WORD_LENGTH: Final = 100

_WORD = re.compile(r"[a-z0-9]+")
# Letters that compatibility decomposition does not reduce to ASCII but that carry
# meaning in model names (the same as the slugs of seed/slugs.py).
_TRANSLITERATE = str.maketrans(
    {"\u03a3": "sigma", "\u03c3": "sigma", "\u03bb": "lambda", "\u00d7": "x", "\u00df": "ss"}
)


def fold(text: str) -> str:
    """``text`` lower-cased and reduced to ASCII (marks and other scripts dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def words(text: str | None) -> list[str]:
    """The words of ``text`` in the normal form, in order."""
    if not text:
        return []
    return [word for word in _WORD.findall(fold(text)) if len(word) <= MAX_WORD_LENGTH]


def key(text: str | None) -> str:
    """The words of ``text`` joined without separators: 'GPT 4' and 'gpt-4' give 'gpt4'."""
    return "".join(words(text))


class SearchDocument(SQLModel, table=True):
    """A model, milestone, era or organization as the search sees it."""

    __tablename__ = "search_document"
    __table_args__ = (Index("ix_search_document_kind_slug", "kind", "slug", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, description="model, milestone, era or organization.")
    kind_rank: int = Field(description="Order of the kinds among equally ranked hits.")
    slug: str = Field(max_length=300)
    title: str = Field(max_length=300)
    href: str = Field(max_length=400)
    names: str = Field(sa_type=Text, description="Words of the title and aliases.")
    name_keys: str = Field(
        sa_type=Text,
        description="Keys of the title and of each alias, each between spaces: ' gpt4mar2023 '.",
    )
    body: str = Field(sa_type=Text, description="Words of the text (abstract, summary).")
    text: str | None = Field(default=None, sa_type=Text, description="The text, for snippets.")
    title_length: int = Field(description="Length of the title's key (shorter ranks first).")
