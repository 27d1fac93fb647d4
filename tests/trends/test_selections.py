"""``selection=`` on the trend endpoints: a fit over exactly a published selection's models."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from api.trends.stats.dates import decimal_years
from seed.sources.selections import SELECTIONS_FILE, read_selections
from tests.conftest import SEED_DIR

SEVILLA = "sevilla-2022-large-scale"


def members() -> list[str]:
    selections, issues = read_selections(SEED_DIR / SELECTIONS_FILE, None)
    assert issues == []
    return [m.model for s in selections if s.slug == SEVILLA for m in s.members]


def test_fit_uses_exactly_the_selected_models(client: TestClient) -> None:
    slugs = members()
    points = []
    for slug in slugs:
        response = client.get(f"/v1/models/{slug}?fields=training_compute_flop,publication_date")
        assert response.status_code == 200, slug
        body = response.json()
        points.append((np.datetime64(body["publication_date"]), body["training_compute_flop"]))
    dates = np.array([d for d, _ in points], dtype="datetime64[D]")
    values = np.log10([v for _, v in points])
    expected_slope, _ = np.polyfit(decimal_years(dates), values, 1)

    response = client.get(f"/v1/trends/training_compute?selection={SEVILLA}")
    assert response.status_code == 200, response.text
    fit = response.json()
    assert fit["n"] == len(slugs) == 18
    assert fit["filters"] == {"selection": SEVILLA}
    assert np.isclose(fit["slope_oom_per_year"], expected_slope, rtol=1e-9, atol=0)
    assert fit["window"]["first_publication_date"] == str(dates.min())
    assert fit["window"]["last_publication_date"] == str(dates.max())


def test_selection_narrows_the_same_window(client: TestClient) -> None:
    window = "start=2015-09-01&end=2022-02-01"
    everything = client.get(f"/v1/trends/training_compute?{window}").json()
    selected = client.get(f"/v1/trends/training_compute?{window}&selection={SEVILLA}").json()
    assert selected["n"] == 18 < everything["n"]
    assert selected["slope_oom_per_year"] != everything["slope_oom_per_year"]


def test_per_era_fit_of_the_selection_lies_in_the_large_scale_era(client: TestClient) -> None:
    body = client.get(f"/v1/trends/training_compute/eras?selection={SEVILLA}").json()
    counts = {item["slug"]: item["n"] for item in body["items"]}
    assert counts == {
        "pre-deep-learning": 0,
        "deep-learning": 0,
        "large-scale": 18,
        "generative-ai": 0,
    }
    assert "selection=sevilla-2022-large-scale" in body["method"]


def test_unknown_selection_is_a_problem(client: TestClient) -> None:
    response = client.get("/v1/trends/training_compute?selection=everything")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "sevilla-2022-large-scale" in response.json()["detail"]
