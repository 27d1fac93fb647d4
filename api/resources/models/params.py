"""Query parameters of the model list, facets and trend filters."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import Query

from api.db.engine import SessionDep
from api.http.deps import DomainQuery, OrganizationQuery, ProvenanceDep, vocabulary_note
from api.listing.params import any_case
from api.resources.models.filters import RANGE_FIELDS, ModelFilters
from api.resources.models.service import FACETS, HAS_FIELDS
from api.resources.vocabularies.catalog import (
    ACCESSIBILITY_VALUES,
    CONFIDENCE_VALUES,
    AccessibilityValue,
    ConfidenceValue,
)
from api.resources.vocabularies.service import resolve_terms

if TYPE_CHECKING:  # the values come from the schemas: an enum in the document, str to mypy
    HasField = str
    FacetName = str
else:
    HasField = Literal[tuple(sorted(HAS_FIELDS))]
    FacetName = Literal[FACETS]

_RANGE_EXAMPLES = {
    ("parameters", "min"): 1e9,
    ("parameters", "max"): 1e12,
    ("training_compute_flop", "min"): 1e23,
    ("training_compute_flop", "max"): 1e26,
    ("training_dataset_size", "min"): 1e9,
    ("training_dataset_size", "max"): 1e13,
    ("training_compute_cost_2023_usd", "min"): 1e5,
    ("training_compute_cost_2023_usd", "max"): 1e8,
}


def _range(name: str, bound: str) -> object:
    return Query(
        ge=0,
        description=f"Only models whose {name} is {'at least' if bound == 'min' else 'at most'} "
        "this value (inclusive); models with no value are excluded.",
        examples=[_RANGE_EXAMPLES[(name, bound)]],
    )


def model_filters(
    session: SessionDep,
    provenance: ProvenanceDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200, description="Case-insensitive search in model names.", examples=["gpt"]
        ),
    ] = None,
    domain: DomainQuery = (),
    organization: OrganizationQuery = (),
    country: Annotated[
        tuple[str, ...],
        Query(
            description="Country of an organization; repeat for any of. "
            + vocabulary_note("countries"),
            examples=[["United States of America"]],
        ),
    ] = (),
    organization_category: Annotated[
        tuple[str, ...],
        Query(
            description="Industry, Academia, Government, Research collective; repeat for "
            "any of. " + vocabulary_note("organization-categories"),
            examples=[["Academia"]],
        ),
    ] = (),
    task: Annotated[
        tuple[str, ...],
        Query(
            description="Task name or slug; repeat for any of. " + vocabulary_note("tasks"),
            examples=[["Chat"]],
        ),
    ] = (),
    model_accessibility: Annotated[
        tuple[
            Annotated[AccessibilityValue, any_case(ACCESSIBILITY_VALUES, "model-accessibility")],
            ...,
        ],
        Query(
            description="How the weights can be accessed (any case); repeat for any of.",
            examples=[["Open weights (unrestricted)"]],
        ),
    ] = (),
    confidence: Annotated[
        tuple[Annotated[ConfidenceValue, any_case(CONFIDENCE_VALUES, "confidence")], ...],
        Query(
            description="Epoch AI's confidence in the figures (any case); repeat for any of.",
            examples=[["Confident"]],
        ),
    ] = (),
    frontier: Annotated[
        bool | None,
        Query(description="true: only models Epoch AI flags as frontier models.", examples=[True]),
    ] = None,
    start: Annotated[
        dt.date | None,
        Query(
            description="Published on or after this date (inclusive, ISO 8601).",
            examples=["2018-01-01"],
        ),
    ] = None,
    end: Annotated[
        dt.date | None,
        Query(
            description="Published before this date (exclusive, ISO 8601).", examples=["2024-01-01"]
        ),
    ] = None,
    min_parameters: Annotated[float | None, _range("parameters", "min")] = None,
    max_parameters: Annotated[float | None, _range("parameters", "max")] = None,
    min_training_compute_flop: Annotated[
        float | None, _range("training_compute_flop", "min")
    ] = None,
    max_training_compute_flop: Annotated[
        float | None, _range("training_compute_flop", "max")
    ] = None,
    min_training_dataset_size: Annotated[
        float | None, _range("training_dataset_size", "min")
    ] = None,
    max_training_dataset_size: Annotated[
        float | None, _range("training_dataset_size", "max")
    ] = None,
    min_training_compute_cost_2023_usd: Annotated[
        float | None, _range("training_compute_cost_2023_usd", "min")
    ] = None,
    max_training_compute_cost_2023_usd: Annotated[
        float | None, _range("training_compute_cost_2023_usd", "max")
    ] = None,
    has: Annotated[
        tuple[Annotated[HasField, any_case(sorted(HAS_FIELDS))], ...],
        Query(
            description="Only models with a value for this field; repeat for all of.",
            examples=[["parameters"]],
        ),
    ] = (),
) -> ModelFilters:
    """The filters shared by the list, facets and trends."""
    bounds = {
        "parameters": (min_parameters, max_parameters),
        "training_compute_flop": (min_training_compute_flop, max_training_compute_flop),
        "training_dataset_size": (min_training_dataset_size, max_training_dataset_size),
        "training_compute_cost_2023_usd": (
            min_training_compute_cost_2023_usd,
            max_training_compute_cost_2023_usd,
        ),
    }
    assert set(bounds) == set(RANGE_FIELDS)
    return ModelFilters(
        q=q.strip() or None if q is not None else None,
        terms=resolve_terms(
            session,
            provenance,
            {
                "domain": tuple(domain),
                "organization": tuple(organization),
                "country": tuple(country),
                "organization_category": tuple(organization_category),
                "task": tuple(task),
            },
        ),
        choices={
            "confidence": tuple(confidence),
            "model_accessibility": tuple(model_accessibility),
        },
        frontier=frontier,
        start=start,
        end=end,
        ranges=bounds,
        has=tuple(dict.fromkeys(has)),
    )
