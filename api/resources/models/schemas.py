"""Response schemas of ``/v1/models``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from api.listing.schemas import MetaInfo


def _opt(description: str, unit: str | None = None) -> Any:
    # ``x-unit`` puts the unit in the OpenAPI document and in /v1/meta's field dictionary.
    extra: JsonDict | None = {"x-unit": unit} if unit else None
    return Field(default=None, description=description, json_schema_extra=extra)


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


class MLModelSummary(BaseModel):
    """A notable ML model. With ``fields=``, only the selected fields (and ``slug``) appear."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
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
        }
    )

    slug: str = Field(description="Stable, URL-safe identifier.", examples=["gpt-3-175b-davinci"])
    name: str | None = _opt("Model name as published by Epoch AI (trimmed).")
    publication_date: dt.date | None = _opt("Publication or announcement date (ISO 8601).")
    organizations: list[str] | None = _opt("Developing organizations, in source order.")
    countries: list[str] | None = _opt(
        "Country of each organization, in source order; repeats when organizations share one."
    )
    organization_categories: list[str] | None = _opt(
        "Category of each organization (Industry, Academia, ...), in source order."
    )
    domains: list[str] | None = _opt("Domains (Language, Vision, ...).")
    tasks: list[str] | None = _opt("Tasks the model performs.")
    notability_criteria: list[str] | None = _opt("Why Epoch AI counts the model as notable.")
    training_hardware: list[str] | None = _opt("Accelerators used for training.")
    parameters: float | None = _opt("Number of trainable parameters (count).", "parameters")
    training_compute_flop: float | None = _opt("Training compute in FLOP (floating-point ops).")
    training_dataset_size: float | None = _opt(
        "Training dataset size in datapoints, Epoch AI's 'gradients' measure: the number of "
        "examples the model learns from, in the domain's unit (tokens or words for language, "
        "images for vision, ...). Units differ between domains.",
        "datapoints",
    )
    epochs: float | None = _opt("Number of passes over the training data.", "epochs")
    training_time_hours: float | None = _opt("Wall-clock training time, hours.")
    hardware_quantity: float | None = _opt(
        "Number of accelerator chips used for training.", "chips"
    )
    hardware_utilization_mfu: float | None = _opt(
        "Model FLOP utilization, fraction 0-1.", "fraction"
    )
    hardware_utilization_hfu: float | None = _opt(
        "Hardware FLOP utilization, fraction 0-1.", "fraction"
    )
    training_compute_cost_2023_usd: float | None = _opt(
        "Estimated training compute cost, US dollars of 2023."
    )
    training_compute_cost_cloud_usd: float | None = _opt(
        "Estimated training cost at cloud rental prices, US dollars."
    )
    training_compute_cost_upfront_usd: float | None = _opt(
        "Estimated upfront cost of the training hardware, US dollars."
    )
    hardware_acquisition_cost_usd: float | None = _opt(
        "Hardware acquisition cost, US dollars, as given by the source."
    )
    training_power_draw_w: float | None = _opt("Power draw of the training cluster, watts.")
    finetune_compute_flop: float | None = _opt("Fine-tuning compute, FLOP.")
    batch_size: float | None = _opt("Training batch size (datapoints per step).", "datapoints")
    citations: float | None = _opt(
        "Citations of the publication (count, at snapshot).", "citations"
    )
    confidence: str | None = _opt(
        "Epoch AI's confidence in the estimates: Confident, Likely, Speculative, Unknown."
    )
    frontier: bool | None = _opt(
        "True when Epoch AI flags the model as a frontier model (top-10 training compute at "
        "release); false when the source cell is empty."
    )
    model_accessibility: str | None = _opt("How the weights can be accessed (API access, ...).")
    training_code_accessibility: str | None = _opt("Whether the training code is released.")
    inference_code_accessibility: str | None = _opt("Whether the inference code is released.")
    numerical_format: str | None = _opt("Numerical format used in training (BF16, FP32, ...).")
    base_model: str | None = _opt("Name of the model this one was fine-tuned from.")
    training_dataset: str | None = _opt("Name(s) of the training dataset(s).")
    link: str | None = _opt("URL of the publication or announcement.")
    reference: str | None = _opt("Title of the publication or announcement.")


class MLModelPublic(MLModelSummary):
    """A notable ML model with every field of the source, its notes and provenance."""

    authors: str | None = _opt("Authors, as listed in the source.")
    abstract: str | None = _opt("Abstract of the publication.")
    parameters_notes: str | None = _opt("Source notes on the parameter count.")
    training_compute_notes: str | None = _opt("Source notes on training compute.")
    dataset_size_notes: str | None = _opt("Source notes on the training dataset size.")
    notability_criteria_notes: str | None = _opt("Source notes on notability.")
    training_time_notes: str | None = _opt("Source notes on training time.")
    compute_cost_notes: str | None = _opt("Source notes on compute cost.")
    finetune_compute_notes: str | None = _opt("Source notes on fine-tuning compute.")
    batch_size_notes: str | None = _opt("Source notes on batch size.")
    accessibility_notes: str | None = _opt("Source notes on accessibility.")
    unparsed_values: list[UnparsedValuePublic] | None = _opt(
        "Source cells kept verbatim because they hold no single value; their fields are null."
    )
    milestones: list[MilestoneRef] | None = _opt("Milestones of the timeline about this model.")
    source_line: int | None = _opt("Line of the row in the source CSV file (1 = header).")
    meta: MetaInfo | None = _opt("Data version, source and licence.")


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
