"""What a computed list page runs in worker threads: only what reads the database.

Each sync dependency FastAPI meets costs a hop to a worker thread and back. The checks
of the query (unknown parameters, the page, the settings) are pure and the session does
no I/O until its first statement, so they run on the event loop; the provenance, the
filters' vocabulary and the endpoint read the database.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest

from tests.conftest import make_client

# The provenance, the filters (their terms are resolved against the vocabulary) and the
# endpoint; closing the session is one more on PostgreSQL (a round trip).
HOPS = {"sqlite": 3, "postgresql": 4}


def test_a_computed_list_page_hops_to_a_worker_thread_only_to_read(
    seeded_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops: list[Any] = []
    original = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(function)
        return await original(function, *args, **kwargs)

    with make_client(seeded_url, cache_max_entries=0) as client:
        assert client.get("/v1/models", params={"limit": "1"}).status_code == 200
        monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
        for limit in ("2", "3"):
            response = client.get("/v1/models", params={"limit": limit, "domain": "Language"})
            assert response.status_code == 200
    assert len(hops) == 2 * HOPS[backend], hops
