"""Curated eras and milestones (TOML): record schemas and validation."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from api.tables import MilestoneCategory
from seed.errors import SeedIssue

ERAS_FILE = "eras.toml"
MILESTONES_FILE = "milestones.toml"

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Reference(BaseModel):
    """A paper or announcement: a title and at least one of DOI, arXiv id, URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    arxiv: str | None = Field(default=None, pattern=r"^(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})(v\d+)?$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")

    @model_validator(mode="after")
    def _has_locator(self) -> Reference:
        if not (self.doi or self.arxiv or self.url):
            raise ValueError("a reference needs a doi, an arxiv id or a url")
        return self


class EraRecord(BaseModel):
    """One era of ``eras.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
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

    slug: str = Field(pattern=SLUG)
    date: dt.date
    date_precision: Literal["year", "month", "day"]
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(min_length=1)
    category: MilestoneCategory
    tags: list[str] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    era: str = Field(pattern=SLUG)
    facts: dict[str, float] = Field(default_factory=dict)
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


def _header_lines(text: str, header: str) -> list[int]:
    """Line numbers of each ``[[header]]`` table, to locate records in error reports."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == f"[[{header}]]"]


def _read_table(path: Path, key: str, record: type[BaseModel]) -> tuple[list[Any], list[SeedIssue]]:
    if not path.exists():
        return [], [SeedIssue(path.name, None, None, "file not found")]
    text = path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [
            SeedIssue(path.name, getattr(exc, "lineno", None), None, f"invalid TOML: {exc}")
        ]
    unknown = set(document) - {key}
    if unknown:
        return [], [SeedIssue(path.name, 1, None, f"unexpected top-level keys {sorted(unknown)}")]
    lines = _header_lines(text, key)
    records: list[Any] = []
    issues: list[SeedIssue] = []
    for index, raw in enumerate(document.get(key, [])):
        line = lines[index] if index < len(lines) else None
        try:
            records.append((line, record.model_validate(raw)))
        except ValidationError as exc:
            for error in exc.errors():
                column = ".".join(str(part) for part in error["loc"]) or None
                issues.append(SeedIssue(path.name, line, column, error["msg"]))
    return records, issues


def read_eras(path: Path) -> tuple[list[tuple[int | None, EraRecord]], list[SeedIssue]]:
    """Parse and validate eras; they must tile time without gaps or overlaps."""
    eras, issues = _read_table(path, "era", EraRecord)
    ordered = sorted(eras, key=lambda item: item[1].start_date)
    if eras != ordered:
        issues.append(SeedIssue(path.name, None, "start_date", "eras must be listed in date order"))
    for (_, before), (line, after) in itertools.pairwise(ordered):
        if before.end_date != after.start_date:
            reason = (
                f"era starts {after.start_date}, previous ends {before.end_date}: gap or overlap"
            )
            issues.append(SeedIssue(path.name, line, "start_date", reason))
    _unique(path.name, [(line, era.slug) for line, era in eras], issues)
    return eras, issues


def read_milestones(
    path: Path, eras: list[EraRecord], model_slugs: set[str] | None
) -> tuple[list[tuple[int | None, MilestoneRecord]], list[SeedIssue]]:
    """Parse and validate milestones against the eras and (unless None) the model slugs."""
    milestones, issues = _read_table(path, "milestone", MilestoneRecord)
    eras_by_slug = {era.slug: era for era in eras}
    for line, milestone in milestones:
        era = eras_by_slug.get(milestone.era)
        if era is None:
            issues.append(SeedIssue(path.name, line, "era", f"unknown era {milestone.era!r}"))
        elif not era.contains(milestone.date):
            reason = f"date {milestone.date} is outside era {era.slug!r}"
            issues.append(SeedIssue(path.name, line, "era", reason))
        for slug in milestone.models:
            if model_slugs is not None and slug not in model_slugs:
                reason = f"no model with slug {slug!r} in the models data"
                issues.append(SeedIssue(path.name, line, "models", reason))
        if len(set(milestone.models)) != len(milestone.models):
            issues.append(SeedIssue(path.name, line, "models", "a model is linked twice"))
    _unique(path.name, [(line, m.slug) for line, m in milestones], issues)
    return milestones, issues


def _unique(file: str, slugs: list[tuple[int | None, str]], issues: list[SeedIssue]) -> None:
    seen: set[str] = set()
    for line, slug in slugs:
        if slug in seen:
            issues.append(SeedIssue(file, line, "slug", f"duplicate slug {slug!r}"))
        seen.add(slug)
