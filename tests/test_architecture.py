"""The shape of the code: what the layer contract (.importlinter) does not check.

- no import cycles anywhere in ``api`` and ``seed``, deferred (function-level) imports
  included: a cycle hides a dependency that runs both ways;
- the statistics (``api.trends.stats``) import nothing of the project, so they can be
  read, tested and reused as plain numerics;
- no module is longer than ``MAX_LINES``: a longer one holds more than one job.

The import graph is built by grimp, the library behind import-linter, from the source
files themselves (nothing is imported).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "seed")
MAX_LINES = 400


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's strongly connected components of the module graph, larger than one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(module: str) -> None:
        nonlocal counter
        index[module] = low[module] = counter
        counter += 1
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_the_finder_sees_a_cycle() -> None:
    fake = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        fake.add_module(name)
    fake.add_import(importer="a.x", imported="a.y")
    fake.add_import(importer="a.y", imported="a.x")
    fake.add_import(importer="a.y", imported="a.z")
    assert strongly_connected(fake) == [["a.x", "a.y"]]


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    cycles = strongly_connected(graph)
    details = [
        " <-> ".join(component)
        + ": "
        + "; ".join(
            f"{line['importer']}:{line['line_number']} imports {line['imported']}"
            for a in component
            for b in component
            if a != b
            for line in graph.get_import_details(importer=a, imported=b)
        )
        for component in cycles
    ]
    assert not cycles, "\n".join(details)


def test_the_statistics_import_nothing_of_the_project(graph: grimp.ImportGraph) -> None:
    stats = "api.trends.stats"
    members = {stats} | graph.find_descendants(stats)
    outside = {
        (importer, imported)
        for importer in members
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported not in members
    }
    assert not outside, sorted(outside)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_longer_than_the_cap(package: str) -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_a_worker_does_not_import_scipy_stats() -> None:
    """``scipy.stats`` adds about 50 MB to every worker; the fits take their quantiles from
    ``scipy.special``, and only method=theil-sen imports ``scipy.stats``, when asked."""
    probe = (
        "import sys, api.app; print(sorted(m for m in sys.modules if m.startswith('scipy.stats')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
