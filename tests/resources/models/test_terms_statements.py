"""The built statements of multi-valued fields: one per set of fields, bounded in bytes."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient

from api.resources.models import service

FIELDS = ("tasks", "domains", "countries", "organizations")


def test_the_order_of_fields_neither_changes_the_answer_nor_grows_the_cache(
    sample_client: TestClient,
) -> None:
    service.TERMS_STATEMENTS.clear()
    answers = set()
    for order in itertools.permutations(FIELDS):
        response = sample_client.get("/v1/models", params={"fields": ",".join(order), "limit": 5})
        assert response.status_code == 200
        items = response.json()["items"]
        answers.add(repr(sorted((item["slug"], sorted(item.items())) for item in items)))
    assert len(answers) == 1
    assert list(service.TERMS_STATEMENTS) == [tuple(sorted(FIELDS))]


def test_statements_stay_within_their_byte_bound(sample_client: TestClient) -> None:
    names = sorted(service.MULTI_VALUED_BY_FIELD)
    for size in range(1, len(names) + 1):
        for combo in itertools.combinations(names, size):
            response = sample_client.get("/v1/models", params={"fields": ",".join(combo)})
            assert response.status_code == 200
    assert 0 < service.TERMS_STATEMENTS.currsize <= service.TERMS_STATEMENTS_MAX_BYTES
