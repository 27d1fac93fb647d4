"""Filters over ``ml_model``, shared by the list, the facets and the trend fits."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlmodel import col

from api.errors import InvalidParameterError
from api.listing.params import check_window
from api.resources.models.schemas import API_NAMES
from api.resources.search import contains_text
from api.tables import MULTI_VALUED_BY_FIELD, MLModel, ModelSelection, ModelSelectionMember

RANGE_FIELDS = (
    "parameters",
    "training_compute_flop",
    "training_dataset_size",
    "training_compute_cost_2023_usd",
)

# Multi-valued filters: query parameter -> field of MULTI_VALUED_BY_FIELD.
TERM_FILTERS = {
    "domain": "domains",
    "organization": "organizations",
    "country": "countries",
    "organization_category": "organization_categories",
    "task": "tasks",
}

SCALAR_CHOICE_FILTERS = ("confidence", "model_accessibility")


@dataclass(frozen=True)
class ModelFilters:
    """Every filter a model query accepts; empty means no constraint."""

    q: str | None = None
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    frontier: bool | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    has: tuple[str, ...] = ()
    # A published selection of models (model_selection.slug): only its members.
    selection: str | None = None

    def __post_init__(self) -> None:
        for name, (low, high) in self.ranges.items():
            if low is not None and high is not None and low > high:
                raise InvalidParameterError(
                    f"min_{name}", f"min_{name} ({low:g}) is greater than max_{name} ({high:g})"
                )
        check_window(self.start, self.end)

    def canonical(self) -> str:
        """A stable text form: equal filters give equal strings (cursor and cache keys)."""
        data: dict[str, Any] = asdict(self)
        data["terms"] = {k: sorted(v) for k, v in sorted(self.terms.items()) if v}
        data["choices"] = {k: sorted(v) for k, v in sorted(self.choices.items()) if v}
        data["ranges"] = {k: v for k, v in sorted(self.ranges.items()) if v != (None, None)}
        data["has"] = sorted(self.has)
        return json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))

    def describe(self) -> dict[str, Any]:
        """The filters that are set, as plain JSON values (echoed with statistics)."""
        out: dict[str, Any] = {}
        if self.q:
            out["q"] = self.q
        out.update({k: list(v) for k, v in self.terms.items() if v})
        out.update({k: list(v) for k, v in self.choices.items() if v})
        if self.frontier is not None:
            out["frontier"] = self.frontier
        if self.start:
            out["start"] = self.start.isoformat()
        if self.end:
            out["end"] = self.end.isoformat()
        for name, (low, high) in self.ranges.items():
            if low is not None:
                out[f"min_{name}"] = low
            if high is not None:
                out[f"max_{name}"] = high
        if self.has:
            out["has"] = list(self.has)
        if self.selection:
            out["selection"] = self.selection
        return out


_COLUMN_OF_FIELD = {field: column for column, field in API_NAMES.items()}


def model_column(name: str) -> ColumnElement[Any]:
    """The ``ml_model`` column behind an API field name."""
    column: ColumnElement[Any] = getattr(MLModel, _COLUMN_OF_FIELD.get(name, name))
    return column


def has_term(field_name: str, values: tuple[str, ...]) -> ColumnElement[bool]:
    """Models linked to any of ``values`` (a term's name, case-insensitive, or its slug).

    A correlated EXISTS on the link table's primary key (model id first): a page
    sorted by an indexed column walks that index and checks each model with one
    index probe, stopping after ``limit`` matches. ``id IN (all linked ids)`` would
    first collect every linked model and then sort them all.
    """
    multi = MULTI_VALUED_BY_FIELD[field_name]
    term = multi.term
    lowered = [v.lower() for v in values]
    term_ids = select(col(term.id)).where(
        func.lower(col(term.name)).in_(lowered) | col(term.slug).in_(values)
    )
    link = multi.link
    return (
        select(link.c.ml_model_id)
        .where(link.c.ml_model_id == col(MLModel.id), link.c.term_id.in_(term_ids))
        .exists()
    )


def has_any_term(field_name: str) -> ColumnElement[bool]:
    """Models with at least one value of a multi-valued field."""
    link = MULTI_VALUED_BY_FIELD[field_name].link
    return select(link.c.ml_model_id).where(link.c.ml_model_id == col(MLModel.id)).exists()


def conditions(filters: ModelFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``filters``."""
    where: list[ColumnElement[bool]] = []
    if filters.q:
        where.append(contains_text(col(MLModel.name), filters.q))
    for parameter, values in filters.terms.items():
        if values:
            where.append(has_term(TERM_FILTERS[parameter], values))
    for name, values in filters.choices.items():
        if values:
            where.append(func.lower(model_column(name)).in_([v.lower() for v in values]))
    if filters.frontier is not None:
        where.append(col(MLModel.frontier_model) == filters.frontier)
    if filters.start is not None:
        where.append(col(MLModel.publication_date) >= filters.start)
    if filters.end is not None:
        where.append(col(MLModel.publication_date) < filters.end)
    for name, (low, high) in filters.ranges.items():
        column = model_column(name)
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    for name in filters.has:
        if name in MULTI_VALUED_BY_FIELD:
            where.append(has_any_term(name))
        else:
            where.append(model_column(name).is_not(None))
    if filters.selection is not None:
        where.append(in_selection(filters.selection))
    return where


def in_selection(slug: str) -> ColumnElement[bool]:
    """Models that are members of the selection ``slug`` (none if it is not seeded)."""
    members = (
        select(col(ModelSelectionMember.ml_model_id))
        .join(ModelSelection, col(ModelSelection.id) == col(ModelSelectionMember.selection_id))
        .where(col(ModelSelection.slug) == slug)
    )
    return col(MLModel.id).in_(members)
