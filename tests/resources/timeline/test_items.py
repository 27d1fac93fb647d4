"""Timeline items: summary, organizations, linked models; less precise dates after precise."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.resources.models.test_routes import walk


def test_alexnet_model_comes_before_alexnet_wins_imagenet(client: TestClient) -> None:
    items = walk(client, "/v1/timeline?start=2012-01-01&end=2013-01-01&models=linked&limit=3")
    slugs = [item["slug"] for item in items]
    assert slugs.index("alexnet") < slugs.index("alexnet-wins-imagenet")
    # Within 2012, the year-precision milestone follows every dated item of the year.
    assert items[-1]["date_precision"] == "year"
    descending = walk(
        client, "/v1/timeline?start=2012-01-01&end=2013-01-01&models=linked&sort=-date"
    )
    reversed_slugs = [item["slug"] for item in descending]
    assert reversed_slugs.index("alexnet-wins-imagenet") < reversed_slugs.index("alexnet")
    assert descending[0]["date_precision"] == "year"


def test_items_carry_summary_organizations_and_models(client: TestClient) -> None:
    items = walk(client, "/v1/timeline?start=2012-01-01&end=2013-01-01&models=linked")
    by_slug = {item["slug"]: item for item in items}
    milestone = by_slug["alexnet-wins-imagenet"]
    assert milestone["summary"].startswith("AlexNet, a deep convolutional network")
    assert milestone["organizations"] == ["University of Toronto"]
    assert milestone["models"] == ["alexnet"]
    model = by_slug["alexnet"]
    assert (model["summary"], model["models"]) == (None, ["alexnet"])
    assert model["organizations"] == ["University of Toronto"]
    assert model["date_precision"] == "day"
