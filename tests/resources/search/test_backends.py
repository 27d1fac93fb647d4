"""SQLite's FTS5 and PostgreSQL's text search give the same hits, in the same order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.db.migrate import upgrade
from seed.loader import load_seed
from tests.backends import fresh_database
from tests.conftest import SEED_DIR, make_client

QUERIES = [
    "GPT 4",
    "gpt4",
    "gpt-4",
    "transformer",
    "alexnet",
    "open ai",
    "llama 2",
    "attention is all you need",
    "convolutional imagenet",
    "reinforcement learn",
    "deep learning",
    "1.5b",
    "3e23",
    "Google DeepMind",
    "résumé",
    "gan",
]


@pytest.fixture(scope="module")
def urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("search-backends")
    with fresh_database("sqlite", tmp) as sqlite, fresh_database("postgresql", tmp) as postgres:
        for url in (sqlite, postgres):
            upgrade(url)
            load_seed(url, SEED_DIR)
        yield {"sqlite": sqlite, "postgresql": postgres}


def _all_hits(client: TestClient, q: str) -> list[tuple[str, str, str]]:
    body = client.get("/v1/search", params={"q": q, "limit": 500}).json()
    assert body["total"] <= 500
    return [(h["type"], h["slug"], h["match"]) for h in body["items"]]


def test_same_hits_on_both_backends(urls: dict[str, str]) -> None:
    with make_client(urls["sqlite"]) as sqlite, make_client(urls["postgresql"]) as postgres:
        for q in QUERIES:
            on_sqlite = _all_hits(sqlite, q)
            assert on_sqlite == _all_hits(postgres, q), q
            assert on_sqlite or q in ("résumé", "3e23"), q


def test_postgresql_splits_the_words_as_the_seed_wrote_them(urls: dict[str, str]) -> None:
    """Every document's lexemes are exactly its normalised words: the premise of the
    agreement (a word PostgreSQL's parser would split or drop would break it)."""
    engine = create_engine(urls["postgresql"])
    query = text(
        "SELECT id, names || ' ' || body, "
        "array_to_string(tsvector_to_array(to_tsvector('simple', names || ' ' || body)), ' ') "
        "FROM search_document"
    )
    try:
        with engine.connect() as connection:
            rows = connection.execute(query).all()
    finally:
        engine.dispose()
    assert rows
    for doc_id, words, lexemes in rows:
        assert set(lexemes.split()) == set(words.split()), doc_id


def test_sqlite_splits_the_words_as_the_seed_wrote_them(
    urls: dict[str, str], tmp_path: Path
) -> None:
    engine = create_engine(urls["sqlite"])
    try:
        with engine.connect() as connection:
            connection.execute(
                text("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search_fts, 'row')")
            )
            indexed = set(connection.execute(text("SELECT term FROM temp.vocab")).scalars())
            written = connection.execute(text("SELECT names || ' ' || body FROM search_document"))
            words = {word for (line,) in written for word in line.split()}
    finally:
        engine.dispose()
    assert indexed == words
