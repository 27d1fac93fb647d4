"""Generated exports of Epoch AI's CSV: the sample file with the changes a test asks for."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

from seed.sources.epoch import FILE_NAME
from tests.conftest import SAMPLE_DIR

Row = dict[str, str]


def sample_rows() -> tuple[list[str], list[Row]]:
    """The sample file's header and rows."""
    text = (SAMPLE_DIR / FILE_NAME).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def write_export(
    path: Path,
    *,
    rename_columns: dict[str, str] | None = None,
    add_columns: dict[str, Callable[[Row], str]] | None = None,
    drop_columns: tuple[str, ...] = (),
    edit: Callable[[list[Row]], list[Row]] | None = None,
    bom: bool = False,
    crlf: bool = False,
) -> Path:
    """An export derived from the sample: columns renamed, added or dropped, rows edited."""
    header, rows = sample_rows()
    if edit is not None:
        rows = edit(rows)
    for name, value in (add_columns or {}).items():
        header.append(name)
        for row in rows:
            row[name] = value(row)
    header = [h for h in header if h not in drop_columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow([(rename_columns or {}).get(h, h) for h in header])
    for row in rows:
        writer.writerow([row[h] for h in header])
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return path


def copy_sample_dir(tmp_path: Path) -> Path:
    """A writable copy of the sample seed folder (for curated-file edits)."""
    target = tmp_path / "seed"
    shutil.copytree(SAMPLE_DIR, target)
    return target
