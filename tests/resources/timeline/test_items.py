"""Timeline items: summary, organizations, linked models; less precise dates after precise."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.resources.models.test_routes import walk


def test_less_precise_dates_follow_the_precise_ones_of_their_year(client: TestClient) -> None:
    """Within a year, a year-precision item follows every dated item of that year (and
    precedes them in ``-date`` order); AlexNet's ILSVRC-2012 result is now dated to the day
    (2012-09-30), the AlexNet model's own date."""
    items = walk(client, "/v1/timeline?models=linked&limit=500")
    by_slug = {item["slug"]: item for item in items}
    assert by_slug["alexnet-wins-imagenet"]["date_precision"] == "day"
    assert by_slug["alexnet-wins-imagenet"]["date"] == by_slug["alexnet"]["date"]
    for order in (items, list(reversed(walk(client, "/v1/timeline?models=linked&sort=-date")))):
        seen_year_item: set[str] = set()
        for item in order:
            year = item["date"][:4]
            if item["date_precision"] == "year":
                seen_year_item.add(year)
            else:
                assert year not in seen_year_item, item["slug"]


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
