"""The derived metric tokens_per_parameter over HTTP, on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.trends.stats.dates import decimal_year
from tests.trends.support import ok


def language_rows(client: TestClient) -> list[dict[str, Any]]:
    url = (
        "/v1/models?limit=500&domain=Language&has=parameters&has=training_dataset_size"
        "&fields=publication_date,parameters,training_dataset_size,domains"
    )
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        body = client.get(next_url).json()
        items += body["items"]
        next_url = f"{url}&cursor={body['next_cursor']}" if body["next_cursor"] else None
    return items


def test_tokens_per_parameter_is_dataset_size_over_parameters_of_language_models(
    client: TestClient,
) -> None:
    body = ok(client, "/v1/trends/tokens_per_parameter?start=2018-01-01")
    rows = [
        r
        for r in language_rows(client)
        if r["publication_date"] >= "2018-01-01" and r["parameters"] > 0
    ]
    ratios = [(r["publication_date"], r["training_dataset_size"] / r["parameters"]) for r in rows]
    positive = [(d, q) for d, q in ratios if q > 0]
    assert body["n"] == len(positive)
    x = np.array([decimal_year(dt.date.fromisoformat(d)) for d, _ in positive])
    slope, _ = np.polyfit(x, np.log10([q for _, q in positive]), 1)
    assert body["slope_oom_per_year"] == pytest.approx(slope, rel=1e-9)
    assert body["unit"].startswith("training tokens")
    assert body["answer"].startswith("Training tokens per parameter of notable models")
    # only Language models have one: over every domain the count is that of Language models
    every = ok(client, "/v1/trends/tokens_per_parameter/records")
    language = [r for r in language_rows(client) if r["parameters"] > 0]
    assert every["n"] == sum(1 for r in language if r["training_dataset_size"] > 0)
