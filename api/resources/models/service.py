"""Queries behind ``/v1/models``: the list, one model, facet counts."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from cachetools import LRUCache
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    extract,
    func,
    literal,
    select,
    union_all,
)
from sqlmodel import Session, col

from api.errors import NotFoundError
from api.listing.pages import Sortable, SortKey
from api.listing.params import select_fields
from api.listing.query import ListQuery, PageRequest, envelope, fetch_page, filters_key
from api.provenance import Provenance
from api.resources.milestones.service import milestones_of_models
from api.resources.models.filters import TERM_FILTERS, ModelFilters, conditions, model_column
from api.resources.models.schemas import MLModelPublic, MLModelSummary
from api.resources.slugs import Found, not_found
from api.tables import (
    MULTI_VALUED_BY_FIELD,
    MULTI_VALUED_FIELDS,
    MLModel,
    MLModelExtra,
    MLModelUnparsedValue,
    ModelAlias,
)

MULTI_FIELDS = tuple(m.field for m in MULTI_VALUED_FIELDS)
_COMPUTED_FIELDS = {"slug", "meta", "unparsed_values", "milestones", "aliases", "extra"}
SUMMARY_FIELDS = tuple(f for f in MLModelSummary.model_fields if f != "meta")
DETAIL_FIELDS = tuple(f for f in MLModelPublic.model_fields if f != "meta")
SELECTABLE_FIELDS = frozenset(DETAIL_FIELDS)
_SCALAR_FIELDS = frozenset(SELECTABLE_FIELDS - set(MULTI_FIELDS) - _COMPUTED_FIELDS)

NUMERIC_FIELDS = tuple(
    name for name, info in MLModelSummary.model_fields.items() if info.annotation == (float | None)
)
TEXT_FIELDS = tuple(
    name
    for name, info in MLModelPublic.model_fields.items()
    if info.annotation == (str | None) and name != "slug"
)
HAS_FIELDS = frozenset(NUMERIC_FIELDS + TEXT_FIELDS + MULTI_FIELDS)

SORTABLE: dict[str, Sortable] = {
    "publication_date": Sortable(MLModel.publication_date, nullable=True, is_date=True),
    "name": Sortable(MLModel.name, nullable=False),
    "slug": Sortable(MLModel.slug, nullable=False),
    **{name: Sortable(model_column(name)) for name in NUMERIC_FIELDS},
}
DEFAULT_SORT = "-publication_date,name"
TIEBREAKER: ColumnElement[Any] = MLModel.__table__.c.id  # type: ignore[attr-defined]


def parse_fields(raw: str | None, default: Sequence[str]) -> tuple[str, ...]:
    """``fields=a,b`` checked against the model fields; ``slug`` is always included."""
    return select_fields(raw, SELECTABLE_FIELDS, default)


def list_models(
    session: Session,
    provenance: Provenance,
    filters: ModelFilters,
    sort: list[SortKey],
    page: PageRequest,
    fields: Sequence[str],
) -> dict[str, Any]:
    """One page of models matching ``filters``, in ``sort`` order, with the total count."""
    scalar = [f for f in fields if f in _SCALAR_FIELDS]
    sort_names = [key.name for key in sort if key.name not in scalar and key.name != "slug"]
    query = ListQuery(
        source=MLModel,
        columns=[
            col(MLModel.id).label("id"),
            col(MLModel.slug).label("slug"),
            *[model_column(f).label(f) for f in [*scalar, *sort_names]],
        ],
        where=conditions(filters),
        sort=sort,
        tiebreaker=TIEBREAKER,
        filters_key=filters_key(filters.canonical()),
    )
    result = fetch_page(session, query, page, provenance)
    return envelope(_shape(session, result.rows, fields), result, page, provenance)


def _shape(
    session: Session, rows: list[dict[str, Any]], fields: Sequence[str]
) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows]
    multi = [f for f in fields if f in MULTI_VALUED_BY_FIELD]
    terms = load_terms(session, ids, multi)
    unparsed = load_unparsed(session, ids) if "unparsed_values" in fields else {}
    extras = load_extra(session, ids) if "extra" in fields else {}
    milestones = milestones_of_models(session, ids) if "milestones" in fields else {}
    aliases = load_aliases(session, ids) if "aliases" in fields else {}
    by_id: dict[str, dict[int, Any]] = {
        "unparsed_values": unparsed,
        "milestones": milestones,
        "aliases": aliases,
    }
    # Column by column (one comprehension per field, not a test per cell), then rows.
    columns: list[list[Any]] = []
    for name in fields:
        if name in MULTI_VALUED_BY_FIELD:
            columns.append([terms.get((i, name)) or [] for i in ids])
        elif name == "extra":
            columns.append([extras.get(i) or {} for i in ids])
        elif name in by_id:
            found = by_id[name]
            columns.append([found.get(i) or [] for i in ids])
        else:
            columns.append([row[name] for row in rows])
    return [dict(zip(fields, values, strict=True)) for values in zip(*columns, strict=True)]


# Memory of one built statement per link table it unions (tracemalloc: all 127 sets
# of the 7 multi-valued fields, 448 parts, hold 5.6 MiB, about 12.7 KiB a part).
TERMS_STATEMENT_PART_BYTES = 16 * 1024
TERMS_STATEMENTS_MAX_BYTES = 2 * 1024 * 1024
# Keyed by the sorted set of fields (``load_terms``), so at most 127 keys whatever the
# order of ``fields=``, and by how the ids are selected; bounded in bytes, least
# recently used first. Endpoints run in worker threads: a ``cachetools`` cache needs
# the lock.
TERMS_STATEMENTS: LRUCache[tuple[tuple[str, ...], bool], tuple[Select[Any], int]] = LRUCache(
    TERMS_STATEMENTS_MAX_BYTES, getsizeof=itemgetter(1)
)
_TERMS_LOCK = threading.Lock()
# Ids this dense (the page's id span at most this many times its ids: a download's
# pages, most of the table) are read as one range of the link tables' primary key,
# the rows of other ids skipped here, instead of one index search per id.
DENSE_IDS = 2


def _terms_statement(fields: tuple[str, ...], by_range: bool) -> Select[Any]:
    """One UNION ALL over the link tables of ``fields`` (sorted, distinct), for the
    model ids bound as ``ids`` or (``by_range``) between ``low`` and ``high``; built once
    per set of fields, so SQLAlchemy's statement cache key is computed once too."""
    with _TERMS_LOCK:
        known = TERMS_STATEMENTS.get((fields, by_range))
    if known is not None:
        return known[0]
    statement = _build_terms_statement(fields, by_range)
    with _TERMS_LOCK:
        TERMS_STATEMENTS[fields, by_range] = (
            statement,
            TERMS_STATEMENT_PART_BYTES * len(fields),
        )
    return statement


def _build_terms_statement(fields: tuple[str, ...], by_range: bool) -> Select[Any]:
    ids = bindparam("ids", type_=Integer(), expanding=True)
    low, high = bindparam("low", type_=Integer()), bindparam("high", type_=Integer())
    parts = []
    for name in fields:
        multi = MULTI_VALUED_BY_FIELD[name]
        link, term = multi.link, multi.term
        owner = link.c.ml_model_id
        parts.append(
            select(literal(name).label("field"), owner, link.c.position, col(term.name))
            .join(term, term.id == link.c.term_id)  # type: ignore[arg-type]
            .where(owner.between(low, high) if by_range else owner.in_(ids))
        )
    # No ORDER BY: sorting every row of a download costs more than ordering each
    # model's few terms by position (``load_terms``).
    return select(union_all(*parts).subquery())


def load_terms(
    session: Session, ids: Sequence[int], fields: Sequence[str]
) -> dict[tuple[int, str], list[str]]:
    """The multi-valued fields of models ``ids``, in source order, by (model id, field)."""
    if not ids or not fields:
        return {}
    wanted = set(ids)
    low, high = min(wanted), max(wanted)
    by_range = high - low + 1 <= DENSE_IDS * len(wanted)
    query = _terms_statement(tuple(sorted(set(fields))), by_range)
    params = {"low": low, "high": high} if by_range else {"ids": list(wanted)}
    found: dict[tuple[int, str], list[tuple[int, str]]] = {}
    # Core execution on the session's connection: plain rows, no ORM result processing.
    for field_name, model_id, position, name in session.connection().execute(query, params).all():
        if model_id in wanted:
            found.setdefault((model_id, field_name), []).append((position, name))
    return {
        key: [name for _, name in (sorted(terms) if len(terms) > 1 else terms)]
        for key, terms in found.items()
    }


def load_extra(session: Session, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Cells of columns no field maps (a newer export's new columns), by model id."""
    table = MLModelExtra
    query = (
        select(col(table.ml_model_id), col(table.source_column), col(table.value))
        .where(col(table.ml_model_id).in_(ids))
        .order_by(col(table.ml_model_id), col(table.source_column))
    )
    out: dict[int, dict[str, str]] = {}
    for model_id, column, value in session.execute(query):
        out.setdefault(model_id, {})[column] = value
    return out


def load_unparsed(session: Session, ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
    """Cells kept verbatim, by model id."""
    table = MLModelUnparsedValue
    query = (
        select(
            col(table.ml_model_id),
            col(table.field),
            col(table.source_column),
            col(table.source_text),
            col(table.reason),
        )
        .where(col(table.ml_model_id).in_(ids))
        .order_by(col(table.ml_model_id), col(table.field))
    )
    out: dict[int, list[dict[str, str]]] = {}
    for row in session.execute(query):
        value = {k: v for k, v in row._mapping.items() if k != "ml_model_id"}
        out.setdefault(row.ml_model_id, []).append(value)
    return out


def load_aliases(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """The aliases of models ``ids``, alphabetical, by model id."""
    query = (
        select(col(ModelAlias.ml_model_id), col(ModelAlias.alias))
        .where(col(ModelAlias.ml_model_id).in_(ids))
        .order_by(col(ModelAlias.ml_model_id), col(ModelAlias.alias))
    )
    out: dict[int, list[str]] = {}
    for model_id, alias in session.execute(query):
        out.setdefault(model_id, []).append(alias)
    return out


def canonical_slug(session: Session, slug: str) -> str | None:
    """The slug of the model asked for as ``slug`` (its slug in any case, or an alias);
    None when no model is."""
    slug_column = col(MLModel.slug)
    found: str | None = session.execute(
        select(slug_column).where(slug_column.in_({slug, slug.lower()})).order_by(slug_column)
    ).scalar()
    if found is None:
        found = session.execute(
            select(slug_column)
            .join(ModelAlias, col(ModelAlias.ml_model_id) == col(MLModel.id))
            .where(col(ModelAlias.alias) == slug.lower())
        ).scalar()
    return found


def slugs_and_aliases(session: Session) -> dict[str, str]:
    """Every slug and alias, each with the slug it names."""
    slug_column = col(MLModel.slug)
    candidates = {name: name for name in session.execute(select(slug_column)).scalars()}
    for alias, canonical in session.execute(
        select(col(ModelAlias.alias), slug_column).join(
            MLModel, col(MLModel.id) == col(ModelAlias.ml_model_id)
        )
    ):
        candidates[alias] = canonical
    return candidates


def find_model(session: Session, slug: str) -> Found:
    """Where the model asked for as ``slug`` is: its slug, in another case, or an alias.

    404, suggesting the closest slugs and aliases, when none matches
    (api/resources/slugs.py).
    """
    found = canonical_slug(session, slug)
    if found is not None:
        return Found(found, redirect=found != slug)
    raise not_found("model", slug, slugs_and_aliases(session))


def model_id_by_slug(session: Session, slug: str) -> int:
    """The internal id of a model; 404 when no model has ``slug``."""
    model_id: int | None = session.execute(
        select(col(MLModel.id)).where(col(MLModel.slug) == slug)
    ).scalar()
    if model_id is None:
        raise NotFoundError(f"No model with slug {slug!r}.")
    return model_id


def get_model(
    session: Session, provenance: Provenance, slug: str, fields: Sequence[str]
) -> dict[str, Any]:
    """One model with the selected fields (all by default)."""
    model_id = model_id_by_slug(session, slug)
    scalar = [f for f in fields if f in _SCALAR_FIELDS]
    columns = [model_column(f).label(f) for f in scalar]
    row = session.execute(
        select(col(MLModel.id), col(MLModel.slug), *columns).where(col(MLModel.id) == model_id)
    ).one()
    item = _shape(session, [dict(row._mapping)], fields)[0]
    item["meta"] = provenance.as_meta()
    return item


FACETS = (
    "domain",
    "organization",
    "country",
    "organization_category",
    "year",
    "model_accessibility",
    "confidence",
    "frontier",
)


def facet_counts(
    session: Session, provenance: Provenance, filters: ModelFilters, facets: Sequence[str]
) -> dict[str, Any]:
    """Counts of matching models by value of each facet."""
    where = conditions(filters)
    matching = select(col(MLModel.id)).where(*where)
    total = session.execute(select(func.count()).select_from(MLModel).where(*where)).scalar_one()
    out: dict[str, list[dict[str, Any]]] = {}
    for facet in facets:
        query: Select[Any, Any]
        if facet in TERM_FILTERS:
            multi = MULTI_VALUED_BY_FIELD[TERM_FILTERS[facet]]
            link, term = multi.link, multi.term
            count = func.count(link.c.ml_model_id.distinct())
            query = (
                select(col(term.name).label("value"), count.label("count"))
                .join(term, col(term.id) == link.c.term_id)
                .where(link.c.ml_model_id.in_(matching))
                .group_by(col(term.name))
            )
        else:
            if facet == "year":
                value: ColumnElement[Any] = extract("year", col(MLModel.publication_date))
            else:
                value = model_column(facet)
            query = (
                select(value.label("value"), func.count().label("count"))
                .where(*where)
                .group_by(value)
            )
        rows = [(_facet_value(v), c) for v, c in session.execute(query)]
        rows.sort(key=lambda r: (-r[1], r[0] is None, str(r[0])))
        out[facet] = [{"value": v, "count": c} for v, c in rows]
    return {"total": total, "facets": out, "meta": provenance.as_meta()}


def _facet_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
