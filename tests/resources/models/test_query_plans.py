"""Common filters and sorts use indexes: SQLite's EXPLAIN QUERY PLAN of the real queries.

The statements are the ones the services send (captured on the engine), explained on
the same connection. A plan must not read the whole ``ml_model`` table, nor sort
every matching row, where an index gives the order: at a million rows that is the
difference between a fraction of a millisecond and a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from api.db.migrate import upgrade
from api.listing.pages import parse_sort
from api.listing.query import COUNTS, PageRequest
from api.provenance import provenance
from api.resources.models import service
from api.resources.models.filters import ModelFilters
from api.trends.series import fetch_series, trend_filters
from seed.loader import load_seed
from tests.backends import fresh_database
from tests.conftest import SEED_DIR

FIELDS = "name,publication_date,parameters,domains"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with fresh_database("sqlite", tmp_path_factory.mktemp("plans")) as url:
        upgrade(url)
        load_seed(url, SEED_DIR)
        engine = create_engine(url)
        yield engine
        engine.dispose()


class Captured:
    """Statements sent to the database while a block runs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []

    def __enter__(self) -> Captured:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((statement, params))

    def one(self, *, starts: str, contains: str = "") -> tuple[str, Any]:
        found = [s for s in self.statements if s[0].startswith(starts) and contains in s[0]]
        assert len(found) == 1, [s[0][:80] for s in self.statements]
        return found[0]


def plan(engine: Engine, statement: tuple[str, Any]) -> list[str]:
    """The details of EXPLAIN QUERY PLAN, one line per step."""
    sql, params = statement
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
    return [row[3] for row in rows]


def list_page(
    engine: Engine, filters: ModelFilters, sort: str, page: PageRequest | None = None
) -> tuple[dict[str, Any], tuple[str, Any]]:
    """Run the model list; return the page and its page query (not the count)."""
    keys = parse_sort(sort, service.SORTABLE, service.DEFAULT_SORT)
    fields = service.parse_fields(FIELDS, service.SUMMARY_FIELDS)
    with Session(engine) as session, Captured(engine) as captured:
        body = service.list_models(
            session, provenance(session), filters, keys, page or PageRequest(50), fields
        )
    return body, captured.one(starts="SELECT ml_model.id", contains="LIMIT")


def assert_no_full_sort(steps: list[str]) -> None:
    # "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY" (ties of the first key) is fine: the
    # index gives the order and the scan stops after the page.
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps, steps


def test_domain_filter_sorted_by_date_walks_the_date_index(engine: Engine) -> None:
    body, statement = list_page(
        engine, ModelFilters(terms={"domain": ("Language",)}), "-publication_date"
    )
    assert body["items"]
    steps = plan(engine, statement)
    assert "SCAN ml_model USING INDEX ix_ml_model_publication_date_id_metrics" in steps, steps
    assert any(s.startswith("SEARCH ml_model_domain USING COVERING INDEX") for s in steps), steps
    assert not any(s.startswith("SCAN ml_model_domain") for s in steps), steps
    assert_no_full_sort(steps)


@pytest.mark.parametrize("sort", ["-parameters", "parameters", "-training_compute_flop"])
def test_sort_by_a_nullable_number_reads_its_index(engine: Engine, sort: str) -> None:
    body, statement = list_page(engine, ModelFilters(), sort)
    assert body["items"]
    steps = plan(engine, statement)
    index = f"ix_ml_model_{sort.lstrip('-')}_id"
    assert any(index in s for s in steps), steps
    assert "SCAN ml_model" not in steps, steps
    assert_no_full_sort(steps)


def test_date_window_is_an_index_range(engine: Engine) -> None:
    window = ModelFilters(start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1))
    _, statement = list_page(engine, window, "-publication_date")
    steps = plan(engine, statement)
    expected = (
        "SEARCH ml_model USING INDEX ix_ml_model_publication_date_id_metrics "
        "(publication_date>? AND publication_date<?)"
    )
    assert expected in steps, steps
    assert_no_full_sort(steps)


def cursor_page_plan(engine: Engine, sort: str, offset: int) -> list[str]:
    first, _ = list_page(engine, ModelFilters(), sort, PageRequest(50, offset=offset))
    cursor = first["next_cursor"]
    assert cursor is not None
    page, statement = list_page(engine, ModelFilters(), sort, PageRequest(50, cursor=cursor))
    assert page["offset"] == offset + 50
    return plan(engine, statement)


@pytest.mark.parametrize("sort", ["-name", "name"])
def test_cursor_page_seeks_the_index_to_the_cursor(engine: Engine, sort: str) -> None:
    steps = cursor_page_plan(engine, sort, 400)
    column = sort.lstrip("-")
    sought = [s for s in steps if s.startswith("SEARCH ml_model USING INDEX") and column in s]
    assert sought, steps  # a range on the sort key, not a scan from the first row
    assert_no_full_sort(steps)


@pytest.mark.parametrize("sort", ["-publication_date", "publication_date"])
def test_cursor_page_by_date_seeks_the_date_index(engine: Engine, sort: str) -> None:
    # The date is nullable (an export may give none): before the null group, the page
    # reads the rest of the non-null range from the cursor on (the nulls after it are a
    # range of their own), so depth 500,000 costs what depth 50 costs.
    steps = cursor_page_plan(engine, sort, 400)
    bound = "publication_date<?" if sort.startswith("-") else "publication_date>?"
    sought = [s for s in steps if "ix_ml_model_publication_date_id_metrics" in s and bound in s]
    assert sought, steps
    assert_no_full_sort(steps)


def test_cursor_page_of_a_nullable_key_reads_its_index(engine: Engine) -> None:
    # Before the null group the index is sought to the cursor (api/listing/pages.py
    # ``after``: the rest of the non-null range, then the nulls); inside it, the nulls are
    # one range.
    before_nulls = cursor_page_plan(engine, "-parameters", 100)
    assert any("ix_ml_model_parameters_id" in s and "parameters<?" in s for s in before_nulls), (
        before_nulls
    )
    assert_no_full_sort(before_nulls)
    in_nulls = cursor_page_plan(engine, "-parameters", 900)
    assert any(
        s.startswith("SEARCH ml_model USING INDEX ix_ml_model_parameters_id (parameters=?")
        for s in in_nulls
    ), in_nulls
    assert_no_full_sort(in_nulls)


def test_trend_series_reads_only_an_index_range(engine: Engine) -> None:
    filters = trend_filters(start=dt.date(2010, 1, 1))
    with Session(engine) as session, Captured(engine) as captured:
        series = fetch_series(session, "parameters", filters)
    assert len(series.values) > 100
    statement = captured.one(starts="SELECT CAST(julianday(ml_model.publication_date)")
    steps = plan(engine, statement)
    # Index only: the date range of the covering index, never the wide table rows.
    expected = (
        "SEARCH ml_model USING COVERING INDEX ix_ml_model_publication_date_id_metrics "
        "(publication_date>?)"
    )
    assert expected in steps, steps


def test_list_totals_are_counted_once_per_data_version(engine: Engine) -> None:
    previous = COUNTS.max_entries
    COUNTS.resize(16)
    try:
        filters = ModelFilters(terms={"domain": ("Vision",)})
        with Captured(engine) as captured:
            first, _ = list_page(engine, filters, "-publication_date")
            second, _ = list_page(engine, filters, "-publication_date")
    finally:
        COUNTS.resize(previous)
    counts = [s for s, _ in captured.statements if s.startswith("SELECT count(*)")]
    assert len(counts) == 1
    assert first["total"] == second["total"] > 0
