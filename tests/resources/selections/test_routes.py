"""``/v1/selections``: the published selections with their members and sources."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.resources.selections.schemas import SelectionPublic
from seed.sources.selections import SELECTIONS_FILE, read_selections
from tests.conftest import SEED_DIR


def test_lists_each_selection_with_its_members_in_order(client: TestClient) -> None:
    response = client.get("/v1/selections")
    assert response.status_code == 200, response.text
    body = response.json()
    seeded, _ = read_selections(SEED_DIR / SELECTIONS_FILE, None)
    assert body["total"] == len(body["items"]) == len(seeded) == 1
    item = body["items"][0]
    SelectionPublic.model_validate(item)
    expected = seeded[0]
    assert (item["slug"], item["name"], item["source_url"]) == (
        expected.slug,
        expected.name,
        expected.source_url,
    )
    assert item["member_count"] == len(item["members"]) == 18
    assert [m["model"] for m in item["members"]] == [m.model for m in expected.members]
    assert [m["source_date"] for m in item["members"]] == [
        m.source_date.isoformat() for m in expected.members
    ]
    gopher = item["members"][-1]
    assert (gopher["source_name"], gopher["name"]) == ("Gopher", "Gopher (280B)")
    assert "Epoch AI" in body["meta"]["attribution"]


def test_every_member_is_a_served_model(client: TestClient) -> None:
    item = client.get("/v1/selections").json()["items"][0]
    for member in item["members"]:
        model = client.get(f"/v1/models/{member['model']}?fields=name").json()
        assert model["name"] == member["name"]


def test_sample_data_without_a_selections_file_lists_none(sample_client: TestClient) -> None:
    body = sample_client.get("/v1/selections").json()
    assert (body["total"], body["items"]) == (0, [])
