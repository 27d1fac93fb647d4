"""The vocabulary of the trend endpoints: the metrics, where each lives and its unit, and the
confidence levels of Epoch AI's figures."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, case, exists, null, select
from sqlmodel import col

from api.tables import MULTI_VALUED_BY_FIELD, MLModel


class Metric(enum.StrEnum):
    """A quantity whose growth the trend endpoints measure."""

    parameters = "parameters"
    training_compute = "training_compute"
    training_dataset_size = "training_dataset_size"
    training_compute_cost = "training_compute_cost"
    tokens_per_parameter = "tokens_per_parameter"


class Method(enum.StrEnum):
    """How the slope and the line of a fit are estimated."""

    ols = "ols"
    theil_sen = "theil-sen"


class IntervalMethod(enum.StrEnum):
    """How the intervals of a fit are computed."""

    t = "t"
    bootstrap = "bootstrap"


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
    label: str = ""


METRICS: dict[Metric, MetricInfo] = {
    Metric.parameters: MetricInfo("parameters", "parameters (count)", "Parameters"),
    Metric.training_compute: MetricInfo("training_compute_flop", "FLOP", "Training compute"),
    Metric.training_dataset_size: MetricInfo(
        "training_dataset_size",
        "datapoints (Epoch 'gradients'; unit depends on domain)",
        "Training dataset size",
    ),
    Metric.training_compute_cost: MetricInfo(
        "training_compute_cost_2023_usd", "2023 USD", "Training compute cost"
    ),
    Metric.tokens_per_parameter: MetricInfo(
        "training_dataset_size / parameters",
        "training tokens (Epoch's dataset size of language models) per parameter",
        "Training tokens per parameter",
    ),
}

#: The domain whose models have a tokens_per_parameter (their dataset sizes count tokens).
LANGUAGE: Final = "Language"


def metric_column(metric: Metric) -> ColumnElement[Any]:
    """The ``ml_model`` column holding ``metric``, or the expression deriving it.

    ``tokens_per_parameter`` is ``training_dataset_size / parameters`` for models of the
    Language domain with both values and positive parameters, else null.
    """
    if metric is Metric.tokens_per_parameter:
        multi = MULTI_VALUED_BY_FIELD["domains"]
        link, term = multi.link, multi.term
        is_language = exists(
            select(link.c.ml_model_id)
            .join(term, link.c.term_id == col(term.id))
            .where(link.c.ml_model_id == col(MLModel.id), col(term.name) == LANGUAGE)
        )
        ratio = col(MLModel.training_dataset_size) / col(MLModel.parameters)
        derived: ColumnElement[Any] = case(
            (and_(col(MLModel.parameters) > 0, is_language), ratio), else_=null()
        )
        return derived
    column: ColumnElement[Any] = getattr(MLModel, METRICS[metric].field)
    return column
