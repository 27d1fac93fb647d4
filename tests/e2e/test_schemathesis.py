"""Schemathesis against the live server, over every operation of ``/openapi.json``.

A bounded, deterministic run (fixed seed, a fixed number of examples per operation;
all four phases: explicit examples, coverage of boundaries, fuzzing, stateful links).
It fails on a server error, a response that breaks its schema, an undocumented status
code or a wrong content type. The run's summary (how many cases) is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import LiveServer

pytestmark = pytest.mark.slow

CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
)
MAX_EXAMPLES = int(os.environ.get("DLE_SCHEMATHESIS_EXAMPLES", "25"))
SEED = 20260126


def test_schemathesis_finds_nothing(live: LiveServer, tmp_path: Path) -> None:
    tool = Path(sys.executable).with_name("schemathesis")
    assert tool.exists(), "schemathesis is a dev dependency"
    command = [
        str(tool),
        "run",
        f"{live.base_url}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=540, check=False
    )
    output = done.stdout + done.stderr
    summary = output[output.find("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
    print(f"$ {' '.join(command)}\n{summary}")
    assert done.returncode == 0, output[-20000:]
    assert "Test cases:" in output and " passed" in output
    assert "Operations:       0 selected" not in output
