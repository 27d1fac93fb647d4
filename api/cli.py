"""The ``dle`` command: migrate, seed, import, serve, record the OpenAPI examples."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def _migrate(args: argparse.Namespace) -> int:
    from api.config import get_settings
    from api.db import migrate

    url = get_settings().database_url
    if args.revision_down:
        migrate.downgrade(url, args.revision_down)
        print(f"downgraded to {args.revision_down}")
    else:
        migrate.upgrade(url, args.revision)
        print(f"database migrated to {args.revision} ({migrate.current_revision(url)})")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from api.config import get_settings
    from seed.errors import SeedError
    from seed.loader import load_seed

    settings = get_settings()
    try:
        report = load_seed(settings.database_url, args.seed_dir or settings.seed_dir)
    except SeedError as exc:
        print(f"seed refused; the database is unchanged.\n{exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        # e.g. SQLite still locked by a long download after the busy timeout
        reason = str(exc.orig).strip() if exc.orig else type(exc).__name__
        print(f"seed failed ({reason}); the database is unchanged.", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


def _import(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from api.config import get_settings
    from seed.errors import SeedError
    from seed.imports import import_export

    settings = get_settings()
    try:
        report = import_export(
            settings.database_url,
            args.path,
            args.seed_dir or settings.seed_dir,
            dry_run=args.dry_run,
            source_url=args.source_url,
            drop_broken_links=args.drop_broken_links,
        )
    except SeedError as exc:
        print(f"import refused; the database is unchanged.\n{exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        reason = str(exc.orig).strip() if exc.orig else type(exc).__name__
        print(f"import failed ({reason}); the database is unchanged.", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from api.config import get_settings
    from api.server.run import serve

    serve(
        get_settings(),
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
    )
    return 0


def _examples(args: argparse.Namespace) -> int:
    from api.app import create_app
    from api.config import get_settings
    from api.http.examples import EXAMPLES_PATH, record

    path: Path = args.output or EXAMPLES_PATH
    done = record(create_app(get_settings()), path)
    print(f"recorded {len(done)} examples in {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="dle", description="Deep Learning Evolution API")
    commands = parser.add_subparsers(dest="command", required=True)

    migrate = commands.add_parser("migrate", help="apply database migrations (Alembic)")
    migrate.add_argument("revision", nargs="?", default="head", help="target (default: head)")
    migrate.add_argument("--down", dest="revision_down", metavar="REVISION", help="downgrade to")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed", help="load seed/ data into the database")
    seed.add_argument("--seed-dir", type=Path, default=None, help="folder of seed files")
    seed.set_defaults(handler=_seed)

    imp = commands.add_parser(
        "import", help="load a newer export of Epoch AI's CSV (one transaction, with its diff)"
    )
    imp.add_argument("path", type=Path, help="the exported CSV file")
    imp.add_argument("--dry-run", action="store_true", help="report, write nothing")
    imp.add_argument("--source-url", default=None, help="where the file was downloaded")
    imp.add_argument(
        "--drop-broken-links",
        action="store_true",
        help="drop milestone links to models the export no longer holds (else: refuse)",
    )
    imp.add_argument("--seed-dir", type=Path, default=None, help="folder of the curated files")
    imp.set_defaults(handler=_import)

    serve = commands.add_parser("serve", help="serve the API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--no-access-log", action="store_true")
    serve.set_defaults(handler=_serve)

    examples = commands.add_parser(
        "examples", help="record the OpenAPI response examples from the database's data"
    )
    examples.add_argument("--output", type=Path, default=None, help="file to write")
    examples.set_defaults(handler=_examples)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dle`` console script."""
    args = build_parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
