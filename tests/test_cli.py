"""The ``dle`` command: migrate, seed (twice), refusal, serve's arguments."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import build_parser, main
from api.config import get_settings
from tests.conftest import SAMPLE_DIR


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DLE_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_migrate_then_seed_twice(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert "database migrated to head" in capsys.readouterr().out
    assert main(["seed", "--seed-dir", str(SAMPLE_DIR)]) == 0
    first = capsys.readouterr().out
    assert "loaded" in first
    assert "models: 10" in first
    assert "[Training dataset size (gradients)]: several numbers in one cell" in first
    assert main(["seed", "--seed-dir", str(SAMPLE_DIR)]) == 0
    assert "unchanged, nothing written" in capsys.readouterr().out


def test_refused_seed_exits_non_zero_with_location(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_dir = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, seed_dir)
    csv_path = seed_dir / "epoch_notable_ai_models.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8").replace("2012-09-30", "2012-09-31"), encoding="utf-8"
    )
    assert main(["migrate"]) == 0
    assert main(["seed", "--seed-dir", str(seed_dir)]) == 1
    err = capsys.readouterr().err
    assert "the database is unchanged" in err
    assert "epoch_notable_ai_models.csv:" in err
    assert "[Publication date]" in err


def test_refusal_lists_file_line_character_and_reason_without_traceback(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_dir = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, seed_dir)
    csv_path = seed_dir / "epoch_notable_ai_models.csv"
    text = csv_path.read_text(encoding="utf-8")
    cells = "AlexNet,University of Toronto,"
    csv_path.write_text(text.replace(cells, cells.replace(" of", "\x00of"), 1), encoding="utf-8")
    offset = text.index(cells) + len("AlexNet,University")
    line, char = text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
    assert main(["migrate"]) == 0
    assert main(["seed", "--seed-dir", str(seed_dir)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert (
        f"  epoch_notable_ai_models.csv:{line}:{char}: [Organization]: control character U+0000"
        in captured.err.splitlines()[2]
    )


def test_serve_arguments() -> None:
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "2"]
    )
    assert (args.host, args.port, args.workers) == ("0.0.0.0", 9000, 2)


def test_serve_runs_uvicorn_with_the_edge_protocol_and_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from api.server.protocol import EdgeProtocol

    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("DLE_MAX_CONNECTIONS", "77")
    monkeypatch.setenv("DLE_BACKLOG", "99")
    get_settings.cache_clear()
    try:
        assert main(["serve", "--port", "9000", "--workers", "2", "--no-access-log"]) == 0
    finally:
        get_settings.cache_clear()
    [(args, options)] = calls
    assert args == ("api.app:app",)
    assert options["http"] is EdgeProtocol
    assert (options["port"], options["workers"], options["access_log"]) == (9000, 2, False)
    assert (options["limit_concurrency"], options["backlog"]) == (77, 99)


def _changed_sample(tmp_path: Path) -> Path:
    seed_dir = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, seed_dir)
    csv_path = seed_dir / "epoch_notable_ai_models.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8").replace("60000000.0", "61000000.0"), encoding="utf-8"
    )
    return seed_dir


def test_seed_lands_while_a_reader_holds_its_snapshot(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import text
    from sqlmodel import Session

    from api.db.engine import make_engine

    assert main(["migrate"]) == 0
    assert main(["seed", "--seed-dir", str(SAMPLE_DIR)]) == 0
    seed_dir = _changed_sample(tmp_path)
    capsys.readouterr()
    engine = make_engine(database, read_only=True, connect_timeout=1)
    try:
        with Session(engine) as reader:  # a long download holds its snapshot (WAL)
            before = reader.execute(text("SELECT data_version FROM data_release")).scalar_one()
            assert main(["seed", "--seed-dir", str(seed_dir)]) == 0
            assert "loaded" in capsys.readouterr().out
            # The reader's snapshot is still the version it started with.
            same = reader.execute(text("SELECT data_version FROM data_release")).scalar_one()
            assert same == before
        with Session(engine) as later:
            after = later.execute(text("SELECT data_version FROM data_release")).scalar_one()
            assert after != before
    finally:
        engine.dispose()


def test_seed_blocked_by_another_writer_fails_cleanly(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.db.writable import make_writable_engine

    assert main(["migrate"]) == 0
    assert main(["seed", "--seed-dir", str(SAMPLE_DIR)]) == 0
    seed_dir = _changed_sample(tmp_path)
    capsys.readouterr()
    engine = make_writable_engine(database)
    try:
        with engine.begin():  # BEGIN IMMEDIATE: another writer holds the write lock
            assert main(["seed", "--seed-dir", str(seed_dir)]) == 1
        assert "the database is unchanged" in capsys.readouterr().err
        assert main(["seed", "--seed-dir", str(seed_dir)]) == 0
        assert "loaded" in capsys.readouterr().out
    finally:
        engine.dispose()


def test_examples_records_from_the_app_it_builds(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fastapi import FastAPI

    from api.http import examples

    seen: list[tuple[FastAPI, Path]] = []

    def record(app: FastAPI, path: Path) -> dict[str, object]:
        seen.append((app, path))
        return {"list_models": {}}

    monkeypatch.setattr(examples, "record", record)
    output = tmp_path / "examples.json"
    assert main(["examples", "--output", str(output)]) == 0
    [(app, path)] = seen
    assert path == output
    assert app.state.settings.database_url == database
    assert f"recorded 1 examples in {output}" in capsys.readouterr().out


def test_import_dry_run_then_import_then_refusal(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.seed.exports import Row, write_export

    def rename(rows: list[Row]) -> list[Row]:
        for row in rows:
            if row["Model"] == "GPT-2 (1.5B)":
                row["Model"] = "GPT-2"
        return rows

    assert main(["migrate"]) == 0
    assert main(["seed", "--seed-dir", str(SAMPLE_DIR)]) == 0
    capsys.readouterr()
    export = write_export(tmp_path / "newer.csv", edit=rename)
    args = ["import", str(export), "--seed-dir", str(SAMPLE_DIR)]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run, nothing written" in out
    assert "renamed: gpt-2-1-5b -> gpt-2 (old slug kept as alias)" in out
    assert main([*args, "--source-url", "https://example.org/newer.csv"]) == 0
    assert "version #2" in capsys.readouterr().out
    gone = write_export(
        tmp_path / "gone.csv", edit=lambda rows: [r for r in rows if r["Model"] != "AlexNet"]
    )
    assert main(["import", str(gone), "--seed-dir", str(SAMPLE_DIR)]) == 1
    err = capsys.readouterr().err
    assert "import refused; the database is unchanged." in err
    assert "'alexnet' is gone from the export" in err
