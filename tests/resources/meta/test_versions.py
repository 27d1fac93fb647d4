"""``/v1/meta/versions`` and ``version=`` on the trends: every load is a version with its
diff, and a figure pinned to a version is the figure served on that version's day."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.db.migrate import upgrade
from seed.imports import import_export
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, make_client
from tests.seed.exports import Row, write_export

TRENDS = (
    "/v1/trends/parameters",
    "/v1/trends/parameters/eras",
    "/v1/trends/training_compute/compare?split=2018-01-01",
    "/v1/trends/parameters/records",
    "/v1/trends/parameters/yearly",
)


def _newer(rows: list[Row]) -> list[Row]:
    """Parameters of GPT-3 changed, AlexNet undated, Perceptron Mark I gone."""
    kept = []
    for row in rows:
        if row["Model"] == "GPT-3 175B (davinci)":
            row["Parameters"] = "1.76e11"
        if row["Model"] == "AlexNet":
            row["Publication date"] = ""
        if row["Model"] != "Perceptron Mark I":
            kept.append(row)
    return kept


@pytest.fixture
def imported(empty_url: str, tmp_path: Path) -> tuple[str, str, dict[str, Any]]:
    """A database seeded with the sample, the figures served then, then a newer import."""
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    with make_client(empty_url) as client:
        old_version = client.get("/v1/meta").json()["data_version"]
        before = {path: client.get(path).json() for path in TRENDS}
    export = write_export(tmp_path / "newer.csv", edit=_newer)
    import_export(empty_url, export, SAMPLE_DIR, source_url="https://example.org/newer.csv")
    return empty_url, old_version, before


def test_versions_list_and_diff(imported: tuple[str, str, dict[str, Any]]) -> None:
    url, old_version, _ = imported
    with make_client(url) as client:
        body = client.get("/v1/meta/versions").json()
        assert [item["kind"] for item in body["items"]] == ["import", "seed"]
        newest, first = body["items"]
        assert body["current"] == newest["data_version"] != old_version
        assert first["data_version"] == old_version
        assert newest["previous_version"] == old_version
        assert newest["file_name"] == "newer.csv"
        assert newest["source_url"] == "https://example.org/newer.csv"
        assert newest["row_count"] == 9 and first["row_count"] == 10
        one = client.get(f"/v1/meta/versions/{newest['data_version']}").json()
        assert one == client.get(f"/v1/meta/versions/{newest['id']}").json()
        diff = one["diff"]
        assert diff["removed"] == ["perceptron-mark-i"]
        assert diff["added"] == [] and diff["renamed"] == []
        changed = {c["slug"]: c["fields"] for c in diff["changed"]}
        assert changed["gpt-3-175b-davinci"]["parameters"] == {"old": 1.746e11, "new": 1.76e11}
        assert changed["alexnet"]["publication_date"] == {"old": "2012-09-30", "new": None}
        first_diff = client.get("/v1/meta/versions/1").json()["diff"]
        assert len(first_diff["added"]) == 10 and first_diff["removed"] == []
        sources = {s["key"]: s for s in client.get("/v1/meta").json()["sources"]}
        epoch = sources["epoch-notable-ai-models"]
        assert epoch["file_name"] == "newer.csv" and epoch["imported_at"]


def test_pinned_version_answers_the_figures_of_its_day(
    imported: tuple[str, str, dict[str, Any]],
) -> None:
    url, old_version, before = imported
    with make_client(url) as client:
        now = client.get("/v1/trends/parameters").json()
        assert now["n"] != before["/v1/trends/parameters"]["n"]
        assert now["excluded"]["no_date"] == 1
        for path in TRENDS:
            sep = "&" if "?" in path else "?"
            pinned = client.get(f"{path}{sep}version={old_version}")
            assert pinned.status_code == 200, pinned.text
            # Everything, the fit, its n, intervals, meta and citation, as it was served;
            # only the links in the warnings carry the pin on (so they stay on that version).
            body = pinned.json()
            body["warnings"] = [_unpinned(w, old_version) for w in body["warnings"]]
            assert body == before[path], path


def test_unknown_version_is_a_problem(imported: tuple[str, str, dict[str, Any]]) -> None:
    url, _, _ = imported
    with make_client(url) as client:
        for path in ("/v1/trends/parameters?version=abcdef", "/v1/meta/versions/abcdef"):
            response = client.get(path)
            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"
        bad = client.get("/v1/trends/parameters?version=NOT-HEX")
        assert bad.status_code in (400, 422)
        assert bad.headers["content-type"] == "application/problem+json"


def test_citation_pins_the_version(imported: tuple[str, str, dict[str, Any]]) -> None:
    url, _, _ = imported
    with make_client(url) as client:
        body = client.get("/v1/trends/parameters?start=2010-01-01").json()
        version = body["meta"]["data_version"]
        citation = body["citation"]
        assert citation["version"] == version
        assert citation["permalink"].endswith(
            f"/v1/trends/parameters?start=2010-01-01&version={version}"
        )
        assert citation["permalink"] in citation["text"]
        assert citation["bibtex"].startswith(f"@misc{{dle-parameters-{version},")
        assert "Epoch AI" in citation["text"]
        again = client.get(citation["permalink"].replace("http://testserver", "")).json()
        assert again["slope_oom_per_year"] == body["slope_oom_per_year"]


def test_a_running_app_switches_to_the_import_without_a_restart(
    empty_url: str, tmp_path: Path
) -> None:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    client: TestClient
    with make_client(empty_url) as client:
        first = client.get("/v1/trends/parameters")
        assert client.get("/v1/trends/parameters").headers["etag"] == first.headers["etag"]
        import_export(empty_url, write_export(tmp_path / "newer.csv", edit=_newer), SAMPLE_DIR)
        second = client.get("/v1/trends/parameters")
        assert second.headers["etag"] != first.headers["etag"]
        assert second.json()["meta"]["data_version"] != first.json()["meta"]["data_version"]
        # Perceptron Mark I is gone, AlexNet undated.
        assert second.json()["n"] == first.json()["n"] - 2
        assert second.json()["excluded"]["no_date"] == 1
        meta = client.get("/v1/meta").json()
        assert meta["data_version"] == second.json()["meta"]["data_version"]


def _unpinned(text: str, version: str) -> str:
    """``text`` with ``version=`` dropped from the query strings of its links."""
    text = re.sub(rf"\?version={version}&", "?", text)
    return re.sub(rf"[?&]version={version}\b", "", text)
