"""A TypeScript client generated from the live ``/openapi.json`` type-checks and works.

``openapi-typescript``, ``openapi-fetch`` and ``typescript`` are pinned in
``tests/ts/package.json`` and installed by ``scripts/test`` (``npm ci``). The types are
generated from the running server's document; then

- ``tests/ts/usage.ts`` type-checks (its ``@ts-expect-error`` lines prove that mistakes
  are caught), and
- ``tests/ts/client.mts`` is compiled with ``tsc`` and run with ``node`` against the
  server: it lists models with filters and follows ``next_cursor`` to the end, gets one
  model, a trend, a 404 problem and a 304, and downloads a CSV, all through
  ``openapi-fetch`` without casts or type guards on JSON shapes, and prints a JSON
  summary that is checked here against the server's own answers.

Node.js (with its global ``fetch``, Node 18+) and the npm packages are required in CI
(``require`` fails there, and skips elsewhere).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.backends import require
from tests.live_server import LiveServer

pytestmark = pytest.mark.slow

TS_DIR = Path(__file__).resolve().parents[1] / "ts"
MODEL_QUERY = {
    "domain": "Language",
    "min_parameters": "1e9",
    "confidence": ["Confident", "Likely"],
    "sort": "-parameters",
    "limit": "500",
}


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=TS_DIR, capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture(scope="module")
def generated(live: LiveServer) -> str:
    """``npx``, with the types generated from the live document into tmp/schema.d.ts."""
    npx = shutil.which("npx")
    require(npx is not None and shutil.which("node") is not None, "Node.js is not installed")
    installed = all(
        (TS_DIR / "node_modules" / name).exists()
        for name in (".bin/tsc", ".bin/openapi-typescript", "openapi-fetch")
    )
    require(installed, "run `npm ci` in tests/ts (./scripts/test does)")
    assert npx is not None
    schema = TS_DIR / "tmp" / "schema.d.ts"
    schema.unlink(missing_ok=True)
    url = f"{live.base_url}/openapi.json"
    generate = _run(npx, "--no-install", "openapi-typescript", url, "-o", str(schema))
    assert generate.returncode == 0, generate.stdout + generate.stderr
    text = schema.read_text(encoding="utf-8")
    assert "list_models" in text and "list_models_csv" in text and "get_trend" in text
    return npx


def test_generated_types_check_a_typed_usage(generated: str) -> None:
    check = _run(generated, "--no-install", "tsc", "--noEmit", "-p", ".")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_typescript_client_works_against_the_live_server(
    generated: str, live: LiveServer
) -> None:
    compiled = TS_DIR / "tmp" / "dist" / "client.mjs"
    compiled.unlink(missing_ok=True)
    build = _run(generated, "--no-install", "tsc", "-p", "tsconfig.client.json")
    assert build.returncode == 0, build.stdout + build.stderr
    node = shutil.which("node")
    assert node is not None
    run = _run(node, str(compiled), live.base_url)
    assert run.returncode == 0, run.stdout + run.stderr
    summary: dict[str, Any] = json.loads(run.stdout)

    with httpx.Client(base_url=live.base_url) as http:
        models: dict[str, Any] = http.get("/v1/models", params=MODEL_QUERY).json()
        first = models["items"][0]
        trend = http.get("/v1/trends/training_compute", params={"start": "2010-01-01"}).json()
        csv_query = {"domain": "Language", "min_parameters": "1e9", "limit": "1"}
        csv_total = http.get("/v1/models", params=csv_query).json()["total"]
    assert models["total"] > 25, "the walk must take several pages"
    assert summary["listed"] == summary["distinct"] == summary["total"] == models["total"]
    assert summary["pages"] == -(-models["total"] // 25)
    assert summary["model"] == {
        "slug": first["slug"],
        "name": first["name"],
        "parameters": first["parameters"],
    }
    assert summary["not_modified"] == 304
    assert summary["trend"] == {
        "metric": "training_compute",
        "n": trend["n"],
        "doubling_time_months": trend["doubling_time_months"],
    }
    assert summary["missing"] == {
        "status": 404,
        "title": "Not Found",
        "content_type": "application/problem+json",
    }
    assert summary["csv_rows"] == csv_total
