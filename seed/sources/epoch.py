"""Epoch AI's "Notable AI Models" CSV: column map, row validation, parsed records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from pydantic import BaseModel, ConfigDict, create_model

from api.tables import MAX_SLUG_LENGTH, MULTI_VALUED_FIELDS, MLModel, Organization
from seed import cells
from seed.errors import AmbiguousCellError, CellError, SeedIssue
from seed.slugs import assign_unique_slugs
from seed.sources.csv_rows import Cell, CsvSyntaxError, read_rows
from seed.sources.headers import HeaderReport, map_header
from seed.sources.text import (
    SourceText,
    column_length,
    describe_character,
    read_source_text,
    refused_character,
)

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
    """A source column and the API field it becomes; ``aliases`` are its other spellings
    in Epoch AI's exports over time (an export has one of them)."""

    source: str
    field: str
    parse: Callable[[str], Any]
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every name the column has had, today's first."""
        return (self.source, *self.aliases)


SCALAR_COLUMNS: tuple[Column, ...] = (
    Column("Model", "name", cells.parse_text),
    Column("Publication date", "publication_date", cells.parse_optional_date),
    Column("Parameters", "parameters", cells.parse_number),
    Column("Training compute (FLOP)", "training_compute_flop", cells.parse_number),
    Column(
        "Training dataset size (gradients)",
        "training_dataset_size",
        cells.parse_number,
        ("Training dataset size (datapoints)", "Training dataset size (total)"),
    ),
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
# Columns an export cannot do without: the name, the date and what the statistics read.
# Any other known column may be missing from an import (its field is then null).
REQUIRED_COLUMNS = frozenset(
    {
        "Model",
        "Publication date",
        "Organization",
        "Domain",
        "Parameters",
        "Training compute (FLOP)",
        "Training dataset size (gradients)",
    }
)
# What an absent column's field holds: unknown, no items, flag not set.
_ABSENT = {column.field: column.parse("") for column in ALL_COLUMNS}
UNDATED_TIEBREAK = "9999-12-31"


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
    return {
        **table,
        **lists,
        "unparsed_values": (list[UnparsedValue], ...),
        "extra_values": (dict[str, str], ...),
    }


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
    def publication_date(self) -> dt.date | None: ...
    @property
    def unparsed_values(self) -> list[UnparsedValue]: ...
    @property
    def extra_values(self) -> dict[str, str]: ...


def slug_tiebreak(record: ModelRecord) -> str:
    """What orders models whose names give one slug: the date, undated models last."""
    date = record.publication_date
    return date.isoformat() if date is not None else UNDATED_TIEBREAK


# A text column without a length is free text (see seed/sources/text.py for what it may hold).
_FREE_TEXT = frozenset(
    column.field
    for column in SCALAR_COLUMNS
    if column.parse is cells.parse_text and column_length(MLModel, column.field) is None
)
_MAX_TERM_LENGTH = column_length(Organization, "name")  # every term table is a TermBase
# The longest string a field (or each item of a list field) may hold.
_MAX_LENGTH = {column.field: column_length(MLModel, column.field) for column in SCALAR_COLUMNS} | {
    column.field: _MAX_TERM_LENGTH for column in LIST_COLUMNS
}
_MAX_TERM_SLUG_LENGTH = column_length(Organization, "slug")
_Where = tuple[int, int]  # (line, character) of a cell


def read_epoch_csv(path: Path) -> tuple[list[ModelRecord], list[SeedIssue]]:
    """Parse and validate every row of the committed snapshot; return the records and
    every problem found. Its header holds each known column once (any spelling)."""
    records, issues, _ = read_epoch_export(path, lenient=False)
    return records, issues


def read_epoch_export(
    path: Path, *, lenient: bool = True
) -> tuple[list[ModelRecord], list[SeedIssue], HeaderReport | None]:
    """Parse and validate every row of an export; ``lenient``: unknown columns are kept
    (``extra_values``) and optional known columns may be missing."""
    text, unreadable = read_source_text(path)
    if text is None:
        return [], [unreadable] if unreadable else [], None
    try:
        rows = list(read_rows(text.content))
    except CsvSyntaxError as exc:
        return [], [text.issue(exc.offset, None, f"unreadable CSV: {exc.reason}")], None
    header = [cell.value.strip() for cell in rows[0]] if rows else []
    index, report, problem = map_header(header, ALL_COLUMNS, REQUIRED_COLUMNS, lenient=lenient)
    if problem is not None:
        return [], [SeedIssue(path.name, 1, None, problem, 1)], report
    issues: list[SeedIssue] = []
    records: list[ModelRecord] = []
    names: dict[str, _Where] = {}
    terms: dict[str, dict[str, _Where]] = {column.field: {} for column in LIST_COLUMNS}
    extras = {position: name for position, name in enumerate(header) if name in report.added}
    for row in rows[1:]:
        record = _parse_row(row, index, extras, text, issues)
        if record is not None:
            records.append(record)
            names[record.name] = text.position(row[index["name"]].start)
            for column in LIST_COLUMNS:
                if column.field not in index:
                    continue
                where = text.position(row[index[column.field]].start)
                for term in getattr(record, column.field):
                    terms[column.field].setdefault(term, where)
    _check_names(path.name, records, names, issues)
    for column in LIST_COLUMNS:
        _check_term_slugs(path.name, column.source, terms[column.field], issues)
    issues.sort(key=lambda issue: (issue.line or 0, issue.char or 0))
    return records, issues, report


def _parse_row(
    row: list[Cell],
    index: dict[str, int],
    extras: dict[int, str],
    text: SourceText,
    issues: list[SeedIssue],
) -> ModelRecord | None:
    line = text.position(row[0].start)[0]
    width = len(index) + len(extras)
    if len(row) > width:
        issues.append(text.issue(row[width].start, None, "more cells than header columns"))
        return None
    values: dict[str, Any] = {"source_line": line, "unparsed_values": [], "extra_values": {}}
    ok = True
    for position, name in extras.items():
        if position < len(row) and (kept := row[position].value.strip()):
            if refused_character(kept, free_text=True) is not None:
                issues.append(text.issue(row[position].start, name, "a refused character"))
                ok = False
            values["extra_values"][name] = kept
    for column in ALL_COLUMNS:
        if column.field not in index:
            values[column.field] = _ABSENT[column.field]
            continue
        position = index[column.field]
        if position >= len(row):
            issues.append(text.issue(row[-1].end, column.source, "missing cell"))
            ok = False
            continue
        cell = row[position]
        try:
            values[column.field] = _parse_cell(column, cell, text)
        except AmbiguousCellError as exc:
            values[column.field] = None
            values["unparsed_values"].append(
                UnparsedValue(
                    field=column.field,
                    source_column=column.source,
                    source_text=cell.value.strip(),
                    reason=str(exc),
                )
            )
        except _CharacterError as exc:
            issues.append(text.issue(exc.offset, column.source, str(exc)))
            ok = False
        except CellError as exc:
            issues.append(text.issue(cell.start, column.source, str(exc)))
            ok = False
    if ok and values["name"] is None:
        issues.append(text.issue(row[index["name"]].start, "Model", "model name is required"))
        ok = False
    return cast(ModelRecord, EpochModelRecord(**values)) if ok else None


class _CharacterError(CellError):
    """A refused cell whose problem is at ``offset`` of the file's text, not its start."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset


def _parse_cell(column: Column, cell: Cell, text: SourceText) -> Any:
    free_text = column.field in _FREE_TEXT
    if refused_character(cell.value, free_text=free_text) is not None:
        # Only what is kept counts: the cell's text between its quotes, trimmed.
        quote = 1 if text.content.startswith('"', cell.start) else 0
        inner = text.content[cell.start + quote : cell.end - quote]
        lead = len(inner) - len(inner.lstrip())
        kept = inner[lead:].rstrip()
        refused = refused_character(kept, free_text=free_text)
        if refused is not None:
            offset = cell.start + quote + lead + refused
            raise _CharacterError(offset, describe_character(kept[refused]))
    value = column.parse(cell.value)
    limit = _MAX_LENGTH[column.field]
    for item in value if isinstance(value, list) else [value]:
        if limit is not None and isinstance(item, str) and len(item) > limit:
            raise CellError(f"{len(item)} characters, longer than the limit of {limit}")
    return value


def _check_names(
    file: str, records: list[ModelRecord], names: dict[str, _Where], issues: list[SeedIssue]
) -> None:
    """Names unique ignoring case; slugs within the model route's limit."""
    seen: dict[str, ModelRecord] = {}
    for record in records:
        first = seen.setdefault(record.name.casefold(), record)
        if first is not record:
            line, char = names[record.name]
            same = "" if first.name == record.name else f" as {first.name!r}; case is ignored"
            reason = (
                f"duplicate model name {record.name!r} (first at line {first.source_line}{same})"
            )
            issues.append(SeedIssue(file, line, "Model", reason, char))
    slugs = assign_unique_slugs((r.name, slug_tiebreak(r)) for r in records)
    for name, slug in slugs.items():
        if len(slug) > MAX_SLUG_LENGTH:
            line, char = names[name]
            reason = (
                f"the name's slug has {len(slug)} characters, longer than the limit of "
                f"{MAX_SLUG_LENGTH} (GET /v1/models/{{slug}}): shorten the name"
            )
            issues.append(SeedIssue(file, line, "Model", reason, char))


def _check_term_slugs(
    file: str, source: str, terms: dict[str, _Where], issues: list[SeedIssue]
) -> None:
    if _MAX_TERM_SLUG_LENGTH is None:
        return
    for name, slug in assign_unique_slugs((name, "") for name in sorted(terms)).items():
        if len(slug) > _MAX_TERM_SLUG_LENGTH:
            line, char = terms[name]
            reason = f"the slug of {name[:40]!r}... is longer than {_MAX_TERM_SLUG_LENGTH}"
            issues.append(SeedIssue(file, line, source, reason, char))
