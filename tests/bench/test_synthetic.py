"""The synthetic data generator: deterministic, realistic in shape, accepted by the loader."""

from __future__ import annotations

import csv
import hashlib
import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from api.db.migrate import upgrade
from bench import synthetic
from seed.loader import load_seed
from seed.sources.epoch import FILE_NAME
from tests.conftest import ROOT, make_client

ROWS = 2000


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_gives_the_same_file_in_any_process(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    synthetic.write_csv(first, ROWS, seed=7)
    second = tmp_path / "b.csv"
    synthetic.write_csv(second, ROWS, seed=7)
    assert digest(first) == digest(second)

    # Another interpreter with another hash seed (set and dict order of strings vary).
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-m", "bench.synthetic", str(tmp_path / "other"), "--rows"]
    subprocess.run([*command, str(ROWS), "--seed", "7"], cwd=ROOT, env=env, check=True)
    third = tmp_path / "other" / FILE_NAME
    assert digest(third) == digest(first)

    other = tmp_path / "d.csv"
    synthetic.write_csv(other, ROWS, seed=8)
    assert digest(other) != digest(first)


def test_rows_have_the_real_format_and_shape(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    synthetic.write_csv(path, ROWS)
    with path.open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == synthetic.real_header()
    rows = read_rows(path)
    assert len(rows) == ROWS
    assert len({row["Model"] for row in rows}) == ROWS

    years = Counter(int(row["Publication date"][:4]) for row in rows)
    assert min(years) >= synthetic.FIRST_YEAR and max(years) <= synthetic.LAST_YEAR
    recent = sum(n for year, n in years.items() if year >= 2015)
    assert recent > ROWS / 2  # most notable models are recent, as in the real data

    domains = Counter(d for row in rows for d in row["Domain"].split(","))
    assert domains.most_common(1)[0][0] == "Language"
    assert 0.35 < domains["Language"] / ROWS < 0.6
    missing = sum(1 for row in rows if not row["Parameters"]) / ROWS
    assert 0.2 < missing < 0.4

    def median_log_parameters(first: int, last: int) -> float:
        values = sorted(
            float(row["Parameters"])
            for row in rows
            if row["Parameters"] and first <= int(row["Publication date"][:4]) <= last
        )
        return math.log10(values[len(values) // 2])

    # Models grow: the median size rises by orders of magnitude over a decade.
    assert median_log_parameters(2021, 2025) - median_log_parameters(2010, 2014) > 2


def test_loader_accepts_the_synthetic_seed(empty_url: str, tmp_path: Path) -> None:
    seed_dir = synthetic.write_seed_dir(tmp_path / "seed", ROWS)
    upgrade(empty_url)
    report = load_seed(empty_url, seed_dir)
    assert report.changed
    assert report.counts["models"] == ROWS
    assert report.counts["milestones"] > 0
    with make_client(empty_url) as client:
        page = client.get("/v1/models", params={"limit": 1, "domain": "Language"})
        assert page.status_code == 200
        language = sum(
            1 for row in read_rows(seed_dir / FILE_NAME) if "Language" in row["Domain"].split(",")
        )
        assert page.json()["total"] == language
        assert client.get("/v1/models", params={"limit": 1}).json()["total"] == ROWS
