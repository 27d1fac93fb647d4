"""``/health`` and ``/ready``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.db.migrate import upgrade
from tests.conftest import make_client


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_data_version(client: TestClient) -> None:
    body = client.get("/ready").json()
    assert body["status"] == "ready"
    assert body["models"] == 976
    assert body["data_version"] == client.get("/v1/models?limit=1").json()["meta"]["data_version"]


def test_not_migrated_not_ready(empty_url: str) -> None:
    if empty_url.startswith("sqlite"):
        # the read-only server never creates the file: make an empty one
        from sqlalchemy import create_engine

        create_engine(empty_url).connect().close()
    with make_client(empty_url) as client:
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "migrate" in response.json()["detail"]
        assert client.get("/health").status_code == 200


def test_migrated_but_empty_not_ready_and_data_routes_503(empty_url: str) -> None:
    upgrade(empty_url)
    with make_client(empty_url) as client:
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert "seed" in ready.json()["detail"]
        models = client.get("/v1/models")
        assert models.status_code == 503
        assert models.headers["content-type"] == "application/problem+json"


def test_missing_database_file_is_503_not_500(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with make_client(f"sqlite:///{tmp_path / 'absent.sqlite3'}") as client:
        for url in ("/ready", "/v1/models", "/v1/models/gpt-3-175b-davinci"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response.headers["content-type"] == "application/problem+json"
