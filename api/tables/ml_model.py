"""The ``ml_model`` table: one notable machine-learning system from Epoch AI's dataset."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import metadata

assert metadata is SQLModel.metadata


def _text(description: str) -> Any:
    return Field(default=None, sa_type=Text, description=description)


def _number(description: str) -> Any:
    return Field(default=None, description=description)


class MLModel(SQLModel, table=True):
    """A notable ML model (one row of the source file)."""

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
    slug: str = Field(unique=True, max_length=200)
    name: str = Field(max_length=300)
    publication_date: dt.date
    source_line: int = Field(description="First line of the row in the source CSV file.")

    parameters: float | None = _number("Number of parameters.")
    training_compute_flop: float | None = _number("Training compute, FLOP.")
    training_dataset_size: float | None = _number(
        "Training dataset size in datapoints (Epoch: 'gradients')."
    )
    epochs: float | None = _number("Passes over the training data.")
    training_time_hours: float | None = _number("Training time, hours.")
    hardware_quantity: float | None = _number("Number of accelerator chips used.")
    hardware_utilization_mfu: float | None = _number("Model FLOP utilization, 0-1.")
    hardware_utilization_hfu: float | None = _number("Hardware FLOP utilization, 0-1.")
    training_compute_cost_2023_usd: float | None = _number("Training compute cost, 2023 USD.")
    training_compute_cost_cloud_usd: float | None = _number("Cloud training cost, 2023 USD.")
    training_compute_cost_upfront_usd: float | None = _number("Upfront hardware cost, 2023 USD.")
    hardware_acquisition_cost_usd: float | None = _number("Hardware acquisition cost, USD.")
    training_power_draw_w: float | None = _number("Training power draw, watts.")
    finetune_compute_flop: float | None = _number("Fine-tuning compute, FLOP.")
    batch_size: float | None = _number("Batch size.")
    citations: float | None = _number("Citation count.")

    confidence: str | None = Field(default=None, max_length=40, index=True)
    frontier_model: bool = Field(default=False, index=True)
    model_accessibility: str | None = Field(default=None, max_length=80, index=True)
    training_code_accessibility: str | None = Field(default=None, max_length=80)
    inference_code_accessibility: str | None = Field(default=None, max_length=80)
    numerical_format: str | None = Field(default=None, max_length=40)
    base_model: str | None = _text("Name of the model this one was fine-tuned from.")
    training_dataset: str | None = _text("Name(s) of the training dataset.")
    link: str | None = _text("URL of the publication or announcement.")
    reference: str | None = _text("Title of the publication or announcement.")
    authors: str | None = _text("Authors, as listed in the source.")
    abstract: str | None = _text("Abstract of the publication.")
    parameters_notes: str | None = _text("Source notes on the parameter count.")
    training_compute_notes: str | None = _text("Source notes on training compute.")
    dataset_size_notes: str | None = _text("Source notes on the dataset size.")
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
