"""The values of each vocabulary, remembered per data version, and the resolution of what
a filter was given into the values it means (or a 400 with the closest ones).

Resolution, for each value given (``api.listing.suggest`` defines the match):

1. a value's name or slug, exactly, or but for case: that value;
2. otherwise every value whose name or slug matches once case, spaces, punctuation and
   accents are ignored (``Open AI`` is ``OpenAI``; two values that differ only so are
   both meant);
3. otherwise an empty value or one that matches nothing: a 400 naming the parameter,
   with the closest values and the vocabulary's URL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from sqlmodel import Session

from api.errors import NotFoundError
from api.listing.params import unknown_value
from api.listing.suggest import key, suggest
from api.provenance import Provenance
from api.resources.vocabularies.catalog import BY_NAME, VOCABULARIES, Vocabulary


def _as_written(text: str) -> str:
    return text


# How each index writes a name or slug: as written, without case, as its matching key.
_FOLDS: tuple[Callable[[str], str], ...] = (_as_written, str.casefold, key)


@dataclass(frozen=True)
class Value:
    """One value of a vocabulary."""

    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class Loaded:
    """A vocabulary's values as read from one data version, indexed for resolution."""

    values: tuple[Value, ...]
    exact: Mapping[str, tuple[Value, ...]]
    folded: Mapping[str, tuple[Value, ...]]
    keyed: Mapping[str, tuple[Value, ...]]

    @classmethod
    def of(cls, values: tuple[Value, ...]) -> Loaded:
        """``values`` with their indexes by name and slug: as written, lowercased, keyed."""
        indexes: tuple[dict[str, list[Value]], ...] = ({}, {}, {})
        for value in values:
            for index, fold in zip(indexes, _FOLDS, strict=True):
                for text in {fold(value.name), fold(value.slug)}:
                    if text and value not in index.setdefault(text, []):
                        index[text].append(value)
        exact, folded, keyed = ({k: tuple(v) for k, v in index.items()} for index in indexes)
        return cls(values, exact, folded, keyed)

    def resolve(self, text: str) -> tuple[Value, ...]:
        """The values ``text`` means; empty when none."""
        return (
            self.exact.get(text)
            or self.folded.get(text.casefold())
            or self.keyed.get(key(text))
            or ()
        )


class VocabularyCache:
    """Values by (database, vocabulary, data version): a small LRU, safe across threads.

    The values only change with the data; a request reads them in its own snapshot,
    whose data version it files them under, so they are never stale after a re-seed.
    """

    def __init__(self, max_entries: int = 64) -> None:
        self._lock = threading.Lock()
        self._entries: LRUCache[tuple[str, str, str], Loaded] = LRUCache(max_entries)

    def get(self, entry: tuple[str, str, str]) -> Loaded | None:
        """The values remembered under ``entry``, if any."""
        with self._lock:
            return self._entries.get(entry)

    def put(self, entry: tuple[str, str, str], loaded: Loaded) -> None:
        """Remember values (the least recently used go first)."""
        with self._lock:
            self._entries[entry] = loaded

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()


CACHE = VocabularyCache()


def load(session: Session, provenance: Provenance, vocabulary: Vocabulary) -> Loaded:
    """The values of ``vocabulary`` in the data version this request reads."""
    database = str(session.get_bind().engine.url)
    entry = (database, vocabulary.name, provenance.data_version)
    found = CACHE.get(entry)
    if found is None:
        found = Loaded.of(tuple(Value(*row) for row in vocabulary.read(session)))
        CACHE.put(entry, found)
    return found


def resolve(
    session: Session,
    provenance: Provenance,
    vocabulary_name: str,
    parameter: str,
    given: tuple[str, ...],
) -> tuple[str, ...]:
    """What the filter ``parameter`` means by ``given``: canonical names (slugs for eras)."""
    if not given:
        return ()
    vocabulary = BY_NAME[vocabulary_name]
    loaded = load(session, provenance, vocabulary)
    out: list[str] = []
    for text in given:
        found = loaded.resolve(text)
        if not found:
            names = [value.name for value in loaded.values]
            used = sorted(loaded.values, key=lambda value: -value.count)
            common = [value.name for value in used if value.count > 0]
            raise unknown_value(parameter, text, names, vocabulary=vocabulary.name, common=common)
        out += [getattr(value, vocabulary.canonical) for value in found]
    return tuple(dict.fromkeys(out))


def resolve_terms(
    session: Session, provenance: Provenance, terms: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Each model filter of ``terms`` (domain, organization, ...) resolved."""
    return {
        parameter: resolve(session, provenance, MODEL_TERMS[parameter], parameter, values)
        for parameter, values in terms.items()
    }


# The vocabulary of each multi-valued model filter.
MODEL_TERMS = {
    "domain": "domains",
    "organization": "organizations",
    "country": "countries",
    "organization_category": "organization-categories",
    "task": "tasks",
}


def _summary(vocabulary: Vocabulary, loaded: Loaded) -> dict[str, Any]:
    return {
        "name": vocabulary.name,
        "title": vocabulary.title,
        "description": vocabulary.description,
        "parameters": list(vocabulary.parameters),
        "endpoints": list(vocabulary.endpoints),
        "counts": vocabulary.counts,
        "fixed": vocabulary.fixed,
        "value_count": len(loaded.values),
        "href": f"/v1/vocabularies/{vocabulary.name}",
    }


def list_vocabularies(session: Session, provenance: Provenance) -> dict[str, Any]:
    """Every vocabulary, without its values (one page: there are few)."""
    items = [_summary(v, load(session, provenance, v)) for v in VOCABULARIES]
    return {
        "items": items,
        "total": len(items),
        "limit": len(items),
        "offset": 0,
        "next_cursor": None,
        "meta": provenance.as_meta(),
    }


def get_vocabulary(session: Session, provenance: Provenance, name: str) -> dict[str, Any]:
    """One vocabulary with every value, its slug and count; 404 with the closest names."""
    vocabulary = BY_NAME.get(name) or _by_key(name)
    if vocabulary is None:
        names = [v.name for v in VOCABULARIES]
        close = suggest(name, names)
        hint = f"; closest: {', '.join(close)}" if close else ""
        error = unknown_value("name", name, names, location="path")
        raise NotFoundError(
            f"No vocabulary named {name!r}{hint}; the vocabularies: {', '.join(names)}.",
            errors=error.errors,
        )
    loaded = load(session, provenance, vocabulary)
    return {
        **_summary(vocabulary, loaded),
        "values": [
            {"name": value.name, "slug": value.slug, "count": value.count}
            for value in loaded.values
        ],
        "meta": provenance.as_meta(),
    }


def _by_key(name: str) -> Vocabulary | None:
    found = key(name)
    return next((v for v in VOCABULARIES if key(v.name) == found), None) if found else None
