"""The renderer: an image asked for before the runtime is warm is a 503 with Retry-After
at once; a rendering process that dies is replaced."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.charts.render import Renderer
from api.config import Settings


def test_a_cold_renderer_answers_503_with_retry_after(seeded_url: str) -> None:
    app = create_app(Settings(database_url=seeded_url))
    cold = Renderer()
    cold.start = lambda: None  # type: ignore[method-assign]  # never warms
    app.state.chart_renderer = cold
    with TestClient(app) as client:
        response = client.get("/v1/charts/parameters.svg")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "2"
        assert response.headers["content-type"] == "application/problem+json"
        assert client.get("/v1/charts/parameters").status_code == 200  # specs need no runtime


def test_a_dead_renderer_is_replaced(client: TestClient) -> None:
    renderer: Renderer = client.app.state.chart_renderer  # type: ignore[attr-defined]
    assert renderer.ready
    process = renderer._process
    assert process is not None
    process.kill()
    process.wait()
    response = client.get("/v1/charts/timeline.svg?width=321")
    assert response.status_code == 503 and "retry-after" in response.headers
    assert renderer.wait_ready(120), renderer.error
    assert renderer.pid != process.pid
    assert client.get("/v1/charts/timeline.svg?width=321").status_code == 200
