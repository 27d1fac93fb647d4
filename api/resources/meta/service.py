"""Behind ``/v1/meta``: the seeded sources and a field dictionary of every resource.

The field dictionary is derived from the OpenAPI document (plain data, passed in by
the route), so a new route's response schema appears in it with no change here: every
schema a ``/v1`` GET operation returns (or lists as ``items``) is a resource, and so is
every object schema nested in one. A field's unit is the schema's ``x-unit`` when it
has one, otherwise what its name says by the API's naming conventions (``_flop``,
``_usd``, ``_hours``, ``_date``...), otherwise null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from api.errors import ServiceUnavailableError
from api.provenance import Provenance, as_utc
from api.tables import DataRelease, DataSource

_REF_PREFIX = "#/components/schemas/"
# Units implied by a field name's ending (the API's naming conventions).
_SUFFIX_UNITS = (
    ("_oom_per_year", "orders of magnitude per year"),
    ("_per_year", "factor per year"),
    ("_flop", "FLOP"),
    ("_usd", "US dollars"),
    ("_hours", "hours"),
    ("_months", "months"),
    ("_years", "years"),
    ("_w", "watts"),
    ("_date", "ISO 8601 date"),
    ("_at", "ISO 8601 date-time (UTC)"),
)


def sources(session: Session) -> list[dict[str, Any]]:
    """The seeded data files with licence, attribution, snapshot date, checksum and rows."""
    rows = session.execute(select(DataSource).order_by(col(DataSource.key))).scalars()
    return [
        {
            "key": s.key,
            "title": s.title,
            "file_name": s.file_name,
            "url": s.url,
            "license": s.license,
            "attribution": s.attribution,
            "snapshot_date": s.snapshot_date,
            "sha256": s.sha256,
            "row_count": s.row_count,
            "imported_at": as_utc(s.imported_at) if s.imported_at else None,
            "source_url": s.source_url,
        }
        for s in rows
    ]


def meta_info(
    session: Session, provenance: Provenance, openapi: Mapping[str, Any], api_version: str
) -> dict[str, Any]:
    """The body of ``/v1/meta``."""
    release = session.execute(
        select(DataRelease).where(col(DataRelease.data_version) == provenance.data_version)
    ).scalar_one_or_none()
    if release is None:  # reseeded between the two reads of this request
        raise ServiceUnavailableError("The data changed during the request; try again.")
    return {
        "api_version": api_version,
        "data_version": provenance.data_version,
        "loaded_at": as_utc(release.loaded_at),
        "license": provenance.license,
        "attribution": provenance.attribution,
        "sources": sources(session),
        "resources": field_dictionary(openapi),
        "meta": provenance.as_meta(),
    }


def _ref_name(schema: Mapping[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        return ref[len(_REF_PREFIX) :]
    return None


def _resource_of(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> str | None:
    """The schema a response is about: itself, or its ``items`` when it is a list envelope."""
    name = _ref_name(schema)
    if name is None:
        return None
    properties = schemas.get(name, {}).get("properties", {})
    items = properties.get("items", {})
    if "total" in properties and items.get("type") == "array":
        return _ref_name(items.get("items", {})) or name
    return name


def _unwrap_null(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        others = [o for o in options if o.get("type") != "null"]
        if len(others) == 1:
            return others[0], len(others) < len(options)
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        rest = [t for t in types if t != "null"]
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}, True
    return schema, False


def type_name(schema: Mapping[str, Any]) -> str:
    """A short type for a JSON schema: ``number``, ``date``, ``array<string>``, ``Name``..."""
    schema, _ = _unwrap_null(schema)
    ref = _ref_name(schema)
    if ref is not None:
        return ref
    kind = schema.get("type")
    if kind == "array":
        return f"array<{type_name(schema.get('items', {}))}>"
    if kind == "string" and schema.get("format") in ("date", "date-time"):
        return str(schema["format"])
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object<{type_name(schema['additionalProperties'])}>"
    if isinstance(kind, str):
        return kind
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return " | ".join(type_name(o) for o in options)
    return "any"


def unit_of(name: str, schema: Mapping[str, Any]) -> str | None:
    """The unit of a field: ``x-unit``, else the one its name implies, else None."""
    explicit = schema.get("x-unit")
    if isinstance(explicit, str):
        return explicit
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    return None


def _nested_refs(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, Mapping):
        name = _ref_name(schema)
        if name is not None:
            found.add(name)
        for value in schema.values():
            found |= _nested_refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _nested_refs(value)
    return found


def _fields(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, prop in schema.get("properties", {}).items():
        inner, nullable = _unwrap_null(prop)
        ref = _ref_name(inner)
        target = schemas.get(ref, {}) if ref else inner
        enum = target.get("enum")
        out.append(
            {
                "name": name,
                "type": type_name(prop),
                "nullable": nullable,
                "unit": unit_of(name, prop) or unit_of(name, inner),
                "description": prop.get("description") or inner.get("description"),
                "enum": [str(v) for v in enum] if isinstance(enum, list) else None,
            }
        )
    return out


def field_dictionary(openapi: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every resource served under ``/v1`` and every schema nested in one, with fields."""
    schemas: Mapping[str, Any] = openapi.get("components", {}).get("schemas", {})
    endpoints: dict[str, list[str]] = {}
    for path, operations in openapi.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        operation = operations.get("get")
        if not operation:
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        resource = _resource_of(schema, schemas)
        if resource is not None:
            endpoints.setdefault(resource, []).append(f"GET {path}")

    # Nested schemas, breadth first from the resources, skipping pure enums.
    order = list(endpoints)
    seen = set(order)
    position = 0
    while position < len(order):
        for name in sorted(_nested_refs(schemas.get(order[position], {}))):
            if name not in seen and "properties" in schemas.get(name, {}):
                seen.add(name)
                order.append(name)
        position += 1

    return [
        {
            "name": name,
            "description": schemas.get(name, {}).get("description"),
            "endpoints": endpoints.get(name, []),
            "fields": _fields(schemas.get(name, {}), schemas),
        }
        for name in order
        if "properties" in schemas.get(name, {})
    ]
