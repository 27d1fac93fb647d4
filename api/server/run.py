"""``dle serve``: uvicorn's options from the settings, then uvicorn.

The application goes to uvicorn as the import string ``api.app:app`` (each worker
process imports it); the protocol as a class, which ``--workers N`` pickles by name
into the spawned workers.
"""

from __future__ import annotations

from typing import Any

import uvicorn

from api.config import Settings
from api.server.protocol import EdgeProtocol

APP = "api.app:app"


def uvicorn_options(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int = 1,
    log_level: str = "info",
    access_log: bool = True,
) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` for ``dle serve``."""
    return {
        "host": host,
        "port": port,
        "workers": workers,
        "loop": "uvloop",
        "http": EdgeProtocol,  # httptools, with the head limits of api/server/protocol.py
        "log_level": log_level,
        "access_log": access_log,
        # Forwarded / X-Forwarded-* are read by the application, once, from the peers of
        # DLE_FORWARDED_ALLOW_IPS (api/http/forwarded.py); uvicorn's own reading is off.
        "proxy_headers": False,
        "server_header": False,  # no "server: uvicorn" banner
        # Per worker: past it, requests get a 503 problem (EdgeProtocol's, not uvicorn's).
        "limit_concurrency": settings.max_connections,
        "backlog": settings.backlog,
        "timeout_keep_alive": settings.keep_alive_timeout_seconds,
    }


def serve(settings: Settings, **options: Any) -> None:
    """Run the API with uvicorn until it is stopped."""
    uvicorn.run(APP, **uvicorn_options(settings, **options))
