"""Data versions: the state of every model before and after a load, the diff between them,
renamed models, and the snapshot of what the trend statistics read.

Run inside the load's transaction, so a version is recorded exactly when its data commit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import zlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, LargeBinary, Text, func, insert, select
from sqlmodel import col

from api.tables import (
    MULTI_VALUED_FIELDS,
    SNAPSHOT_TABLES,
    DataVersionRecord,
    MLModel,
    MLModelExtra,
    metadata,
)

ModelState = dict[str, Any]
# Fields that change with every export without changing the model.
_NOT_COMPARED = frozenset({"id", "source_line"})
_NUMBERS = ("parameters", "training_compute_flop", "training_dataset_size")
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")
NAME_SIMILARITY = 0.8

_MODEL_TABLE = MLModel.__table__  # type: ignore[attr-defined]
_SCALARS = [c.name for c in _MODEL_TABLE.columns if c.name not in _NOT_COMPARED]


def read_models(connection: Connection) -> dict[str, ModelState]:
    """Every model's fields (multi-valued ones as lists, unmapped cells as ``extra``), by slug."""
    rows = connection.execute(select(_MODEL_TABLE.c.id, *(_MODEL_TABLE.c[n] for n in _SCALARS)))
    by_id: dict[int, ModelState] = {}
    for row in rows:
        by_id[row[0]] = dict(zip(_SCALARS, row[1:], strict=True))
    for multi in MULTI_VALUED_FIELDS:
        for state in by_id.values():
            state[multi.field] = []
        link, term = multi.link, multi.term
        query = (
            select(link.c.ml_model_id, col(term.name))
            .join(term, col(term.id) == link.c.term_id)
            .order_by(link.c.ml_model_id, link.c.position)
        )
        for model_id, name in connection.execute(query):
            by_id[model_id][multi.field].append(name)
    for state in by_id.values():
        state["extra"] = {}
    extra = select(MLModelExtra.ml_model_id, MLModelExtra.source_column, MLModelExtra.value)  # type: ignore[call-overload]
    for model_id, name, value in connection.execute(extra):
        by_id[model_id]["extra"][name] = value
    return {state["slug"]: state for state in by_id.values()}


def _base_name(name: str) -> str:
    return _SUFFIX.sub("", name).casefold().replace("-", " ").strip()


def _similar(a: str, b: str) -> float:
    if _base_name(a) == _base_name(b):
        return 1.0
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def detect_renames(
    before: Mapping[str, ModelState], after: Mapping[str, ModelState]
) -> dict[str, str]:
    """Old slug -> new slug of models that a newer export renamed.

    A removed and an added model are the same model renamed when they have the same
    organizations and publication date, equal numbers (parameters, compute, dataset size)
    and similar names (equal but for a parenthesised suffix such as "(May 2024)", or a
    similarity of at least ``NAME_SIMILARITY``); the most similar pairs are taken first,
    each model at most once.
    """
    removed = [slug for slug in before if slug not in after]
    added = [slug for slug in after if slug not in before]
    candidates = []
    for old in removed:
        a = before[old]
        for new in added:
            b = after[new]
            if a["organizations"] != b["organizations"]:
                continue
            if a["publication_date"] != b["publication_date"]:
                continue
            if any(a[n] != b[n] for n in _NUMBERS):
                continue
            score = _similar(a["name"], b["name"])
            if score >= NAME_SIMILARITY:
                candidates.append((-score, old, new))
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for _, old, new in sorted(candidates):
        if old not in renames and new not in taken:
            renames[old] = new
            taken.add(new)
    return renames


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def model_diff(
    before: Mapping[str, ModelState], after: Mapping[str, ModelState], renames: Mapping[str, str]
) -> dict[str, Any]:
    """Added, removed, renamed and changed models (each changed field: old and new value)."""
    renamed_to = set(renames.values())
    changed = []
    pairs = [(slug, slug) for slug in sorted(before) if slug in after]
    pairs += sorted(renames.items())
    for old, new in sorted(pairs, key=lambda pair: pair[1]):
        a, b = before[old], after[new]
        fields = {
            name: {"old": _plain(a.get(name)), "new": _plain(b.get(name))}
            for name in sorted(set(a) | set(b))
            if name != "slug" and a.get(name) != b.get(name)
        }
        if fields:
            changed.append({"slug": new, "fields": fields})
    return {
        "added": sorted(s for s in after if s not in before and s not in renamed_to),
        "removed": sorted(s for s in before if s not in after and s not in renames),
        "renamed": [{"from": old, "to": new} for old, new in sorted(renames.items())],
        "changed": changed,
    }


def snapshot(connection: Connection) -> bytes:
    """The rows the trend statistics read (``SNAPSHOT_TABLES``, free text left out), as
    canonical JSON: the same data give the same bytes."""
    payload: dict[str, Any] = {}
    for name in SNAPSHOT_TABLES:
        table = metadata.tables[name]
        columns = [c for c in table.columns if not isinstance(c.type, Text | LargeBinary)]
        rows = connection.execute(
            select(*columns).order_by(*(c for c in table.primary_key.columns))
        )
        payload[name] = {
            "columns": [c.name for c in columns],
            "rows": [[_plain(v) for v in row] for row in rows],
        }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def record_version(
    connection: Connection,
    *,
    data_version: str,
    previous_version: str | None,
    kind: str,
    loaded_at: dt.datetime,
    source: Mapping[str, Any],
    counts: Mapping[str, int],
    diff: Mapping[str, Any],
) -> int:
    """Append this load to the version history; return its sequence number."""
    last = connection.execute(select(func.max(col(DataVersionRecord.id)))).scalar_one()
    number = (last or 0) + 1
    data = snapshot(connection)
    connection.execute(
        insert(DataVersionRecord),
        [
            {
                "id": number,
                "data_version": data_version,
                "kind": kind,
                "loaded_at": loaded_at,
                "file_name": source["file_name"],
                "sha256": source["sha256"],
                "row_count": source["row_count"],
                "source_url": source.get("source_url"),
                "previous_version": previous_version,
                "counts": json.dumps(dict(counts), sort_keys=True),
                "diff": json.dumps(diff, sort_keys=True),
                "snapshot_sha256": hashlib.sha256(data).hexdigest(),
                "snapshot": zlib.compress(data, 9),
            }
        ],
    )
    return int(number)
