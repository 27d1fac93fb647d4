"""``/v1/stats/summary``: the largest models show their confidence and their ties."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_largest_model_shows_confidence_and_ties(client: TestClient) -> None:
    largest = client.get("/v1/stats/summary").json()["largest_model"]
    # Grok 3 and Grok 4 share the largest parameter count (3e12): the earlier one leads.
    assert (largest["slug"], largest["value"], largest["confidence"]) == (
        "grok-3",
        3e12,
        "Likely",
    )
    assert largest["ties"] == [
        {
            "slug": "grok-4",
            "name": "Grok 4",
            "publication_date": "2025-07-09",
            "confidence": "Speculative",
        }
    ]


def test_untied_records_have_no_ties(client: TestClient) -> None:
    body = client.get("/v1/stats/summary").json()
    assert body["largest_training_run"]["ties"] == []
    assert body["largest_training_run"]["confidence"] == "Speculative"
