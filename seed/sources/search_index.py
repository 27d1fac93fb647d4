"""The search index: ``search_document`` rows built from what the other sources wrote.

It runs last, inside the seed's transaction, and reads the models (with their
aliases), milestones, eras and organizations back from the database, so the index
always describes exactly the loaded data. On SQLite it then rebuilds the FTS5 table
(``search_fts``, external content: it indexes ``search_document``); PostgreSQL's GIN
index follows the rows by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, func, insert, select, text
from sqlmodel import col

from api.tables import MULTI_VALUED_BY_FIELD, Era, Milestone, MLModel, ModelAlias, SearchDocument
from api.tables.search import key, words
from seed.errors import SeedIssue
from seed.writing import WriteContext

# Among hits ranked equal otherwise, eras come first, then milestones, organizations, models.
KIND_RANKS = {"era": 0, "milestone": 1, "organization": 2, "model": 3}


def _document(
    kind: str,
    slug: str,
    title: str,
    href: str,
    body: str | None,
    aliases: Sequence[str] = (),
) -> dict[str, Any]:
    names = [title, *aliases]
    return {
        "kind": kind,
        "kind_rank": KIND_RANKS[kind],
        "slug": slug,
        "title": title,
        "href": href,
        "names": " ".join(word for name in names for word in words(name)),
        "name_keys": " " + " ".join(dict.fromkeys(key(name) for name in names)) + " ",
        "body": " ".join(words(body)),
        "text": body,
        "title_length": len(key(title)),
    }


def build_documents(connection: Connection) -> list[dict[str, Any]]:
    """One document per model, milestone, era and organization, in (kind, slug) order."""
    aliases: dict[int, list[str]] = {}
    for model_id, alias in connection.execute(
        select(col(ModelAlias.ml_model_id), col(ModelAlias.alias)).order_by(col(ModelAlias.alias))
    ):
        aliases.setdefault(model_id, []).append(alias)
    documents = [
        _document(
            "model", slug, name, f"/v1/models/{slug}", abstract, aliases.get(model_id or 0, [])
        )
        for model_id, slug, name, abstract in connection.execute(
            select(col(MLModel.id), col(MLModel.slug), col(MLModel.name), col(MLModel.abstract))
        )
    ]
    documents += [
        _document("milestone", slug, title, f"/v1/milestones/{slug}", summary)
        for slug, title, summary in connection.execute(
            select(col(Milestone.slug), col(Milestone.title), col(Milestone.summary))
        )
    ]
    documents += [
        _document("era", slug, name, f"/v1/eras/{slug}", summary)
        for slug, name, summary in connection.execute(
            select(col(Era.slug), col(Era.name), col(Era.summary))
        )
    ]
    multi = MULTI_VALUED_BY_FIELD["organizations"]
    link, term = multi.link, multi.term
    dates = col(MLModel.publication_date)
    organizations = (
        select(
            col(term.slug),
            col(term.name),
            func.count(link.c.ml_model_id.distinct()),
            func.min(dates),
            func.max(dates),
        )
        .join(link, link.c.term_id == col(term.id))
        .join(MLModel, col(MLModel.id) == link.c.ml_model_id)
        .group_by(col(term.slug), col(term.name))
    )
    for slug, name, count, first, last in connection.execute(organizations):
        years = (
            str(first)[:4]
            if str(first)[:4] == str(last)[:4]
            else f"{str(first)[:4]}-{str(last)[:4]}"
        )
        noun = "model" if count == 1 else "models"
        documents.append(
            _document(
                "organization",
                slug,
                name,
                f"/v1/models?organization={quote(slug)}",
                f"{name}: {count} notable {noun} ({years}).",
            )
        )
    documents.sort(key=lambda doc: (doc["kind_rank"], doc["slug"]))
    return [{**doc, "id": index} for index, doc in enumerate(documents, start=1)]


class SearchIndexSource:
    """The search index as a seed source: no file of its own, written last."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.issues: list[SeedIssue] = []
        self.notices: list[SeedIssue] = []

    def data_sources(self) -> list[dict[str, Any]]:
        """None: the index is derived from the other sources."""
        return []

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        """Insert the documents; on SQLite, rebuild the FTS5 index over them."""
        documents = build_documents(connection)
        if documents:
            connection.execute(insert(SearchDocument), documents)
        if connection.dialect.name == "sqlite":
            connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        return {"search documents": len(documents)}
