"""Response schema of ``/v1/meta``: sources, data version and the field dictionary."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.listing.schemas import MetaInfo


class VersionKind(StrEnum):
    """What made a data version."""

    seed = "seed"
    imported = "import"


class SourceInfo(BaseModel):
    """One seeded data file."""

    key: str = Field(description="Stable key of the source.", examples=["epoch-notable-ai-models"])
    title: str = Field(description="Title of the data set.")
    file_name: str = Field(description="File it was loaded from (seed/data/ or an import).")
    url: str | None = Field(description="Where the data set is published; null for our own.")
    license: str = Field(description="Licence of the data.", examples=["CC BY 4.0"])
    attribution: str = Field(description="Attribution text the licence requires.")
    snapshot_date: dt.date | None = Field(description="Date the snapshot was taken (ISO 8601).")
    sha256: str = Field(description="SHA-256 checksum of the file, hex.")
    row_count: int = Field(description="Rows loaded from the file.")
    imported_at: dt.datetime | None = Field(
        default=None, description="When `dle import` loaded it (RFC 3339, UTC); null: seeded."
    )
    source_url: str | None = Field(
        default=None, description="Where the imported file was downloaded, if given."
    )


class FieldInfo(BaseModel):
    """One field of a resource, as the OpenAPI document defines it."""

    name: str = Field(description="Field name in JSON (and CSV header).", examples=["parameters"])
    type: str = Field(
        description="JSON type: string, number, integer, boolean, date, date-time, object, "
        "a schema name, or array<...> of those.",
        examples=["number"],
    )
    nullable: bool = Field(description="Whether the value may be null (unknown).")
    unit: str | None = Field(
        description="Unit of a quantity (from the schema's x-unit or the field name); "
        "null when the field has none.",
        examples=["FLOP"],
    )
    description: str | None = Field(description="What the field holds.")
    enum: list[str] | None = Field(default=None, description="Allowed values, if restricted.")


class ResourceInfo(BaseModel):
    """A resource: a schema served by the API, with its fields."""

    name: str = Field(
        description="Schema name in the OpenAPI document.", examples=["MLModelPublic"]
    )
    description: str | None = Field(description="What one item is.")
    endpoints: list[str] = Field(
        description="Operations returning it as the body or as the items of a list; "
        "empty for a schema only nested inside others.",
        examples=[["GET /v1/models/{slug}"]],
    )
    fields: list[FieldInfo] = Field(description="Every field, in schema order.")


class MetaResponse(BaseModel):
    """What the service serves, where it comes from, and what every field means."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "api_version": "0.1.0",
                "data_version": "9263a284ef5e",
                "loaded_at": "2026-01-27T10:00:00+00:00",
                "license": "CC BY 4.0",
                "attribution": "Data: Epoch AI, 'Data on Notable AI Models', "
                "https://epoch.ai/data/notable-ai-models, CC BY 4.0",
                "sources": [
                    {
                        "key": "epoch-notable-ai-models",
                        "title": "Data on Notable AI Models",
                        "file_name": "epoch_notable_ai_models.csv",
                        "url": "https://epoch.ai/data/notable-ai-models",
                        "license": "CC BY 4.0",
                        "attribution": "Data: Epoch AI, ...",
                        "snapshot_date": "2026-01-26",
                        "sha256": "365f2fcc...",
                        "row_count": 976,
                    }
                ],
                "resources": [
                    {
                        "name": "MLModelPublic",
                        "description": "A notable ML model with every field of the source.",
                        "endpoints": ["GET /v1/models/{slug}"],
                        "fields": [
                            {
                                "name": "training_compute_flop",
                                "type": "number",
                                "nullable": True,
                                "unit": "FLOP",
                                "description": "Training compute in FLOP.",
                            }
                        ],
                    }
                ],
                "meta": {
                    "data_version": "9263a284ef5e",
                    "license": "CC BY 4.0",
                    "attribution": "...",
                },
            }
        }
    )

    api_version: str = Field(description="Version of this service.")
    data_version: str = Field(description="Short hash of the seeded data; part of every ETag.")
    loaded_at: dt.datetime = Field(
        description="When the current data was seeded: RFC 3339, in UTC (`+00:00`)."
    )
    license: str = Field(description="Licence(s) of the data served.")
    attribution: str = Field(description="Attribution the licences require.")
    sources: list[SourceInfo] = Field(description="The seeded data files.")
    resources: list[ResourceInfo] = Field(description="The field dictionary, by resource.")
    meta: MetaInfo


class VersionSummary(BaseModel):
    """One seed or import that changed the data."""

    id: int = Field(description="Sequence number of the load: 1 for the first.", examples=[2])
    data_version: str = Field(
        description="Short hash of the loaded files; `version=` on the trend endpoints.",
        examples=["9263a284ef5e"],
    )
    kind: VersionKind = Field(description="`seed` (the committed snapshot) or `import`.")
    loaded_at: dt.datetime = Field(description="When it was loaded: RFC 3339, in UTC.")
    file_name: str = Field(description="The models file it loaded.")
    sha256: str = Field(description="SHA-256 of that file, hex.")
    row_count: int = Field(description="Models in that file.")
    source_url: str | None = Field(
        default=None, description="Where an imported file was downloaded, if given."
    )
    previous_version: str | None = Field(default=None, description="The data version it replaced.")
    snapshot_sha256: str = Field(
        description="SHA-256 of the version's snapshot (the rows the trend statistics read)."
    )
    counts: dict[str, int] = Field(description="Records written, by kind.")


class VersionRename(BaseModel):
    """A model a newer export renamed: its former slug redirects to the new one."""

    from_: str = Field(alias="from", description="The former slug.")
    to: str = Field(description="The slug now.")


class FieldChange(BaseModel):
    """A field's value before and after."""

    old: Any = Field(description="The value in the previous version (null: unknown).")
    new: Any = Field(description="The value in this version (null: unknown).")


class ModelChange(BaseModel):
    """The fields of one model that changed."""

    slug: str
    fields: dict[str, FieldChange]


class ColumnChanges(BaseModel):
    """How an imported file's columns differ from the known ones."""

    renamed: dict[str, str] = Field(default_factory=dict, description="Spelling -> known name.")
    added: list[str] = Field(default_factory=list, description="Unknown columns, kept as extra.")
    missing: list[str] = Field(default_factory=list, description="Absent optional columns.")


class VersionDiff(BaseModel):
    """What changed against the previous version."""

    added: list[str] = Field(description="Slugs of new models.")
    removed: list[str] = Field(description="Slugs of models gone.")
    renamed: list[VersionRename]
    changed: list[ModelChange]
    columns: ColumnChanges


class VersionsResponse(BaseModel):
    """Every data version, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "items": [
                    {
                        "id": 1,
                        "data_version": "9263a284ef5e",
                        "kind": "seed",
                        "loaded_at": "2026-01-27T10:00:00+00:00",
                        "file_name": "epoch_notable_ai_models.csv",
                        "sha256": "365f2fcc...",
                        "row_count": 976,
                        "source_url": None,
                        "previous_version": None,
                        "snapshot_sha256": "0b1c...",
                        "counts": {"models": 976},
                    }
                ],
                "current": "9263a284ef5e",
                "meta": {
                    "data_version": "9263a284ef5e",
                    "license": "CC BY 4.0",
                    "attribution": "...",
                },
            }
        }
    )

    items: list[VersionSummary]
    current: str = Field(description="The data version served now.")
    meta: MetaInfo


class VersionResponse(VersionSummary):
    """One data version with its diff against the previous one."""

    diff: VersionDiff
    meta: MetaInfo
