"""Slugs are URL-safe, unique and independent of input order."""

from __future__ import annotations

import random
import re

from hypothesis import given
from hypothesis import strategies as st

from seed.slugs import assign_unique_slugs, slugify

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_examples() -> None:
    assert slugify("GPT-3 175B (davinci)") == "gpt-3-175b-davinci"
    assert slugify("DALL·E 2") == "dall-e-2"
    assert slugify("PanGu-Σ") == "pangu-sigma"
    assert slugify("Solar Open 100B") == "solar-open-100b"


def test_collisions_resolved_by_date_not_file_order() -> None:
    keys = [("DeepLabv3", "2017-06-17"), ("DeepLabV3", "2017-06-17"), ("PointNet", "2016-12-02")]
    first = assign_unique_slugs(keys)
    shuffled = keys[:]
    random.Random(3).shuffle(shuffled)
    assert assign_unique_slugs(shuffled) == first
    assert sorted(first.values()) == ["deeplabv3", "deeplabv3-2", "pointnet"]


@given(st.lists(st.text(min_size=1), min_size=1, max_size=30, unique=True))
def test_slugs_unique_and_url_safe(names: list[str]) -> None:
    slugs = assign_unique_slugs((name, "") for name in names)
    assert len(set(slugs.values())) == len(names)
    assert all(SLUG.match(slug) for slug in slugs.values())
