"""``/breakpoint?max_breaks=K`` over HTTP, on both backends."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.trends.schemas import BreakpointResponse
from api.trends.stats.piecewise import select_breaks
from tests.trends.support import ok, points, problem

URL = "/v1/trends/parameters/breakpoint?start=2010-01-01"


def test_without_max_breaks_the_single_break_answer_is_unchanged(client: TestClient) -> None:
    body = ok(client, URL)
    assert body["piecewise"] is None
    with_pieces = ok(client, f"{URL}&max_breaks=2")
    for key in ("break_date", "jump_oom", "jump_oom_ci", "before", "after", "p_value"):
        assert with_pieces[key] == body[key]


@pytest.mark.parametrize("jump", [True, False])
def test_breaks_chosen_by_bic_match_the_estimator_on_the_models(
    client: TestClient, jump: bool
) -> None:
    body = ok(client, f"{URL}&max_breaks=3&jump={str(jump).lower()}&min_points_per_side=20")
    BreakpointResponse.model_validate(body)
    pieces = body["piecewise"]
    x, v, dates = points(client, "parameters", "start=2010-01-01")
    expected = select_breaks(x, np.log10(v), 3, jump, 20, 0.95)
    assert pieces["chosen_breaks"] == len(expected.fits[expected.chosen].breaks)
    assert [c["bic"] for c in pieces["candidates_by_breaks"]] == pytest.approx(
        [f.bic for f in expected.fits]
    )
    chosen = int(np.argmin([c["bic"] for c in pieces["candidates_by_breaks"]]))
    assert pieces["chosen_breaks"] == chosen
    assert len(pieces["segments"]) == chosen + 1
    assert sum(s["n"] for s in pieces["segments"]) == body["n"]
    for brk in pieces["breaks"]:
        assert brk["date"] in dates
        assert (brk["jump_oom"] is None) is (not jump)
    story = pieces["story"]
    assert story["claim_date"] == "2020-01-01"
    low, high = story["slope_ratio_ci"]
    expected_verdict = True if low >= 10 else False if high < 10 else None
    assert story["supported"] is expected_verdict
    assert body["answer"].startswith(f"BIC chooses {chosen} of up to 3 breaks")


def test_max_breaks_is_at_most_three(client: TestClient) -> None:
    problem(client, f"{URL}&max_breaks=4", 422, "max_breaks")
