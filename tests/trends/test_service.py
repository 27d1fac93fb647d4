"""Trend services: decimal years, filters, era sources, queries, the comparison in words."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session

from api.db.migrate import upgrade
from api.trends import series as series_module
from api.trends.compare import answer, ten_times_faster
from api.trends.eras import BUILTIN_ERAS, SOURCE_BUILTIN, SOURCE_TABLE, era_windows
from api.trends.metrics import Confidence, Metric
from api.trends.present import doubling_note, pooled_units_warning
from api.trends.series import (
    confidence_at_least,
    count_excluded,
    fetch_series,
    fitted_domains,
    trend_filters,
)
from api.trends.service import TrendQuery
from api.trends.stats.compare import compare_slopes
from api.trends.stats.fit import fit_loglinear
from tests.trends.support import ok, points


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (None, ()),
        (Confidence.speculative, ("Speculative", "Likely", "Confident")),
        (Confidence.likely, ("Likely", "Confident")),
        (Confidence.confident, ("Confident",)),
    ],
)
def test_confidence_at_least(level: Confidence | None, expected: tuple[str, ...]) -> None:
    assert confidence_at_least(level) == expected


def test_trend_query_describes_filters_and_clips_windows() -> None:
    filters = trend_filters(
        start=dt.date(2015, 1, 1),
        end=dt.date(2020, 1, 1),
        domain=("Language",),
        min_confidence=Confidence.likely,
    )
    query = TrendQuery(Metric.parameters, filters, 0.9, Confidence.likely)
    assert query.describe() == {
        "domain": ["Language"],
        "confidence": ["Likely", "Confident"],
        "start": "2015-01-01",
        "end": "2020-01-01",
        "min_confidence": "Likely",
    }
    clipped = query.clipped(dt.date(2018, 1, 1), None)
    assert clipped is not None
    assert (clipped.start, clipped.end) == (dt.date(2018, 1, 1), dt.date(2020, 1, 1))
    assert clipped.terms == filters.terms
    assert clipped.choices == filters.choices
    assert query.clipped(None, dt.date(2015, 1, 1)) is None  # [2015, 2015) is empty
    assert query.clipped(dt.date(2021, 1, 1), None) is None


def test_ten_times_faster_follows_the_ratio_interval() -> None:
    before = fit_loglinear(*_series(0.1, 0.05, seed=1))
    fast = fit_loglinear(*_series(2.0, 0.05, seed=2))
    similar = fit_loglinear(*_series(0.12, 0.05, seed=3))
    flat = fit_loglinear(*_series(0.0, 2.0, seed=4))

    much_faster = compare_slopes(before, fast)
    assert much_faster.ratio_ci.low is not None
    assert much_faster.ratio_ci.low >= 10
    assert ten_times_faster(much_faster) is True
    text_fast = answer(Metric.parameters, dt.date(2018, 1, 1), before, fast, much_faster)
    assert "Ten times as fast or more" in text_fast
    assert f"{much_faster.ratio:.2f}x as fast" in text_fast

    slightly = compare_slopes(before, similar)
    assert ten_times_faster(slightly) is False
    text_similar = answer(Metric.parameters, dt.date(2018, 1, 1), before, similar, slightly)
    assert text_similar.startswith("From 2018-01-01 on, parameters grew")
    assert "95% CI" in text_similar
    assert "Not ten times as fast" in text_similar

    undefined = compare_slopes(flat, before)
    assert undefined.ratio_ci_shape != "bounded"
    assert ten_times_faster(undefined) is None
    text_flat = answer(Metric.parameters, dt.date(2018, 1, 1), flat, before, undefined)
    assert "unbounded" in text_flat
    assert "not settled" in text_flat


def _series(slope: float, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    years = np.linspace(2000, 2010, 40)
    return years, 10.0 ** (3 + slope * (years - 2000) + rng.normal(0, noise, years.size))


def test_doubling_notes() -> None:
    growing = fit_loglinear(*_series(0.5, 0.01, seed=5))
    assert doubling_note(growing) is None
    shrinking = fit_loglinear(*_series(-0.5, 0.01, seed=6))
    note = doubling_note(shrinking)
    assert note is not None
    assert "negative" in note
    assert "halves" in note
    uncertain = fit_loglinear([2000, 2001, 2002, 2003], [0.1, 10, 0.1, 10**1.2])
    assert uncertain.slope_oom_per_year > 0
    assert uncertain.doubling_time_ci.high is None
    assert "unbounded" in (doubling_note(uncertain) or "")


def test_pooled_units_warning_only_for_dataset_size_over_several_domains() -> None:
    assert pooled_units_warning(Metric.parameters, ["Language", "Vision"]) == []
    assert pooled_units_warning(Metric.training_dataset_size, ["Language"]) == []
    (warning,) = pooled_units_warning(Metric.training_dataset_size, ["Language", "Vision"])
    assert "units differ" in warning
    assert "Language, Vision" in warning


def test_builtin_eras_are_contiguous() -> None:
    for earlier, later in itertools.pairwise(BUILTIN_ERAS):
        assert earlier.end_date == later.start_date
    assert BUILTIN_ERAS[0].start_date is None
    assert BUILTIN_ERAS[-1].end_date is None


def test_era_windows_fall_back_then_read_the_table(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_engine(empty_url)
    try:
        with Session(engine) as session:  # migrated, no eras seeded: the defaults
            assert era_windows(session) == (list(BUILTIN_ERAS), SOURCE_BUILTIN)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO era (id, slug, name, start_date, end_date, summary, "
                    "boundary_source) VALUES "
                    "(1, 'late', 'Late', '2000-01-01', NULL, 's', 'b'), "
                    "(2, 'early', 'Early', '1950-01-01', '2000-01-01', 's', 'b')"
                )
            )
        with Session(engine) as session:
            eras, source = era_windows(session)
    finally:
        engine.dispose()
    assert source == SOURCE_TABLE
    assert [(e.slug, e.start_date, e.end_date) for e in eras] == [
        ("early", dt.date(1950, 1, 1), dt.date(2000, 1, 1)),
        ("late", dt.date(2000, 1, 1), None),
    ]


def test_queries_on_the_sample(sample_url: str) -> None:
    engine = create_engine(sample_url)
    try:
        with Session(engine) as session:
            everything = trend_filters()
            series = fetch_series(session, Metric.parameters, everything, labels=True)
            excluded = count_excluded(session, Metric.parameters, everything)
            cost = count_excluded(session, Metric.training_compute_cost, everything)
            language = trend_filters(domain=("language",), start=dt.date(2017, 1, 1))
            language_series = fetch_series(session, Metric.parameters, language)
            domains = fitted_domains(session, Metric.training_dataset_size, everything)
    finally:
        engine.dispose()
    assert series.n == 10
    assert (excluded.no_value, excluded.non_positive) == (0, 0)
    assert (cost.no_value, cost.non_positive) == (4, 0)  # Solar, DALL-E 2, LeNet-5, Perceptron
    assert list(series.dates) == sorted(series.dates)
    assert series.names[0] == "Perceptron Mark I"
    assert series.date(0) == dt.date(1957, 1, 1)
    assert series.years[0] == 1957.0
    assert math.isclose(float(series.values[-1]), 102e9)
    assert language_series.n == 4  # Transformer, GPT-2, GPT-3, Solar Open
    assert domains == ["Image generation", "Language", "Other", "Vision"]


def test_a_series_read_in_batches_is_the_series_read_at_once(
    sample_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows come from the driver a batch at a time; the batches' edges change nothing."""
    engine = create_engine(sample_url)
    everything = trend_filters()
    try:
        with Session(engine) as session:
            whole = fetch_series(session, Metric.parameters, everything, labels=True)
            monkeypatch.setattr(series_module, "FETCH_BATCH", 3)
            batched = fetch_series(session, Metric.parameters, everything, labels=True)
            unlabelled = fetch_series(session, Metric.parameters, everything)
    finally:
        engine.dispose()
    assert whole.n == batched.n == unlabelled.n == 10
    for read in (batched, unlabelled):
        assert np.array_equal(read.dates, whole.dates)
        assert np.array_equal(read.years, whole.years)
        assert np.array_equal(read.values, whole.values)
    assert batched.slugs == whole.slugs and batched.names == whole.names
    assert whole.dates.dtype == np.dtype("datetime64[D]") and whole.values.flags.c_contiguous


# --------------------------------------------------------------------------------------------
# top=N at release


def test_top_keeps_the_models_in_the_top_n_at_their_release(client: TestClient) -> None:
    body = ok(client, "/v1/trends/training_compute?top=10&start=2010-01-01")
    _, v_all, dates_all = points(client, "training_compute_flop", "")
    days = np.array([dt.date.fromisoformat(d).toordinal() for d in dates_all])
    kept = [
        i
        for i in range(v_all.size)
        if np.sum((days <= days[i]) & (v_all > v_all[i])) < 10 and dates_all[i] >= "2010-01-01"
    ]
    assert body["n"] == len(kept)
    assert body["filters"]["top"] == 10
    assert "top=10" in body["method"] and "(top=10)" in body["answer"]
    everything = ok(client, "/v1/trends/training_compute?start=2010-01-01")
    assert body["n"] < everything["n"]
