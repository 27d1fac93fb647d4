"""The model response schemas are derived from the ``ml_model`` table."""

from __future__ import annotations

from api.resources.models.schemas import API_NAMES, MLModelPublic, MLModelSummary
from api.tables import MULTI_VALUED_FIELDS, MLModel


def test_every_column_but_the_id_is_served_with_its_description_and_unit() -> None:
    fields = MLModelPublic.model_fields
    for column, info in MLModel.model_fields.items():
        if column == "id":
            continue
        served = fields[API_NAMES.get(column, column)]
        assert served.description == info.description, column
        assert served.json_schema_extra == info.json_schema_extra, column


def test_the_summary_leaves_out_the_long_texts_only() -> None:
    detail_only = set(MLModelPublic.model_fields) - set(MLModelSummary.model_fields)
    long_texts = {name for name in detail_only if name.endswith("_notes")}
    assert detail_only - long_texts == {
        "authors",
        "abstract",
        "unparsed_values",
        "extra",
        "milestones",
        "aliases",
        "source_line",
        "meta",
    }


def test_the_multi_valued_fields_are_in_the_summary() -> None:
    for multi in MULTI_VALUED_FIELDS:
        assert MLModelSummary.model_fields[multi.field].description == multi.description
