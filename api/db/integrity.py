"""Is the SQLite file damaged? Checked once per version of the file, reported once.

``PRAGMA quick_check`` reads every page, so its verdict is cached per file identity:
device, inode, size and modification time of the file and of its -wal. A re-seed or
a restored file is a new identity, checked afresh. A data route that meets a damaged
file (SQLite's "database disk image is malformed", "file is not a database") records
it here, so ``/ready`` fails at once, and the log names the file and the reason once
per process, file identity and reason, not once per request.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path

from api.db.engine import read_only_authorizer

logger = logging.getLogger("api.db")

Identity = tuple[int, ...]

_lock = threading.Lock()
_verdicts: dict[Path, tuple[Identity, str | None]] = {}
_reported: set[tuple[Path, Identity, str]] = set()


def file_identity(path: Path) -> Identity:
    """(device, inode, size, mtime) of the file and of its -wal; () when it is missing."""
    parts: list[int] = []
    for candidate in (path, Path(f"{path}-wal")):
        try:
            stat = os.stat(candidate)
        except OSError:
            continue
        parts += [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]
    return tuple(parts)


def report_damage(path: Path, reason: str) -> None:
    """Log that ``path`` is damaged (once per identity and reason) and remember it."""
    identity = file_identity(path)
    with _lock:
        _verdicts[path] = (identity, reason)
        first = (path, identity, reason) not in _reported
        _reported.add((path, identity, reason))
    if first:
        logger.error("the SQLite database %s is damaged: %s", path, reason)


def damage(path: Path) -> str | None:
    """Why ``path`` is damaged, or None when it passes ``PRAGMA quick_check``."""
    identity = file_identity(path)
    with _lock:
        cached = _verdicts.get(path)
    if cached is not None and cached[0] == identity:
        return cached[1]
    reason = _quick_check(path)
    if reason is not None:
        report_damage(path, reason)
    else:
        with _lock:
            _verdicts[path] = (identity, None)
    return reason


def _quick_check(path: Path) -> str | None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None  # cannot open: unreachable, not damaged (reported elsewhere)
    try:
        connection.set_authorizer(read_only_authorizer)
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError:
        return None  # busy or unreadable right now: not a verdict on the file
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()
    messages = [str(row[0]) for row in rows]
    return None if messages == ["ok"] else "; ".join(messages[:3])
