"""Epoch AI's "Notable AI Models" CSV: column map, row validation, parsed records."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from pydantic import BaseModel, ConfigDict, create_model

from api.tables import MULTI_VALUED_FIELDS, MLModel
from seed import cells
from seed.errors import AmbiguousCellError, CellError, SeedIssue

FILE_NAME = "epoch_notable_ai_models.csv"
SOURCE_KEY = "epoch-notable-ai-models"
SOURCE_TITLE = "Data on Notable AI Models"
SOURCE_URL = "https://epoch.ai/data/notable-ai-models"
SOURCE_LICENSE = "CC BY 4.0"
SOURCE_SNAPSHOT_DATE = dt.date(2026, 1, 26)
ATTRIBUTION = (
    "Data: Epoch AI, 'Data on Notable AI Models', "
    "https://epoch.ai/data/notable-ai-models, CC BY 4.0"
)

CONFIDENCE_LEVELS = frozenset({"Confident", "Likely", "Speculative", "Unknown"})


def _confidence(cell: str) -> str | None:
    return cells.parse_choice(cell, CONFIDENCE_LEVELS)


@dataclass(frozen=True)
class Column:
    """A source column and the API field it becomes."""

    source: str
    field: str
    parse: Callable[[str], Any]


SCALAR_COLUMNS: tuple[Column, ...] = (
    Column("Model", "name", cells.parse_text),
    Column("Publication date", "publication_date", cells.parse_date),
    Column("Parameters", "parameters", cells.parse_number),
    Column("Training compute (FLOP)", "training_compute_flop", cells.parse_number),
    Column("Training dataset size (gradients)", "training_dataset_size", cells.parse_number),
    Column("Epochs", "epochs", cells.parse_number),
    Column("Training time (hours)", "training_time_hours", cells.parse_number),
    Column("Hardware quantity", "hardware_quantity", cells.parse_number),
    Column("Hardware utilization (MFU)", "hardware_utilization_mfu", cells.parse_number),
    Column("Hardware utilization (HFU)", "hardware_utilization_hfu", cells.parse_number),
    Column(
        "Training compute cost (2023 USD)", "training_compute_cost_2023_usd", cells.parse_number
    ),
    Column("Training compute cost (cloud)", "training_compute_cost_cloud_usd", cells.parse_number),
    Column(
        "Training compute cost (upfront)", "training_compute_cost_upfront_usd", cells.parse_number
    ),
    Column("Hardware acquisition cost", "hardware_acquisition_cost_usd", cells.parse_number),
    Column("Training power draw (W)", "training_power_draw_w", cells.parse_number),
    Column("Finetune compute (FLOP)", "finetune_compute_flop", cells.parse_number),
    Column("Batch size", "batch_size", cells.parse_number),
    Column("Citations", "citations", cells.parse_number),
    Column("Confidence", "confidence", _confidence),
    Column("Frontier model", "frontier_model", cells.parse_flag),
    Column("Model accessibility", "model_accessibility", cells.parse_text),
    Column("Training code accessibility", "training_code_accessibility", cells.parse_text),
    Column("Inference code accessibility", "inference_code_accessibility", cells.parse_text),
    Column("Numerical format", "numerical_format", cells.parse_text),
    Column("Base model", "base_model", cells.parse_text),
    Column("Training dataset", "training_dataset", cells.parse_text),
    Column("Link", "link", cells.parse_text),
    Column("Reference", "reference", cells.parse_text),
    Column("Authors", "authors", cells.parse_text),
    Column("Abstract", "abstract", cells.parse_text),
    Column("Parameters notes", "parameters_notes", cells.parse_text),
    Column("Training compute notes", "training_compute_notes", cells.parse_text),
    Column("Dataset size notes", "dataset_size_notes", cells.parse_text),
    Column("Notability criteria notes", "notability_criteria_notes", cells.parse_text),
    Column("Training time notes", "training_time_notes", cells.parse_text),
    Column("Compute cost notes", "compute_cost_notes", cells.parse_text),
    Column("Finetune compute notes", "finetune_compute_notes", cells.parse_text),
    Column("Batch size notes", "batch_size_notes", cells.parse_text),
    Column("Accessibility notes", "accessibility_notes", cells.parse_text),
)

LIST_COLUMNS: tuple[Column, ...] = (
    Column("Organization", "organizations", cells.parse_list),
    Column("Country (of organization)", "countries", cells.parse_list),
    Column("Organization categorization", "organization_categories", cells.parse_list),
    Column("Domain", "domains", cells.parse_list),
    Column("Task", "tasks", cells.parse_list),
    Column("Notability criteria", "notability_criteria", cells.parse_list),
    Column("Training hardware", "training_hardware", cells.parse_list),
)

ALL_COLUMNS = SCALAR_COLUMNS + LIST_COLUMNS
EXPECTED_HEADER = frozenset(column.source for column in ALL_COLUMNS)


class UnparsedValue(BaseModel):
    """A source cell kept as text because it holds no single value of its column's type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    source_column: str
    source_text: str
    reason: str


def _record_fields() -> dict[str, Any]:
    """The ``ml_model`` table's fields (but the id and slug the writer assigns), the
    multi-valued fields and the cells kept verbatim: all required."""
    table = {
        name: (info.annotation, ...)
        for name, info in MLModel.model_fields.items()
        if name not in ("id", "slug")
    }
    lists = {multi.field: (list[str], ...) for multi in MULTI_VALUED_FIELDS}
    return {**table, **lists, "unparsed_values": (list[UnparsedValue], ...)}


EpochModelRecord: type[BaseModel] = create_model(
    "EpochModelRecord",
    __config__=ConfigDict(extra="forbid", frozen=True),
    __module__=__name__,
    __doc__="One validated row of the source file, with the table's field names.",
    **_record_fields(),
)


class ModelRecord(Protocol):
    """An ``EpochModelRecord`` as the loader reads it: the fields it uses by name."""

    @property
    def source_line(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def publication_date(self) -> dt.date: ...
    @property
    def unparsed_values(self) -> list[UnparsedValue]: ...


def read_epoch_csv(path: Path) -> tuple[list[ModelRecord], list[SeedIssue]]:
    """Parse and validate every row; return the records and every problem found."""
    issues: list[SeedIssue] = []
    records: list[ModelRecord] = []
    file_name = path.name
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, strict=True)
        header = set(reader.fieldnames or ())
        missing = sorted(EXPECTED_HEADER - header)
        unknown = sorted(header - EXPECTED_HEADER)
        if missing or unknown:
            reason = f"header mismatch: missing {missing}, unexpected {unknown}"
            return [], [SeedIssue(file_name, 1, None, reason)]
        row_start = reader.line_num + 1
        try:
            for row in reader:
                record = _parse_row(row, row_start, file_name, issues)
                if record is not None:
                    records.append(record)
                row_start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            issues.append(SeedIssue(file_name, reader.line_num, None, f"unreadable CSV: {exc}"))
    seen: dict[str, int] = {}
    for record in records:
        if record.name in seen:
            reason = f"duplicate model name {record.name!r} (first at line {seen[record.name]})"
            issues.append(SeedIssue(file_name, record.source_line, "Model", reason))
        seen.setdefault(record.name, record.source_line)
    return records, issues


def _parse_row(
    row: dict[str | Any, Any], line: int, file_name: str, issues: list[SeedIssue]
) -> ModelRecord | None:
    if None in row:
        issues.append(SeedIssue(file_name, line, None, "more cells than header columns"))
        return None
    values: dict[str, Any] = {"source_line": line, "unparsed_values": []}
    ok = True
    for column in ALL_COLUMNS:
        cell = row.get(column.source)
        if cell is None:
            issues.append(SeedIssue(file_name, line, column.source, "missing cell"))
            ok = False
            continue
        try:
            values[column.field] = column.parse(cell)
        except AmbiguousCellError as exc:
            values[column.field] = None
            values["unparsed_values"].append(
                UnparsedValue(
                    field=column.field,
                    source_column=column.source,
                    source_text=cell.strip(),
                    reason=str(exc),
                )
            )
        except CellError as exc:
            issues.append(SeedIssue(file_name, line, column.source, str(exc)))
            ok = False
    if ok and values["name"] is None:
        issues.append(SeedIssue(file_name, line, "Model", "model name is required"))
        ok = False
    return cast(ModelRecord, EpochModelRecord(**values)) if ok else None
