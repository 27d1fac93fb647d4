"""Label placement: labels in priority order, none overlapping, none past the plot."""

from __future__ import annotations

from api.charts.specs import place_labels


def _point(slug: str, date: str, value: float, name: str = "Model") -> dict[str, object]:
    return {"slug": slug, "name": name, "date": date, "value": value}


def test_overlapping_labels_keep_the_first_wanted() -> None:
    points = [
        _point("a", "2000-01-01", 1e3),
        _point("b", "2000-01-02", 1e3),  # same place as a
        _point("c", "2010-01-01", 1e9),
        _point("d", "2020-01-01", 1e6, name="A very long name that runs off the plot"),
    ]
    assert place_labels(points, ["b", "a", "c", "d", "unknown"], 400, 300) == {"b", "c"}
    assert place_labels(points, ["a", "b"], 400, 300) == {"a"}
    assert place_labels([], ["a"], 400, 300) == set()
