"""TypeScript types generated from the live ``/openapi.json`` type-check a typed usage.

``openapi-typescript`` and ``typescript`` are pinned in ``tests/ts/package.json`` and
installed by ``scripts/test`` (``npm ci``); ``tests/ts/usage.ts`` lists, gets and reads a
trend through the generated types, and its ``@ts-expect-error`` lines prove that
mistakes are caught.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.backends import require
from tests.live_server import LiveServer

pytestmark = pytest.mark.slow

TS_DIR = Path(__file__).resolve().parents[1] / "ts"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=TS_DIR, capture_output=True, text=True, timeout=180, check=False
    )


def test_generated_types_check_a_typed_usage(live: LiveServer) -> None:
    npx = shutil.which("npx")
    require(npx is not None, "npx (Node.js) is not installed")
    installed = (TS_DIR / "node_modules" / ".bin" / "tsc").exists()
    require(installed, "run `npm ci` in tests/ts (./scripts/test does)")
    assert npx is not None
    schema = TS_DIR / "tmp" / "schema.d.ts"
    schema.unlink(missing_ok=True)
    generate = _run(
        npx,
        "--no-install",
        "openapi-typescript",
        f"{live.base_url}/openapi.json",
        "-o",
        str(schema),
    )
    assert generate.returncode == 0, generate.stdout + generate.stderr
    text = schema.read_text(encoding="utf-8")
    assert "list_models" in text and "get_trend" in text
    check = _run(npx, "--no-install", "tsc", "--noEmit", "-p", ".")
    assert check.returncode == 0, check.stdout + check.stderr
