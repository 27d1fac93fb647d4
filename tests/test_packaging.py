"""The Dockerfile, checked statically (no Docker engine here), and the installed package.

The image's build steps are replayed without Docker: its dependencies come strictly from
requirements.lock (checked against what this environment, installed from the same pins,
actually needs), then the Dockerfile's own install of the package into a folder, then its
``dle migrate`` and ``dle seed`` on a fresh file.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from api.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PROJECT = "deep-learning-evolution-api"
_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]*?))?\s*\\?$"
)


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


def pip_installs() -> list[list[str]]:
    """The arguments after ``pip install`` of each command of the RUN steps."""
    found = []
    for keyword, args in instructions():
        if keyword != "RUN":
            continue
        for command in args.split("&&"):
            argv = shlex.split(command)
            if len(argv) >= 2 and argv[0].endswith("/pip") and argv[1] == "install":
                found.append(argv[2:])
    return found


def pins(lock: Path) -> dict[str, str]:
    """name -> version of a lock file's pins whose markers hold here."""
    found: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if not match:
            continue
        marker = match.group("marker")
        if marker and not Marker(marker).evaluate():
            continue
        name = canonicalize_name(match.group("name"))
        assert name not in found, f"{lock.name}: {name} pinned twice"
        found[name] = match.group("version")
    return found


def runtime_closure() -> dict[str, str]:
    """name -> installed version of every distribution the package needs at run time."""
    requires = [Requirement(r) for r in metadata.requires(PROJECT) or []]
    todo = [r for r in requires if r.marker is None or r.marker.evaluate({"extra": ""})]
    seen: dict[str, str] = {}
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen[name] = metadata.version(requirement.name)
        extras = requirement.extras or {""}
        for text in metadata.requires(requirement.name) or []:
            child = Requirement(text)
            if child.marker is None or any(
                child.marker.evaluate({"extra": extra}) for extra in extras
            ):
                todo.append(child)
    return seen


def test_dependencies_install_strictly_from_the_lock() -> None:
    installs = pip_installs()
    assert installs
    for argv in installs:
        assert "--no-deps" in argv, f"pip install {argv} may resolve outside the lock"
    from_lock = [argv for argv in installs if "-r" in argv]
    assert len(from_lock) == 1
    assert "--require-hashes" in from_lock[0]
    assert from_lock[0][from_lock[0].index("-r") + 1] == LOCK.name
    copied = [a for k, a in instructions() if k == "COPY" and LOCK.name in shlex.split(a)]
    assert copied, "the lock is copied into the build stage"
    # The package itself is built by the locked setuptools, not a downloaded one.
    (package,) = [argv for argv in installs if "-r" not in argv]
    assert "--no-build-isolation" in package
    assert "setuptools" in pins(LOCK)


def test_the_lock_pins_exactly_what_the_package_needs() -> None:
    locked = pins(LOCK)
    needed = runtime_closure()
    # This environment was installed from requirements-dev.lock, which pins the same
    # versions (scripts/lock constrains it by requirements.lock).
    assert needed == {name: locked[name] for name in needed}, "requirements.lock is stale"
    assert set(locked) - set(needed) == {"setuptools"}, "requirements.lock pins extra packages"
    dev = pins(DEV_LOCK)
    assert {name: dev.get(name) for name in locked} == locked
    assert metadata.version("setuptools") == locked["setuptools"]


def test_image_build_steps_work_on_an_installed_package(tmp_path: Path) -> None:
    target = tmp_path / "site"
    (package,) = [argv for argv in pip_installs() if "-r" not in argv]
    assert package[-1] == "."
    subprocess.run(
        [
            sys.executable,
            *("-m", "pip", "install", "--quiet", *package[:-1]),
            *("--target", str(target), str(ROOT)),
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
