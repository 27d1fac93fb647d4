"""The vocabulary of the trend endpoints: the metrics, where each lives and its unit, and the
confidence levels of Epoch AI's figures."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from api.tables import MLModel


class Metric(enum.StrEnum):
    """A quantity whose growth the trend endpoints measure."""

    parameters = "parameters"
    training_compute = "training_compute"
    training_dataset_size = "training_dataset_size"
    training_compute_cost = "training_compute_cost"


class Confidence(enum.StrEnum):
    """Epoch AI's confidence in a model's figures, from weakest to strongest."""

    speculative = "Speculative"
    likely = "Likely"
    confident = "Confident"


CONFIDENCE_ORDER = (Confidence.speculative, Confidence.likely, Confidence.confident)


@dataclass(frozen=True)
class MetricInfo:
    """Where a metric lives and what it measures."""

    field: str
    unit: str


METRICS: dict[Metric, MetricInfo] = {
    Metric.parameters: MetricInfo("parameters", "parameters (count)"),
    Metric.training_compute: MetricInfo("training_compute_flop", "FLOP"),
    Metric.training_dataset_size: MetricInfo(
        "training_dataset_size", "datapoints (Epoch 'gradients'; unit depends on domain)"
    ),
    Metric.training_compute_cost: MetricInfo("training_compute_cost_2023_usd", "2023 USD"),
}


def metric_column(metric: Metric) -> ColumnElement[Any]:
    """The ``ml_model`` column holding ``metric``."""
    column: ColumnElement[Any] = getattr(MLModel, METRICS[metric].field)
    return column
