"""The Dockerfile, checked statically (no Docker engine here), and the installed package.

The image's build steps are replayed without Docker: a non-editable install of the
package into a folder, then its ``dle migrate`` and ``dle seed`` on a fresh file.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from api.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    logical: list[str] = []
    buffer = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        logical.append(buffer + stripped)
        buffer = ""
    assert not buffer, "dangling line continuation"
    out = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        out.append((keyword.upper(), args.strip()))
    return out


KNOWN = {
    "FROM",
    "WORKDIR",
    "ENV",
    "COPY",
    "RUN",
    "USER",
    "EXPOSE",
    "HEALTHCHECK",
    "CMD",
    "ARG",
    "LABEL",
}


def test_dockerfile_parses_and_is_multi_stage() -> None:
    parsed = instructions()
    assert {keyword for keyword, _ in parsed} <= KNOWN
    stages = [args for keyword, args in parsed if keyword == "FROM"]
    assert len(stages) >= 2
    assert all(re.match(r"python:3\.1[1-9]", stage) for stage in stages)


def test_every_copied_path_exists() -> None:
    for keyword, args in instructions():
        if keyword != "COPY" or args.startswith("--from"):
            continue
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        for source in parts[:-1]:
            assert (ROOT / source).exists(), f"COPY source missing: {source}"


def test_runs_as_non_root_with_healthcheck_and_port() -> None:
    parsed = instructions()
    last_stage = parsed[max(i for i, (k, _) in enumerate(parsed) if k == "FROM") :]
    users = [args for keyword, args in last_stage if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(k == "EXPOSE" and a == "8000" for k, a in last_stage)
    health = [a for k, a in last_stage if k == "HEALTHCHECK"]
    assert health and "/health" in health[0]


def test_command_is_the_tested_entry_point() -> None:
    cmd = [args for keyword, args in instructions() if keyword == "CMD"][-1]
    argv = json.loads(cmd)
    assert argv[0] == "dle"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve"
    assert args.port == 8000
    assert args.host == "0.0.0.0"
    readme = (ROOT / "scripts" / "serve").read_text(encoding="utf-8")
    assert "exec dle serve" in readme


def test_image_build_steps_work_on_an_installed_package(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    assert (target / "seed" / "data" / "epoch_notable_ai_models.csv").exists()
    assert list((target / "migrations" / "versions").glob("*.py"))
    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "DLE_DATABASE_URL": f"sqlite:///{tmp_path / 'image.sqlite3'}",
    }
    for command in (["migrate"], ["seed"]):
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", *command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    assert "models: 976" in done.stdout
