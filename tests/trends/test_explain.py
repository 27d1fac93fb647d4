"""The single fit's sentence and its warning about eras and breaks, on both backends."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from api.trends.answers import factor, factor_digits, months
from tests.trends.support import ok


def test_the_answer_is_the_fit_in_one_sentence(client: TestClient) -> None:
    body = ok(client, "/v1/trends/parameters?start=2010-01-01")
    low, high = body["growth_per_year_ci"]
    d = factor_digits(body["growth_per_year"])
    first = body["window"]["first_publication_date"][:4]
    last = body["window"]["last_publication_date"][:4]
    assert body["answer"] == (
        f"Parameters of notable models grew {factor(body['growth_per_year'], d)}x per year "
        f"(95% CI {factor(low, d)}-{factor(high, d)}) from {first} to {last}, doubling every "
        f"{months(body['doubling_time_months'])} months (n={body['n']})."
    )
    assert f"(n={body['n']})" in body["answer"]
    framed = ok(client, "/v1/trends/parameters?start=2010-01-01&domain=Language&ci=0.9")
    assert framed["answer"].startswith("Parameters of notable models (domain=Language) grew")
    assert "(90% CI " in framed["answer"]


def test_formatting_of_factors_and_months() -> None:
    assert (factor(2.0), factor(2.34), factor(1.047), factor(12.4), factor(None)) == (
        "2.0",
        "2.3",
        "1.05",
        "12",
        "unbounded",
    )
    assert (factor(1.27), factor(1.3, 3), factor(2.1, 2)) == ("1.27", "1.30", "2.1")
    assert (months(11.04), months(5.66)) == ("11", "5.7")


def test_a_fit_over_every_era_warns_and_names_better_questions(client: TestClient) -> None:
    body = ok(client, "/v1/trends/parameters")
    (warning,) = [w for w in body["warnings"] if w.startswith("One line may average")]
    assert "spans 4 eras" in warning
    assert "one line fits much worse than two lines broken at" in warning
    links = [part.split(": ", 1)[1] for part in warning.split("Better questions: ")[1].split("; ")]
    paths = [urlsplit(link.rstrip(".")).path for link in links]
    assert paths == [
        "/v1/trends/parameters/eras",
        "/v1/trends/parameters/compare",
        "/v1/trends/parameters/breakpoint",
    ]
    for link in links:
        ok(client, link.rstrip("."))  # every better question is answerable


def test_a_window_within_one_era_and_no_break_has_no_such_warning(
    sample_client: TestClient,
) -> None:
    body = ok(sample_client, "/v1/trends/parameters?start=2017-01-01&end=2021-01-01")
    assert not [w for w in body["warnings"] if w.startswith("One line may average")]
