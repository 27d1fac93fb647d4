"""Nothing is lost: every row and every kept value of the source file, read back over HTTP.

The expected values are parsed here independently of the loader: trim text, split
lists on commas, float() numbers, blank means null.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from api.resources.models.service import DETAIL_FIELDS
from seed.slugs import assign_unique_slugs
from tests.conftest import SEED_DIR

SOURCE = SEED_DIR / "epoch_notable_ai_models.csv"

TEXT = {
    "Model": "name",
    "Confidence": "confidence",
    "Model accessibility": "model_accessibility",
    "Training code accessibility": "training_code_accessibility",
    "Inference code accessibility": "inference_code_accessibility",
    "Numerical format": "numerical_format",
    "Base model": "base_model",
    "Training dataset": "training_dataset",
    "Link": "link",
    "Reference": "reference",
    "Authors": "authors",
    "Abstract": "abstract",
    "Parameters notes": "parameters_notes",
    "Training compute notes": "training_compute_notes",
    "Dataset size notes": "dataset_size_notes",
    "Notability criteria notes": "notability_criteria_notes",
    "Training time notes": "training_time_notes",
    "Compute cost notes": "compute_cost_notes",
    "Finetune compute notes": "finetune_compute_notes",
    "Batch size notes": "batch_size_notes",
    "Accessibility notes": "accessibility_notes",
}
NUMBERS = {
    "Parameters": "parameters",
    "Training compute (FLOP)": "training_compute_flop",
    "Training dataset size (gradients)": "training_dataset_size",
    "Epochs": "epochs",
    "Training time (hours)": "training_time_hours",
    "Hardware quantity": "hardware_quantity",
    "Hardware utilization (MFU)": "hardware_utilization_mfu",
    "Hardware utilization (HFU)": "hardware_utilization_hfu",
    "Training compute cost (2023 USD)": "training_compute_cost_2023_usd",
    "Training compute cost (cloud)": "training_compute_cost_cloud_usd",
    "Training compute cost (upfront)": "training_compute_cost_upfront_usd",
    "Hardware acquisition cost": "hardware_acquisition_cost_usd",
    "Training power draw (W)": "training_power_draw_w",
    "Finetune compute (FLOP)": "finetune_compute_flop",
    "Batch size": "batch_size",
    "Citations": "citations",
}
LISTS = {
    "Organization": "organizations",
    "Country (of organization)": "countries",
    "Organization categorization": "organization_categories",
    "Domain": "domains",
    "Task": "tasks",
    "Notability criteria": "notability_criteria",
    "Training hardware": "training_hardware",
}
OTHER = {"Publication date": "publication_date", "Frontier model": "frontier"}


def expected_record(row: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    record: dict[str, Any] = {}
    unparsed = []
    for column, field in TEXT.items():
        record[field] = row[column].strip() or None
    for column, field in NUMBERS.items():
        cell = row[column].strip()
        try:
            record[field] = float(cell) if cell else None
        except ValueError:
            record[field] = None
            unparsed.append({"field": field, "source_column": column, "source_text": cell})
    for column, field in LISTS.items():
        record[field] = [part.strip() for part in row[column].split(",") if part.strip()]
    record["publication_date"] = dt.date.fromisoformat(row["Publication date"]).isoformat()
    record["frontier"] = row["Frontier model"].strip() == "True"
    return record, unparsed


def test_the_map_covers_every_source_column() -> None:
    with SOURCE.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert sorted(header) == sorted({**TEXT, **NUMBERS, **LISTS, **OTHER})
    assert len(header) == 46


def test_every_row_and_value_reaches_the_api(client: TestClient) -> None:
    with SOURCE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 976
    slugs = assign_unique_slugs((r["Model"].strip(), r["Publication date"]) for r in rows)

    served: dict[str, dict[str, Any]] = {}
    url: str | None = f"/v1/models?limit=500&fields={','.join(DETAIL_FIELDS)}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        served.update({item["slug"]: item for item in body["items"]})
        cursor = body["next_cursor"]
        url = (
            f"/v1/models?limit=500&fields={','.join(DETAIL_FIELDS)}&cursor={cursor}"
            if cursor
            else None
        )
    assert len(served) == 976

    checked_values = 0
    for row in rows:
        expected, unparsed = expected_record(row)
        item = served[slugs[row["Model"].strip()]]
        for field, value in expected.items():
            assert item[field] == value, (row["Model"], field, item[field], value)
            checked_values += 1
        assert [
            {k: v[k] for k in ("field", "source_column", "source_text")}
            for v in item["unparsed_values"]
        ] == unparsed
    assert checked_values == 976 * 46


def test_detail_serves_the_same_values_as_the_list(client: TestClient) -> None:
    listed = client.get(f"/v1/models?q=alexnet&fields={','.join(DETAIL_FIELDS)}").json()["items"]
    assert len(listed) >= 1
    detail = client.get(f"/v1/models/{listed[0]['slug']}").json()
    detail.pop("meta")
    assert detail == listed[0]
