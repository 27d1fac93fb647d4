"""CPU cost of the expensive answers: full CSV and NDJSON downloads, the Swagger UI bundle.

Run from the repository root (about half a minute on one core)::

    .venv/bin/python -m bench.answer_cost            # 20 timed requests of each kind
    .venv/bin/python -m bench.answer_cost --requests 50

It migrates and seeds a temporary SQLite database with the full seed data
(``seed/data``), builds the application with the default settings, and sends the
requests in-process through Starlette's ``TestClient`` with
``Accept-Encoding: gzip`` (what browsers and ``curl --compressed`` send). For each
kind it sends two warm-up requests (not counted: the first fills the caches), then
measures ``time.process_time()`` (CPU of the whole process, the client's share
included, so the figures are an upper bound of the server's; bodies are read as
sent, not decoded) over the timed requests, and prints the CPU per request in
milliseconds, the body size as sent and the ``x-cache`` header of the last answer.
Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.db.migrate import upgrade
from seed.loader import load_seed

ROOT = Path(__file__).resolve().parent.parent
TARGETS = (
    ("full CSV download", "/v1/models.csv"),
    ("full NDJSON download", "/v1/models.ndjson"),
    ("Swagger UI bundle", "/static/docs/swagger-ui-bundle.js"),
)
HEADERS = {"Accept-Encoding": "gzip"}
WARM_UP = 2


def measure(client: TestClient, path: str, requests: int) -> tuple[float, int, str]:
    """CPU milliseconds per request, bytes sent, and the last answer's ``x-cache``."""
    for _ in range(WARM_UP):
        client.get(path, headers=HEADERS).raise_for_status()
    size = 0
    status = ""
    started = time.process_time()
    for _ in range(requests):
        # The body as sent, not decoded: the client's gunzip is no part of the cost.
        with client.stream("GET", path, headers=HEADERS) as response:
            response.raise_for_status()
            size = sum(len(chunk) for chunk in response.iter_raw())
            status = response.headers.get("x-cache", "-")
    elapsed = time.process_time() - started
    return 1000 * elapsed / requests, size, status


def main() -> None:
    """Seed, serve in-process, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade(url)
        load_seed(url, ROOT / "seed" / "data")
        with TestClient(create_app(Settings(database_url=url))) as client:
            print(f"{'answer':<24}{'CPU ms/request':>16}{'bytes sent':>12}  x-cache")
            for name, path in TARGETS:
                cost, size, status = measure(client, path, args.requests)
                print(f"{name:<24}{cost:>16.1f}{size:>12}  {status}")


if __name__ == "__main__":
    main()
