"""The application factory: what a worker does before it serves."""

from __future__ import annotations

from typing import Any

import fastapi.routing
import pytest

from api.app import create_app, prepare_routes
from tests.conftest import make_client


def _spy_on_route_building(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose dependency graphs FastAPI builds from now on."""
    built: list[str] = []
    original = fastapi.routing.get_dependant

    def spy(*args: Any, **kwargs: Any) -> Any:
        built.append(str(kwargs.get("path")))
        return original(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "get_dependant", spy)
    return built


def test_preparing_builds_every_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spy sees what it should: a new application's routes are built by preparing."""
    app = create_app()
    built = _spy_on_route_building(monkeypatch)
    prepare_routes(app)
    assert "/v1/trends/{metric}" in built and "/v1/models" in built


def test_no_route_is_built_by_the_first_requests(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI builds an included router's routes on the first request reaching it (about
    0.3 s of CPU); the lifespan has done it before the first request."""
    with make_client(seeded_url) as client:
        built = _spy_on_route_building(monkeypatch)
        for url in ("/v1/trends/parameters", "/v1/models?limit=1", "/v1/milestones?limit=1"):
            assert client.get(url).status_code == 200, url
    assert built == []


def test_a_worker_maps_its_large_allocations_before_serving(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr("api.app.large_allocations_mapped", lambda: calls.append(True) or True)
    with make_client(seeded_url) as client:
        assert calls == [True]
        assert client.get("/health").status_code == 200
