"""Resolution of filter values against a vocabulary, and values remembered per data
version: a re-seed that renames a value is seen by the next request."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.db.migrate import upgrade
from api.errors import InvalidParameterError
from api.resources.vocabularies.service import Loaded, Value
from seed.loader import load_seed
from tests.conftest import SAMPLE_DIR, make_client

VALUES = Loaded.of(
    (
        Value("(Visual) Question answering", "visual-question-answering", 1),
        Value("Visual question answering", "visual-question-answering-2", 5),
        Value("OpenAI", "openai", 3),
        Value("Google Brain", "google-brain", 2),
    )
)


@pytest.mark.parametrize(
    ("given", "names"),
    [
        ("OpenAI", ["OpenAI"]),
        ("openai", ["OpenAI"]),
        ("Open AI", ["OpenAI"]),
        ("google-brain", ["Google Brain"]),
        ("GOOGLE_BRAIN", ["Google Brain"]),
        # exactly (or but for case) one value: that one, though another has the same key
        ("visual question answering", ["Visual question answering"]),
        ("visual-question-answering", ["(Visual) Question answering"]),
        # only the key matches: every value of that key
        ("Visual Question-Answering", ["(Visual) Question answering", "Visual question answering"]),
        ("Googl", []),
        ("", []),
        ("()", []),
    ],
)
def test_resolution_prefers_the_exact_value_then_every_value_of_the_key(
    given: str, names: list[str]
) -> None:
    assert [value.name for value in VALUES.resolve(given)] == names


def test_a_renamed_value_is_seen_after_a_re_seed(empty_url: str, tmp_path: Path) -> None:
    """The values are remembered per data version: the next version reads its own."""
    upgrade(empty_url)
    load_seed(empty_url, SAMPLE_DIR)
    with make_client(empty_url) as client:
        before = client.get("/v1/vocabularies/domains").json()
        assert "Other" in [v["name"] for v in before["values"]]
        assert client.get("/v1/models?domain=Other").json()["total"] == 1

        renamed = tmp_path / "seed"
        shutil.copytree(SAMPLE_DIR, renamed)
        csv = renamed / "epoch_notable_ai_models.csv"
        text = csv.read_text(encoding="utf-8")
        csv.write_text(text.replace(",1957-01-01,Other,", ",1957-01-01,Robotics,"), "utf-8")
        load_seed(empty_url, renamed)

        after = client.get("/v1/vocabularies/domains").json()
        assert after["meta"]["data_version"] != before["meta"]["data_version"]
        names = [v["name"] for v in after["values"]]
        assert "Robotics" in names and "Other" not in names
        assert client.get("/v1/models?domain=robotics").json()["total"] == 1
        refused = client.get("/v1/models?domain=Other")
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["loc"] == ["query", "domain"]


def test_the_refusal_is_an_invalid_parameter() -> None:
    from api.listing.params import unknown_value

    error = unknown_value("domain", "Langauge", ["Language", "Vision"], vocabulary="domains")
    assert isinstance(error, InvalidParameterError)
    assert error.errors is not None
    assert error.errors[0].suggestions == ["Language"]
    assert error.detail == (
        "domain: unknown value 'Langauge'; closest: Language; expected one of Language, "
        "Vision; every value: /v1/vocabularies/domains"
    )
