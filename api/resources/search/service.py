"""``/v1/search``: one ranked list of models, milestones, eras and organizations.

Matching. The query and the documents are reduced to words of ASCII letters and
digits (api/tables/search.py), so case, spaces, accents and punctuation never
matter. A document is a hit when its names (title and aliases) contain the query's
*key* (its words without separators: "GPT 4" -> ``gpt4``), or when each word of
the query is the prefix of a word of its names or text (the full-text index).

Ranking, identical on both backends because every term is plain data:

1. ``exact``: a name's key is the query's key (``gpt-4`` is an alias of GPT-4 (Mar 2023));
2. ``prefix``: a name's key starts with it;
3. ``title``: a name contains it, or every query word is in the names;
4. ``text``: the abstract or summary alone holds the words;

then shorter titles first (closer to the query), then eras, milestones,
organizations, models, then by slug: a total order, so pages never overlap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, or_, select
from sqlmodel import Session, col

from api.errors import InvalidParameterError
from api.listing.pages import Sortable, SortKey
from api.listing.query import ListQuery, PageRequest, envelope, fetch_page, filters_key
from api.provenance import Provenance
from api.resources.search.fulltext import matches
from api.tables import SearchDocument
from api.tables.search import key, words

MAX_WORDS = 12
SNIPPET_LENGTH = 200
_MATCHES = ("exact", "prefix", "title", "text")


def _terms(q: str) -> tuple[list[str], str]:
    found = words(q)
    if not found:
        raise InvalidParameterError(
            "q", "give at least one letter or digit to search for", "empty_query"
        )
    return list(dict.fromkeys(found))[:MAX_WORDS], key(q)


def _hits(dialect: str, terms: list[str], query_key: str, types: Sequence[str]) -> Any:
    doc = SearchDocument
    keys = col(doc.name_keys)
    in_names = keys.like(f"%{query_key}%")
    rank = case(
        (keys.like(f"% {query_key} %"), 0),
        (keys.like(f"% {query_key}%"), 1),
        (or_(in_names, matches(dialect, terms, names_only=True)), 2),
        else_=3,
    )
    where: list[ColumnElement[bool]] = [or_(in_names, matches(dialect, terms, names_only=False))]
    if types:
        where.append(col(doc.kind).in_(list(types)))
    return (
        select(
            col(doc.id).label("id"),
            col(doc.kind).label("type"),
            col(doc.slug).label("slug"),
            col(doc.title).label("title"),
            col(doc.href).label("href"),
            col(doc.text).label("text"),
            rank.label("rank"),
            col(doc.title_length).label("title_length"),
            col(doc.kind_rank).label("kind_rank"),
        )
        .where(*where)
        .subquery("hits")
    )


def snippet(text: str | None, terms: Sequence[str], length: int = SNIPPET_LENGTH) -> str | None:
    """An excerpt of ``text`` around the first query word found in it, else its start."""
    if not text:
        return None
    flat = " ".join(text.split())
    starts = [
        found.start()
        for term in terms
        if (found := re.search(rf"(?<![a-z0-9]){re.escape(term)}", flat, re.IGNORECASE))
    ]
    at = min(starts, default=0)
    begin = 0 if at < length // 3 else flat.rfind(" ", 0, at - length // 4) + 1
    end = begin + length
    if end >= len(flat):
        excerpt = flat[begin:]
    else:
        cut = flat.rfind(" ", begin, end)
        excerpt = flat[begin : cut if cut > begin else end] + "\u2026"
    return ("\u2026" if begin > 0 else "") + excerpt


def search(
    session: Session,
    provenance: Provenance,
    q: str,
    types: Sequence[str],
    page: PageRequest,
) -> dict[str, Any]:
    """One page of hits for ``q``, in rank order (see the module's docstring)."""
    terms, query_key = _terms(q)
    dialect = session.get_bind().dialect.name
    hits = _hits(dialect, terms, query_key, sorted(set(types)))
    sort = [
        SortKey(name, Sortable(hits.c[name], nullable=False), descending=False)
        for name in ("rank", "title_length", "kind_rank", "slug")
    ]
    query = ListQuery(
        source=hits,
        columns=[hits.c[name] for name in ("id", "type", "slug", "title", "href", "text")]
        + [hits.c.rank, hits.c.title_length, hits.c.kind_rank],
        where=[],
        sort=sort,
        tiebreaker=hits.c.id,
        filters_key=filters_key(json.dumps([terms, query_key, sorted(set(types))])),
    )
    result = fetch_page(session, query, page, provenance)
    items = [
        {
            "type": row["type"],
            "slug": row["slug"],
            "title": row["title"],
            "snippet": snippet(row["text"], terms),
            "href": row["href"],
            "match": _MATCHES[row["rank"]],
        }
        for row in result.rows
    ]
    return envelope(items, result, page, provenance)
