"""``/v1/meta``: sources, licences, data version and the field dictionary."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.resources.meta.service import field_dictionary, type_name, unit_of

SEED_DIR = Path(__file__).resolve().parents[3] / "seed" / "data"


def resources(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in body["resources"]}


def test_sources_carry_licence_checksum_and_rows(client: TestClient) -> None:
    body = client.get("/v1/meta").json()
    sources = {s["key"]: s for s in body["sources"]}
    epoch = sources["epoch-notable-ai-models"]
    assert epoch["license"] == "CC BY 4.0"
    assert "Epoch AI" in epoch["attribution"]
    assert epoch["snapshot_date"] == "2026-01-26"
    assert epoch["row_count"] == 976
    for source in sources.values():
        data = (SEED_DIR / source["file_name"]).read_bytes()
        assert source["sha256"] == hashlib.sha256(data).hexdigest(), source["key"]
    ready = client.get("/ready").json()
    assert body["data_version"] == ready["data_version"] == body["meta"]["data_version"]
    assert body["attribution"] == body["meta"]["attribution"]
    assert body["loaded_at"]


def test_every_served_resource_is_in_the_field_dictionary(client: TestClient) -> None:
    body = client.get("/v1/meta").json()
    document = client.get("/openapi.json").json()
    by_name = resources(body)
    endpoints = {e for r in body["resources"] for e in r["endpoints"]}
    served = {
        f"GET {path}"
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        and "application/json" in item["get"]["responses"]["200"]["content"]
    }
    assert endpoints == served
    for name, resource in by_name.items():
        schema = document["components"]["schemas"][name]
        assert [f["name"] for f in resource["fields"]] == list(schema["properties"])


def test_model_fields_have_types_units_and_descriptions(client: TestClient) -> None:
    model = resources(client.get("/v1/meta").json())["MLModelPublic"]
    assert model["endpoints"] == ["GET /v1/models/{slug}"]
    fields = {f["name"]: f for f in model["fields"]}
    assert fields["training_compute_flop"]["unit"] == "FLOP"
    assert fields["training_compute_flop"]["type"] == "number"
    assert fields["training_compute_flop"]["nullable"] is True
    assert fields["parameters"]["unit"] == "parameters"
    assert fields["training_dataset_size"]["unit"] == "datapoints"
    assert fields["publication_date"]["type"] == "date"
    assert fields["organizations"]["type"] == "array<string>"
    assert fields["training_compute_cost_2023_usd"]["unit"] == "US dollars"
    assert fields["slug"]["nullable"] is False and fields["slug"]["unit"] is None
    assert all(f["description"] for f in model["fields"])


def test_list_resources_are_their_items(client: TestClient) -> None:
    by_name = resources(client.get("/v1/meta").json())
    assert by_name["MLModelSummary"]["endpoints"] == ["GET /v1/models"]
    assert not any(name.startswith("Page_") for name in by_name)


def test_a_new_resource_appears_without_code() -> None:
    document = {
        "paths": {
            "/v1/widgets": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Page_Widget_"}
                                }
                            }
                        }
                    }
                }
            },
            "/health": {"get": {"responses": {}}},
        },
        "components": {
            "schemas": {
                "Page_Widget_": {
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Widget"},
                        },
                        "total": {"type": "integer"},
                    }
                },
                "Widget": {
                    "description": "A widget.",
                    "properties": {
                        "mass_kg": {"type": "number", "x-unit": "kg", "description": "Mass."},
                        "made_date": {
                            "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]
                        },
                        "part": {"$ref": "#/components/schemas/Part"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                    },
                },
                "Part": {"properties": {"name": {"type": "string"}}},
                "Kind": {"type": "string", "enum": ["a", "b"]},
            }
        },
    }
    out = field_dictionary(document)
    assert [r["name"] for r in out] == ["Widget", "Part"]
    widget = {f["name"]: f for f in out[0]["fields"]}
    assert out[0]["endpoints"] == ["GET /v1/widgets"]
    assert widget["mass_kg"]["unit"] == "kg"
    assert widget["made_date"] == {
        "name": "made_date",
        "type": "date",
        "nullable": True,
        "unit": "ISO 8601 date",
        "description": None,
        "enum": None,
    }
    assert widget["part"]["type"] == "Part"
    assert widget["kind"]["enum"] == ["a", "b"]


def test_type_and_unit_helpers() -> None:
    assert type_name({"type": "array", "items": {"type": "number"}}) == "array<number>"
    assert type_name({"anyOf": [{"type": "integer"}, {"type": "null"}]}) == "integer"
    assert type_name({"type": "object", "additionalProperties": {"type": "integer"}}) == (
        "object<integer>"
    )
    assert unit_of("doubling_time_months", {}) == "months"
    assert unit_of("slope_oom_per_year", {}) == "orders of magnitude per year"
    assert unit_of("name", {}) is None
