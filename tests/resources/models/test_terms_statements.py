"""The built statements of multi-valued fields: one per set of fields, bounded in bytes."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from api.db.engine import make_engine
from api.resources.models import service
from api.tables import MLModel

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
    assert {fields for fields, _ in service.TERMS_STATEMENTS} == {tuple(sorted(FIELDS))}


def test_statements_stay_within_their_byte_bound(sample_client: TestClient) -> None:
    names = sorted(service.MULTI_VALUED_BY_FIELD)
    for size in range(1, len(names) + 1):
        for combo in itertools.combinations(names, size):
            response = sample_client.get("/v1/models", params={"fields": ",".join(combo)})
            assert response.status_code == 200
    assert 0 < service.TERMS_STATEMENTS.currsize <= service.TERMS_STATEMENTS_MAX_BYTES


def _terms_in_source_order(session: Session, ids: list[int]) -> dict[tuple[int, str], list[str]]:
    expected: dict[tuple[int, str], list[str]] = {}
    for name, multi in service.MULTI_VALUED_BY_FIELD.items():
        link, term = multi.link, multi.term
        rows = session.execute(
            select(link.c.ml_model_id, term.name)  # type: ignore[attr-defined]
            .join(term, term.id == link.c.term_id)  # type: ignore[arg-type, attr-defined]
            .where(link.c.ml_model_id.in_(ids))
            .order_by(link.c.ml_model_id, link.c.position)
        )
        for model_id, term_name in rows:
            expected.setdefault((model_id, name), []).append(term_name)
    return expected


@pytest.mark.parametrize("dense", [0, 10**9], ids=["each id", "one range"])
def test_terms_come_in_source_order_for_exactly_the_ids_asked(
    sample_url: str, dense: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read by id or as one range of ids (a download's dense pages), the same terms, in
    their source order, and none of the ids in the range that were not asked for."""
    monkeypatch.setattr(service, "DENSE_IDS", dense)
    engine = make_engine(sample_url, read_only=True)
    try:
        with Session(engine) as session:
            every = list(session.execute(select(MLModel.id)).scalars())  # type: ignore[call-overload]
            asked = sorted(every)[::2]
            expected = _terms_in_source_order(session, asked)
            found = service.load_terms(session, asked, sorted(service.MULTI_VALUED_BY_FIELD))
            assert found == expected
            assert any(len(names) > 1 for names in found.values())  # order is tested
    finally:
        engine.dispose()
