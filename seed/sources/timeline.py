"""Curated eras and milestones (TOML): record schemas and validation."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from api.tables import (
    MAX_ERA_SLUG_LENGTH,
    MAX_MILESTONE_SLUG_LENGTH,
    Era,
    EraReference,
    Milestone,
    MilestoneCategory,
    MilestoneFact,
    MilestoneOrganization,
    MilestonePerson,
    MilestoneTag,
)
from seed.errors import SeedIssue
from seed.sources.text import (
    SourceText,
    column_length,
    describe_character,
    read_source_text,
    refused_character,
)
from seed.sources.toml_positions import FieldPath, TablePosition, table_positions

ERAS_FILE = "eras.toml"
MILESTONES_FILE = "milestones.toml"

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Free text: may hold tab, newline and carriage return (seed/sources/text.py).
FREE_TEXT_FIELDS = frozenset({"summary", "boundary_source"})

# Every string fits its column: PostgreSQL refuses longer ones, SQLite would keep them.
TagText = Annotated[str, Field(max_length=column_length(MilestoneTag, "tag"))]
OrganizationText = Annotated[str, Field(max_length=column_length(MilestoneOrganization, "name"))]
PersonText = Annotated[str, Field(max_length=column_length(MilestonePerson, "name"))]
FactKey = Annotated[str, Field(max_length=column_length(MilestoneFact, "key"))]
# NaN and infinities: PostgreSQL would store them, SQLite turns NaN into NULL.
FactValue = Annotated[float, Field(allow_inf_nan=False)]


class Reference(BaseModel):
    """A paper or announcement: a title and at least one of DOI, arXiv id, URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    doi: str | None = Field(
        default=None, pattern=r"^10\.\d{4,9}/\S+$", max_length=column_length(EraReference, "doi")
    )
    arxiv: str | None = Field(
        default=None,
        pattern=r"^(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})(v\d+)?$",
        max_length=column_length(EraReference, "arxiv"),
    )
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")

    @model_validator(mode="after")
    def _has_locator(self) -> Reference:
        if not (self.doi or self.arxiv or self.url):
            raise ValueError("a reference needs a doi, an arxiv id or a url")
        return self


class EraRecord(BaseModel):
    """One era of ``eras.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG, max_length=MAX_ERA_SLUG_LENGTH)
    name: str = Field(min_length=1, max_length=column_length(Era, "name"))
    start_date: dt.date
    end_date: dt.date | None = None
    summary: str = Field(min_length=1)
    boundary_source: str = Field(min_length=1)
    references: list[Reference] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> EraRecord:
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        return self

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in [start_date, end_date)."""
        return self.start_date <= day and (self.end_date is None or day < self.end_date)


class MilestoneRecord(BaseModel):
    """One milestone of ``milestones.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG, max_length=MAX_MILESTONE_SLUG_LENGTH)
    date: dt.date
    date_precision: Literal["year", "month", "day"]
    title: str = Field(min_length=1, max_length=column_length(Milestone, "title"))
    summary: str = Field(min_length=1)
    category: MilestoneCategory
    tags: list[TagText] = Field(default_factory=list)
    organizations: list[OrganizationText] = Field(default_factory=list)
    people: list[PersonText] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    era: str = Field(pattern=SLUG)
    facts: dict[FactKey, FactValue] = Field(default_factory=dict)
    references: list[Reference] = Field(min_length=1)

    @field_validator("tags")
    @classmethod
    def _tags_are_slugs(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not re.match(SLUG, tag):
                raise ValueError(f"tag {tag!r} is not lowercase-hyphenated")
        if len(set(tags)) != len(tags):
            raise ValueError("tags repeat")
        return tags

    @field_validator("facts")
    @classmethod
    def _fact_keys(cls, facts: dict[str, float]) -> dict[str, float]:
        for key in facts:
            if not re.match(r"^[a-z][a-z0-9_]*$", key):
                raise ValueError(f"fact key {key!r} is not snake_case")
        return facts

    @model_validator(mode="after")
    def _precision_matches_date(self) -> MilestoneRecord:
        if self.date_precision == "year" and (self.date.month, self.date.day) != (1, 1):
            raise ValueError("a date of year precision is written YYYY-01-01")
        if self.date_precision == "month" and self.date.day != 1:
            raise ValueError("a date of month precision is written YYYY-MM-01")
        return self


Located = tuple[TablePosition | None, Any]


def _read_table(path: Path, key: str, record: type[BaseModel]) -> tuple[list[Any], list[SeedIssue]]:
    """Each valid ``[[key]]`` table as (its position, its record), and every problem."""
    text, unreadable = read_source_text(path)
    if text is None:
        return [], [unreadable] if unreadable else []
    try:
        document = tomllib.loads(text.content)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, char = (int(at[1]), int(at[2])) if at else (None, None)
        return [], [SeedIssue(path.name, line, None, f"invalid TOML: {exc}", char)]
    unknown = set(document) - {key}
    if unknown:
        return [], [SeedIssue(path.name, 1, None, f"unexpected top-level keys {sorted(unknown)}")]
    if key not in document:
        # An empty or truncated file is not an empty list: that is written explicitly.
        reason = f"no [[{key}]] table; write `{key} = []` for none"
        return [], [SeedIssue(path.name, 1, None, reason, 1)]
    positions = table_positions(text, key)
    records: list[Located] = []
    issues: list[SeedIssue] = []
    for index, raw in enumerate(document[key]):
        where = positions[index] if index < len(positions) else None
        before = len(issues)
        _check_values(raw, (), where, text, issues)
        try:
            validated = record.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                issues.append(_at(where, path.name, tuple(error["loc"]), error["msg"]))
            continue
        if len(issues) == before:
            records.append((where, validated))
    return records, issues


def _check_values(
    value: object,
    path: FieldPath,
    where: TablePosition | None,
    text: SourceText,
    issues: list[SeedIssue],
) -> None:
    """Refuse characters a column may not hold (seed/sources/text.py) and integers
    beyond 64 bits (TOML's range, which ``tomllib`` does not enforce)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_values(item, (*path, key), where, text, issues)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, (*path, index), where, text, issues)
    elif isinstance(value, int) and not -(2**63) <= value < 2**63:
        reason = "integer outside the 64-bit range of TOML (write a float such as 1e30)"
        issues.append(_at(where, text.name, path, reason))
    elif isinstance(value, str):
        refused = refused_character(value, free_text=path[-1] in FREE_TEXT_FIELDS)
        if refused is not None:
            issues.append(_at(where, text.name, path, describe_character(value[refused])))


def _at(
    where: TablePosition | None, file: str, path: FieldPath, reason: str, column: str = ""
) -> SeedIssue:
    """An issue at the value of ``path``; its column is the path unless named."""
    column = column or ".".join(str(part) for part in path)
    if where is None:
        return SeedIssue(file, None, column or None, reason)
    return where.issue(path, reason, column or None)


def read_eras(path: Path) -> tuple[list[Located], list[SeedIssue]]:
    """Parse and validate eras; they must tile time without gaps or overlaps."""
    eras, issues = _read_table(path, "era", EraRecord)
    ordered = sorted(eras, key=lambda item: item[1].start_date)
    if [era for _, era in eras] != [era for _, era in ordered]:
        issues.append(SeedIssue(path.name, None, "start_date", "eras must be listed in date order"))
    for (_, before), (where, after) in itertools.pairwise(ordered):
        if before.end_date != after.start_date:
            reason = (
                f"era starts {after.start_date}, previous ends {before.end_date}: gap or overlap"
            )
            issues.append(_at(where, path.name, ("start_date",), reason))
    _unique(path.name, [(where, era.slug) for where, era in eras], issues)
    return eras, issues


def read_milestones(
    path: Path, eras: list[EraRecord], model_slugs: set[str] | None
) -> tuple[list[Located], list[SeedIssue]]:
    """Parse and validate milestones against the eras and (unless None) the model slugs."""
    milestones, issues = _read_table(path, "milestone", MilestoneRecord)
    eras_by_slug = {era.slug: era for era in eras}
    for where, milestone in milestones:
        era = eras_by_slug.get(milestone.era)
        if era is None:
            issues.append(_at(where, path.name, ("era",), f"unknown era {milestone.era!r}"))
        elif not era.contains(milestone.date):
            reason = f"date {milestone.date} is outside era {era.slug!r}"
            issues.append(_at(where, path.name, ("era",), reason))
        for index, slug in enumerate(milestone.models):
            if model_slugs is not None and slug not in model_slugs:
                reason = f"no model with slug {slug!r} in the models data"
                issues.append(_at(where, path.name, ("models", index), reason, "models"))
        if len(set(milestone.models)) != len(milestone.models):
            issues.append(_at(where, path.name, ("models",), "a model is linked twice"))
    _unique(path.name, [(where, m.slug) for where, m in milestones], issues)
    return milestones, issues


def _unique(
    file: str, slugs: list[tuple[TablePosition | None, str]], issues: list[SeedIssue]
) -> None:
    seen: set[str] = set()
    for where, slug in slugs:
        if slug in seen:
            issues.append(_at(where, file, ("slug",), f"duplicate slug {slug!r}"))
        seen.add(slug)
