"""A newer export's unknown columns are kept per model and served under ``extra``;
undated models are served with a null date and sorted last."""

from __future__ import annotations

from pathlib import Path

from api.db.migrate import upgrade
from seed.imports import import_export
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, make_client
from tests.seed.exports import Row, write_export


def _undate(rows: list[Row]) -> list[Row]:
    for row in rows:
        if row["Model"] == "AlexNet":
            row["Publication date"] = ""
    return rows


def test_extra_columns_and_undated_models_are_served(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    export = write_export(
        tmp_path / "export.csv",
        add_columns={"Open weights": lambda row: "Yes" if row["Model"] == "LeNet-5" else ""},
        edit=_undate,
    )
    import_export(empty_url, export, SAMPLE_DIR)
    with make_client(empty_url) as client:
        lenet = client.get("/v1/models/lenet-5").json()
        assert lenet["extra"] == {"Open weights": "Yes"}
        assert client.get("/v1/models/transformer").json()["extra"] == {}
        alexnet = client.get("/v1/models/alexnet").json()
        assert alexnet["publication_date"] is None
        slugs = []
        url = "/v1/models?sort=publication_date&limit=3&fields=slug"
        while url:
            page = client.get(url)
            assert page.status_code == 200, page.text
            body = page.json()
            slugs += [item["slug"] for item in body["items"]]
            url = page.links.get("next", {}).get("url")
        assert len(slugs) == 10 and len(set(slugs)) == 10
        assert "alexnet" in slugs
        timeline = client.get("/v1/timeline?models=all").json()
        assert all(item["date"] is not None for item in timeline["items"])
