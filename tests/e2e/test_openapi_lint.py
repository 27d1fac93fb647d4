"""The OpenAPI document passes Spectral's ``spectral:oas`` and Redocly's ``recommended``
rules with no error.

Both tools are pinned in ``tests/ts/package.json`` (installed by ``scripts/test``); their
rulesets are ``.spectral.yaml`` and ``redocly.yaml`` at the repository root, where every
rule switched off says why. Warnings are printed (``pytest -s``) but do not fail.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.config import Settings
from tests.backends import require

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "tests" / "ts" / "node_modules" / ".bin"
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document the service serves at /openapi.json, as a file."""
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    spec = create_app(Settings(database_url="sqlite://")).openapi()
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = BIN / tool
    require(executable.exists(), f"{tool}: run `npm ci` in tests/ts (./scripts/test does)")
    return subprocess.run(
        [str(executable), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **QUIET},
    )


def _errors(tool: str, problems: list[tuple[str, str, str, str]]) -> list[str]:
    """The errors among ``(level, rule, where, message)``; the rest is printed."""
    errors = []
    for level, rule, where, message in problems:
        if level == "error":
            errors.append(f"{rule} at {where}: {message}")
        else:
            print(f"{tool} {level}: {rule} at {where}: {message}")
    return errors


def test_spectral_oas_ruleset(document: Path) -> None:
    result = _run(
        "spectral",
        "lint",
        str(document),
        "--ruleset",
        str(ROOT / ".spectral.yaml"),
        "--format",
        "json",
        "--fail-severity",
        "error",
    )
    found: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    levels = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    problems = [
        (levels[p["severity"]], p["code"], "/".join(map(str, p["path"])) or "#", p["message"])
        for p in found
    ]
    errors = _errors("spectral", problems)
    assert not errors, "\n".join(errors)
    assert result.returncode == 0, result.stdout + result.stderr


def test_redocly_recommended_rules(document: Path) -> None:
    result = _run(
        "redocly",
        "lint",
        str(document),
        "--config",
        str(ROOT / "redocly.yaml"),
        "--format",
        "json",
    )
    report: dict[str, Any] = json.loads(result.stdout)
    problems = [
        (p["severity"], p["ruleId"], p["location"][0].get("pointer", "#"), p["message"])
        for p in report["problems"]
    ]
    errors = _errors("redocly", problems)
    assert not errors, "\n".join(errors)
    assert report["totals"]["errors"] == 0
    assert result.returncode == 0, result.stdout + result.stderr
