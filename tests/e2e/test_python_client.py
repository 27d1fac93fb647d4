"""A Python client generated from the live ``/openapi.json`` works against the live server.

``openapi-python-client`` generates the package into a temporary folder; it is imported
from there (no install), and every call below goes over HTTP to a real uvicorn.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer

pytestmark = pytest.mark.slow

PACKAGE = "dle_client"
# openapi-python-client knows no NDJSON media type: read it as text, as it reads CSV; nor
# images: read SVG and PNG as bytes.
CONFIG = (
    f"project_name_override: dle-client\npackage_name_override: {PACKAGE}\npost_hooks: []\n"
    "content_type_overrides:\n  application/x-ndjson: text/plain\n"
    "  image/svg+xml: application/octet-stream\n  image/png: application/octet-stream\n"
)


@pytest.fixture(scope="module")
def generated(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The client package, generated from the running server's document."""
    tool = Path(sys.executable).with_name("openapi-python-client")
    assert tool.exists(), "openapi-python-client is a dev dependency"
    root = tmp_path_factory.mktemp("client")
    (root / "config.yaml").write_text(CONFIG)
    done = subprocess.run(
        [
            str(tool),
            "generate",
            "--url",
            f"{live.base_url}/openapi.json",
            "--output-path",
            str(root / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(root / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]
        shutil.rmtree(root, ignore_errors=True)


def load(generated: Path, name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture
def client(generated: Path, live: LiveServer) -> Iterator[Any]:
    with load(generated, "client").Client(base_url=live.base_url, timeout=30.0) as api_client:
        yield api_client


def test_list_filter_and_paginate_to_the_end(generated: Path, client: Any) -> None:
    list_models = load(generated, "api.models.list_models")
    page_type = load(generated, "models").PageMLModelSummary
    first = list_models.sync(client=client, domain=["Language"], start=dt.date(2020, 1, 1))
    assert isinstance(first, page_type)
    total = first.total
    assert total > 50
    assert all("Language" in item.domains for item in first.items)
    assert all(item.publication_date >= dt.date(2020, 1, 1) for item in first.items)

    slugs = [item.slug for item in first.items]
    page = first
    while page.next_cursor:
        page = list_models.sync(
            client=client,
            domain=["Language"],
            start=dt.date(2020, 1, 1),
            cursor=page.next_cursor,
        )
        assert isinstance(page, page_type)
        slugs += [item.slug for item in page.items]
    assert len(slugs) == len(set(slugs)) == total

    detailed = list_models.sync_detailed(client=client, limit=5)
    assert detailed.status_code == 200
    assert detailed.headers["x-total-count"] == str(detailed.parsed.total)
    assert 'rel="next"' in detailed.headers["link"]


def test_get_one_model(generated: Path, client: Any) -> None:
    get_model = load(generated, "api.models.get_model")
    model = get_model.sync("gpt-3-175b-davinci", client=client)
    assert model.name == "GPT-3 175B (davinci)"
    assert model.parameters == 174_600_000_000  # as Epoch AI records it
    assert model.publication_date == dt.date(2020, 5, 28)
    assert "OpenAI" in model.organizations
    assert model.meta.license_ == "CC BY 4.0"  # the generator avoids the builtin name


def test_a_trend(generated: Path, client: Any) -> None:
    get_trend = load(generated, "api.trends.get_trend")
    models = load(generated, "models")
    trend = get_trend.sync(models.Metric.PARAMETERS, client=client, start=dt.date(2010, 1, 1))
    assert isinstance(trend, models.TrendResponse)
    assert trend.n > 100
    assert trend.slope_oom_per_year > 0
    low, high = trend.growth_per_year_ci
    assert low < trend.growth_per_year < high
    assert trend.doubling_time_months is not None


def test_an_error_is_a_problem(generated: Path, client: Any) -> None:
    get_model = load(generated, "api.models.get_model")
    problem_type = load(generated, "models").Problem
    missing = get_model.sync_detailed("no-such-model", client=client)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, problem_type)
    assert missing.parsed.status == 404
    assert "no-such-model" in missing.parsed.detail

    list_models = load(generated, "api.models.list_models")
    invalid = list_models.sync_detailed(client=client, sort="paramters")
    assert invalid.status_code == 400
    assert invalid.parsed.errors[0].loc == ["query", "sort"]


def test_meta_and_conditional_requests_through_the_client(generated: Path, client: Any) -> None:
    get_meta = load(generated, "api.meta.get_meta")
    meta = get_meta.sync(client=client)
    assert {s.key for s in meta.sources} >= {"epoch-notable-ai-models"}
    # The client's own httpx session honours ETags like any HTTP client.
    raw: httpx.Client = client.get_httpx_client()
    first = raw.get("/v1/models/gpt-3-175b-davinci")
    again = raw.get(
        "/v1/models/gpt-3-175b-davinci", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


def test_the_downloads_are_operations_of_their_own(generated: Path, client: Any) -> None:
    list_models = load(generated, "api.models.list_models")
    total = list_models.sync(client=client, domain=["Language"], limit=1).total
    as_csv = load(generated, "api.models.list_models_csv").sync(client=client, domain=["Language"])
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert isinstance(as_csv, str) and len(rows) == total
    as_ndjson = load(generated, "api.models.list_models_ndjson").sync(
        client=client, domain=["Language"], fields="name"
    )
    *items, last = [json.loads(line) for line in as_ndjson.splitlines()]
    assert len(items) == last["meta"]["total"] == total
    assert all(set(item) == {"slug", "name"} for item in items)
