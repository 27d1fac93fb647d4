"""The load test's parts that decide its verdicts: the mix, the second seed, the criteria."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from bench import load, load_mix, load_report
from seed.loader import compute_data_version, default_sources

PASSING: dict[str, Any] = {
    "backend": "sqlite",
    "variant": "mix",
    "requests": 1000,
    "requests_per_second": 100.0,
    "p50_ms": 1.0,
    "p99_ms": 9.0,
    "statuses": {"ok": 1000, "c3xx": 0, "c4xx": 0, "c5xx": 0, "other": 0},
    "socket_errors": 0,
    "reseeds": [{"at_s": 12.0, "seconds": 1.5, "exit": 0, "output": "loaded"}],
    "checks": 50,
    "check_errors": [],
    "mixed": [],
    "versions_seen": {"a": 25, "b": 25},
    "memory": {"1": {"plateau_mb": 200.0, "end_mb": 210.0, "peak_mb": 210.0, "ratio": 1.05}},
    "tracebacks_in_log": 0,
}


def _with(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(PASSING)
    result.update(changes)
    return result


def test_a_clean_run_meets_every_criterion() -> None:
    assert all(load_report.verdicts(PASSING).values())


def test_each_failure_fails_its_criterion() -> None:
    failing = {
        "zero 5xx": _with(statuses={**PASSING["statuses"], "c5xx": 1}),
        "zero socket errors": _with(socket_errors=3),
        "zero other non-2xx": _with(statuses={**PASSING["statuses"], "c4xx": 2}),
        "every re-seed landed": _with(reseeds=[{"at_s": 1, "seconds": 9, "exit": 1, "output": ""}]),
        "no mixed answer": _with(mixed=["header a, body b, total 9"]),
        "memory at the end within 10% of the plateau": _with(
            memory={"1": {"plateau_mb": 200.0, "end_mb": 260.0, "peak_mb": 260.0, "ratio": 1.3}}
        ),
        "no traceback in the server log": _with(tracebacks_in_log=1),
    }
    for criterion, result in failing.items():
        checks = load_report.verdicts(result)
        assert not checks[criterion], criterion
        assert all(ok for name, ok in checks.items() if name != criterion), criterion
    # No re-seed at all is not a pass either.
    assert not load_report.verdicts(_with(reseeds=[]))["every re-seed landed"]
    assert "**FAIL**" in load_report.render(
        {
            "started": "",
            "minutes": 1,
            "commit": "x",
            "load_before": [0],
            "load_after": [0],
            "args": {
                "workers": 2,
                "threads": 2,
                "connections": 64,
                "seconds": 60,
                "reseed_every": 12,
            },
        },
        [PASSING, failing["zero 5xx"]],
    )


def test_the_second_seed_is_another_data_version_with_fewer_models(tmp_path: Path) -> None:
    second = load.second_seed(tmp_path)
    shipped, other = default_sources(load.SEED_DIR), default_sources(second)
    assert not [issue for source in other for issue in source.issues]
    versions = {
        compute_data_version([path for source in sources for path in source.files])
        for sources in (shipped, other)
    }
    assert len(versions) == 2
    counts = [len(sources[0].slugs()) for sources in (shipped, other)]  # type: ignore[attr-defined]
    assert counts[0] - counts[1] == load.DROPPED_MODELS


def test_every_request_of_both_mixes_answers_200(client: Any) -> None:
    fixed = load_mix.fixed_mix(client)
    for template in [*fixed, *load_mix.busting_mix()]:
        path = load_mix.expand(template)
        assert client.get(path).status_code == 200, path
        if template.ranges:  # the upper bounds are valid too
            upper = template.path % tuple(hi for _, hi in template.ranges)
            assert client.get(upper).status_code == 200, upper
    script = load_mix.render_lua(fixed)
    assert f"local total = {sum(t.weight for t in fixed)}" in script
    assert script.count("{path = ") == len(fixed)
