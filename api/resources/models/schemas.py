"""Response schemas of ``/v1/models``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.config import JsonDict

from api.listing.schemas import MetaInfo
from api.tables import MULTI_VALUED_FIELDS, MLModel


class UnparsedValuePublic(BaseModel):
    """A source cell that holds no single value of its type; the field it feeds is null."""

    field: str = Field(description="The API field left null, e.g. training_dataset_size.")
    source_column: str = Field(description="The source file's column.")
    source_text: str = Field(description="The cell, verbatim (trimmed).")
    reason: str = Field(description="Why it was not parsed.")


class MilestoneRef(BaseModel):
    """A milestone of /v1/milestones that references the model."""

    slug: str = Field(description="Milestone slug.")
    date: dt.date = Field(description="Milestone date.")
    title: str = Field(description="Milestone title.")


# The table's column names that the API serves under another name.
API_NAMES = {"frontier_model": "frontier"}
# Columns not served as fields (``source_line`` comes with the detail's provenance).
_HIDDEN = frozenset({"id", "source_line"})
_EXAMPLE: JsonDict = {
    "slug": "gpt-3-175b-davinci",
    "name": "GPT-3 175B (davinci)",
    "publication_date": "2020-05-28",
    "parameters": 175000000000.0,
    "training_compute_flop": 3.14e23,
    "training_dataset_size": 374000000000.0,
    "organizations": ["OpenAI"],
    "domains": ["Language"],
    "frontier": True,
}


def _is_long_text(name: str) -> bool:
    """Authors, abstract and the source's notes: in the detail only."""
    return name in ("authors", "abstract") or name.endswith("_notes")


def _served(column: str) -> tuple[str, Any]:
    """A column of ``ml_model`` as an API field; optional, since ``fields=`` may omit it."""
    info = MLModel.model_fields[column]
    annotation: Any = info.annotation
    name = API_NAMES.get(column, column)
    if name == "slug":  # always included
        return name, (annotation, Field(description=info.description, examples=info.examples))
    extra = info.json_schema_extra
    field = Field(default=None, description=info.description, json_schema_extra=extra)
    return name, (annotation | None, field)


def _fields(columns: list[str]) -> dict[str, Any]:
    return dict(_served(column) for column in columns)


_COLUMNS = [c for c in MLModel.model_fields if c not in _HIDDEN]
_HEAD = ["slug", "name", "publication_date"]
_SUMMARY_COLUMNS = [c for c in _COLUMNS if c not in _HEAD and not _is_long_text(c)]
_LONG_COLUMNS = [c for c in _COLUMNS if _is_long_text(c)]
_LISTS: dict[str, Any] = {
    multi.field: (list[str] | None, Field(default=None, description=multi.description))
    for multi in MULTI_VALUED_FIELDS
}


class _ModelSchema(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": _EXAMPLE})


# Served as ``response_model`` only: the fields come from the ``ml_model`` table.
MLModelSummary: type[BaseModel] = create_model(
    "MLModelSummary",
    __base__=_ModelSchema,
    __module__=__name__,
    __doc__="A notable ML model. With ``fields=``, only the selected fields (and ``slug``) appear.",
    **_fields(_HEAD),
    **_LISTS,
    **_fields(_SUMMARY_COLUMNS),
)
MLModelPublic: type[BaseModel] = create_model(
    "MLModelPublic",
    __base__=MLModelSummary,
    __module__=__name__,
    __doc__="A notable ML model with every field of the source, its notes and provenance.",
    **_fields(_LONG_COLUMNS),
    unparsed_values=(
        list[UnparsedValuePublic] | None,
        Field(
            default=None,
            description="Source cells kept verbatim because they hold no single value; "
            "their fields are null.",
        ),
    ),
    extra=(
        dict[str, str] | None,
        Field(
            default=None,
            description="Cells of source columns that no field maps (columns a newer export "
            "of the source added), by column name, verbatim; empty when there are none.",
        ),
    ),
    milestones=(
        list[MilestoneRef] | None,
        Field(default=None, description="Milestones of the timeline about this model."),
    ),
    aliases=(
        list[str] | None,
        Field(
            default=None,
            description="Other names that lead here (`/v1/models/{alias}` redirects to this "
            "model): everyday names such as `gpt-2`, each leading to its family's original "
            "release (seed/data/aliases.toml), and former slugs; in alphabetical order.",
            examples=[["gpt-2", "gpt2"]],
        ),
    ),
    source_line=_served("source_line")[1],
    meta=(MetaInfo | None, Field(default=None, description="Data version, source and licence.")),
)


class FacetValue(BaseModel):
    """How many matching models have one value."""

    value: str | None = Field(description="The value (a name, a year, true/false); null: unknown.")
    count: int = Field(description="Number of matching models with this value.")


class ModelFacets(BaseModel):
    """Counts of matching models by value, under the same filters as the list."""

    total: int = Field(description="Number of models matching the filters.")
    facets: dict[str, list[FacetValue]] = Field(
        description="For each requested facet, its values by descending count, then by value."
    )
    meta: MetaInfo
