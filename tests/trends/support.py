"""Helpers shared by the trend route tests: bodies, problems, the models behind a fit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from api.trends.stats.dates import decimal_year

PROBLEM = "application/problem+json"


def ok(client: TestClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def problem(client: TestClient, url: str, status: int, name: str) -> dict[str, Any]:
    """A problem of ``status`` that names the query parameter ``name``."""
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["errors"][0]["loc"][:2] == ["query", name], body
    return body


def points(client: TestClient, field: str, query: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Decimal years, values and dates of the models with a positive ``field`` (from /v1/models),
    in publication order."""
    items: list[dict[str, Any]] = []
    url = f"/v1/models?limit=500&sort=publication_date&has={field}&fields=publication_date,{field}"
    url += f"&{query}" if query else ""
    next_url: str | None = url
    while next_url:
        body = client.get(next_url).json()
        items += body["items"]
        next_url = f"{url}&cursor={body['next_cursor']}" if body["next_cursor"] else None
    rows = [(r["publication_date"], r[field]) for r in items if r[field] > 0]
    rows.sort(key=lambda r: r[0])
    x = np.array([decimal_year(dt.date.fromisoformat(d)) for d, _ in rows])
    return x, np.array([v for _, v in rows], dtype=np.float64), [d for d, _ in rows]
