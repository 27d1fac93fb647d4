"""The ``ml_model`` table: one notable machine-learning system from Epoch AI's dataset."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import metadata

assert metadata is SQLModel.metadata

# The longest slug a model can have: the column's length and the limit of the
# ``/v1/models/{slug}`` route, so every seeded model is reachable by its slug.
MAX_SLUG_LENGTH = 200


def _unit(unit: str | None) -> dict[str, Any] | None:
    # ``x-unit`` reaches the OpenAPI document and /v1/meta's field dictionary.
    return {"json_schema_extra": {"x-unit": unit}} if unit else None


def _text(description: str, max_length: int | None = None, index: bool = False) -> Any:
    if max_length is None:
        return Field(default=None, sa_type=Text, description=description)
    return Field(default=None, max_length=max_length, index=index, description=description)


def _number(description: str, unit: str | None = None) -> Any:
    return Field(default=None, description=description, schema_extra=_unit(unit))


class MLModel(SQLModel, table=True):
    """A notable ML model (one row of the source file).

    The one declaration of a model's fields: name, type, description and unit. The
    seed record and the API's response schemas are derived from it.
    """

    __tablename__ = "ml_model"
    __table_args__ = (
        # Also covers the trend metrics: a trend series (date range, metric > 0, in date
        # order) and its exclusion counts read this index alone, not the wide rows.
        Index(
            "ix_ml_model_publication_date_id_metrics",
            "publication_date",
            "id",
            "parameters",
            "training_compute_flop",
            "training_dataset_size",
        ),
        Index("ix_ml_model_parameters_id", "parameters", "id"),
        Index("ix_ml_model_training_compute_flop_id", "training_compute_flop", "id"),
        Index("ix_ml_model_training_dataset_size_id", "training_dataset_size", "id"),
        Index("ix_ml_model_name_id", "name", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(
        unique=True,
        max_length=MAX_SLUG_LENGTH,
        description="Stable, URL-safe identifier.",
        schema_extra={"examples": ["gpt-3-175b-davinci"]},
    )
    name: str = Field(max_length=300, description="Model name as published by Epoch AI (trimmed).")
    publication_date: dt.date | None = Field(
        default=None,
        description="Publication or announcement date (ISO 8601); null when the source gives "
        "none (such models are left out of every date-based statistic).",
    )
    source_line: int = Field(description="Line of the row in the source CSV file (1 = header).")

    parameters: float | None = _number("Number of trainable parameters (count).", "parameters")
    training_compute_flop: float | None = _number("Training compute in FLOP (floating-point ops).")
    training_dataset_size: float | None = _number(
        "Training dataset size in datapoints, Epoch AI's 'gradients' measure: the number of "
        "examples the model learns from, in the domain's unit (tokens or words for language, "
        "images for vision, ...). Units differ between domains.",
        "datapoints",
    )
    epochs: float | None = _number("Number of passes over the training data.", "epochs")
    training_time_hours: float | None = _number("Wall-clock training time, hours.")
    hardware_quantity: float | None = _number(
        "Number of accelerator chips used for training.", "chips"
    )
    hardware_utilization_mfu: float | None = _number(
        "Model FLOP utilization, fraction 0-1.", "fraction"
    )
    hardware_utilization_hfu: float | None = _number(
        "Hardware FLOP utilization, fraction 0-1.", "fraction"
    )
    training_compute_cost_2023_usd: float | None = _number(
        "Estimated training compute cost, US dollars of 2023."
    )
    training_compute_cost_cloud_usd: float | None = _number(
        "Estimated training cost at cloud rental prices, US dollars."
    )
    training_compute_cost_upfront_usd: float | None = _number(
        "Estimated upfront cost of the training hardware, US dollars."
    )
    hardware_acquisition_cost_usd: float | None = _number(
        "Hardware acquisition cost, US dollars, as given by the source."
    )
    training_power_draw_w: float | None = _number("Power draw of the training cluster, watts.")
    finetune_compute_flop: float | None = _number("Fine-tuning compute, FLOP.")
    batch_size: float | None = _number("Training batch size (datapoints per step).", "datapoints")
    citations: float | None = _number(
        "Citations of the publication (count, at snapshot).", "citations"
    )

    confidence: str | None = _text(
        "Epoch AI's confidence in the estimates: Confident, Likely, Speculative, Unknown.",
        max_length=40,
        index=True,
    )
    frontier_model: bool = Field(
        default=False,
        index=True,
        description="True when Epoch AI flags the model as a frontier model (top-10 training "
        "compute at release); false when the source cell is empty.",
    )
    model_accessibility: str | None = _text(
        "How the weights can be accessed (API access, ...).", max_length=80, index=True
    )
    training_code_accessibility: str | None = _text(
        "Whether the training code is released.", max_length=80
    )
    inference_code_accessibility: str | None = _text(
        "Whether the inference code is released.", max_length=80
    )
    numerical_format: str | None = _text(
        "Numerical format used in training (BF16, FP32, ...).", max_length=40
    )
    base_model: str | None = _text("Name of the model this one was fine-tuned from.")
    training_dataset: str | None = _text("Name(s) of the training dataset(s).")
    link: str | None = _text("URL of the publication or announcement.")
    reference: str | None = _text("Title of the publication or announcement.")
    authors: str | None = _text("Authors, as listed in the source.")
    abstract: str | None = _text("Abstract of the publication.")
    parameters_notes: str | None = _text("Source notes on the parameter count.")
    training_compute_notes: str | None = _text("Source notes on training compute.")
    dataset_size_notes: str | None = _text("Source notes on the training dataset size.")
    notability_criteria_notes: str | None = _text("Source notes on notability.")
    training_time_notes: str | None = _text("Source notes on training time.")
    compute_cost_notes: str | None = _text("Source notes on compute cost.")
    finetune_compute_notes: str | None = _text("Source notes on fine-tuning compute.")
    batch_size_notes: str | None = _text("Source notes on batch size.")
    accessibility_notes: str | None = _text("Source notes on accessibility.")


class MLModelUnparsedValue(SQLModel, table=True):
    """A source cell kept verbatim because it holds no single value (its field is null)."""

    __tablename__ = "ml_model_unparsed_value"

    ml_model_id: int = Field(foreign_key="ml_model.id", primary_key=True, ondelete="CASCADE")
    field: str = Field(primary_key=True, max_length=100)
    source_column: str = Field(max_length=200)
    source_text: str = Field(sa_type=Text)
    reason: str = Field(sa_type=Text)


class MLModelExtra(SQLModel, table=True):
    """A cell of a source column the loader does not map to a field: kept, as text."""

    __tablename__ = "ml_model_extra"

    ml_model_id: int = Field(foreign_key="ml_model.id", primary_key=True, ondelete="CASCADE")
    source_column: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_type=Text)


class ModelAlias(SQLModel, table=True):
    """Another name that leads to a model: an everyday name or a slug it had before.

    ``alias`` is in the form of a slug (lower case); ``/v1/models/{alias}`` answers a
    308 redirect to the model's canonical URL. ``kind`` says where the alias comes from:
    ``name`` (an everyday name, curated in ``seed/data/``) or ``renamed`` (the slug of a
    model that a newer export renamed).
    """

    __tablename__ = "model_alias"

    alias: str = Field(primary_key=True, max_length=MAX_SLUG_LENGTH)
    ml_model_id: int = Field(foreign_key="ml_model.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    note: str | None = Field(default=None, sa_type=Text)
