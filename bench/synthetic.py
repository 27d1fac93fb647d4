"""Deterministic synthetic models, written in the format of Epoch AI's CSV.

``write_seed_dir(target, rows, seed)`` writes a seed folder that ``seed.loader``
loads like the real one: ``epoch_notable_ai_models.csv`` with the real header, the
real ``eras.toml`` and those real milestones that link to no model (the others name
real model slugs, which synthetic data does not have).

The distributions follow the shape of the real snapshot:

* dates: 1950 to 2025, the yearly count growing about 5% a year before 2008 and
  about 20% a year after, as notable models do;
* domains, tasks, confidence, accessibility, countries and organization categories
  with the real frequencies (rounded), a few models with two or three domains;
* organizations: a pool that grows with the data (one per 25 models) with a
  Zipf-like popularity, each with a fixed country and category;
* parameters, training compute and dataset size: log-normal around a log-linear
  trend in the publication date, steeper after 2010 (about 0.3, 0.6 and 0.25 orders
  of magnitude a year), missing as often as in the real data (30%, 47%, 32%);
* text: names unique by construction, links, short reference titles, authors and
  short abstracts (about a third of the real length, to keep a million rows
  loadable in minutes).

Only ``random.Random`` with a fixed seed is used, and only methods whose results
do not depend on the platform or on hash randomization, so the same arguments give
the same bytes on every machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import shutil
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate
from pathlib import Path

from seed.sources.epoch import FILE_NAME

REAL_SEED_DIR = Path(__file__).resolve().parent.parent / "seed" / "data"
ERAS_FILE = "eras.toml"
MILESTONES_FILE = "milestones.toml"
FIRST_YEAR, LAST_YEAR = 1950, 2025


def real_header() -> list[str]:
    """The column order of the real file."""
    with (REAL_SEED_DIR / FILE_NAME).open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


class Weighted:
    """Draw from a fixed list of (value, weight) with one ``random()`` call."""

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))

    def draw(self, rng: random.Random) -> str:
        """One value."""
        index = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.values[min(index, len(self.values) - 1)]


DOMAINS = Weighted(
    [
        ("Language", 484),
        ("Vision", 332),
        ("Multimodal", 103),
        ("Speech", 55),
        ("Image generation", 55),
        ("Games", 51),
        ("Biology", 48),
        ("Video", 46),
        ("Robotics", 27),
        ("Audio", 22),
        ("Other", 17),
        ("Mathematics", 16),
        ("Recommendation", 8),
        ("3D modeling", 6),
        ("Medicine", 5),
    ]
)
TASKS_BY_DOMAIN = {
    "Language": ["Language modeling/generation", "Question answering", "Translation", "Chat"],
    "Vision": ["Image classification", "Object detection", "Image segmentation"],
    "Multimodal": ["Visual question answering", "Image captioning", "Chat"],
    "Speech": ["Speech recognition (ASR)", "Speech synthesis"],
    "Image generation": ["Image generation", "Text-to-image"],
    "Games": ["Atari", "Go", "StarCraft"],
    "Biology": ["Proteins", "Protein folding prediction"],
    "Video": ["Video generation", "Action recognition"],
    "Robotics": ["Robotic manipulation", "Navigation"],
    "Audio": ["Audio generation", "Music generation"],
    "Other": ["Tabular data", "Forecasting"],
    "Mathematics": ["Mathematical reasoning", "Theorem proving"],
    "Recommendation": ["Recommender system"],
    "3D modeling": ["3D reconstruction"],
    "Medicine": ["Medical diagnosis"],
}
CONFIDENCE = Weighted(
    [("Confident", 451), ("Unknown", 181), ("Likely", 179), ("Speculative", 90), ("", 75)]
)
MODEL_ACCESS = Weighted(
    [
        ("Unreleased", 279),
        ("", 255),
        ("Open weights (unrestricted)", 197),
        ("API access", 105),
        ("Open weights (non-commercial)", 64),
        ("Open weights (restricted use)", 41),
        ("Hosted access (no API)", 35),
    ]
)
TRAINING_CODE = Weighted(
    [
        ("Unreleased", 430),
        ("", 304),
        ("Open source", 190),
        ("Open (non-commercial)", 45),
        ("Open (restricted use)", 7),
    ]
)
INFERENCE_CODE = Weighted(
    [
        ("", 724),
        ("Open source", 186),
        ("Open access (non-commercial)", 34),
        ("Unreleased", 25),
        ("Open access (restricted use)", 7),
    ]
)
NUMERICAL_FORMAT = Weighted(
    [("", 725), ("FP16", 87), ("FP32", 83), ("BF16", 68), ("FP8", 10), ("TF32", 2)]
)
CATEGORIES = Weighted(
    [("Industry", 754), ("Academia", 652), ("Government", 19), ("Research collective", 18)]
)
COUNTRIES = Weighted(
    [
        ("United States of America", 842),
        ("China", 202),
        ("United Kingdom of Great Britain and Northern Ireland", 138),
        ("Canada", 71),
        ("France", 58),
        ("Germany", 38),
        ("Korea (Republic of)", 29),
        ("Hong Kong", 19),
        ("Singapore", 18),
        ("Switzerland", 17),
        ("Israel", 14),
        ("Japan", 12),
        ("India", 8),
    ]
)
NOTABILITY = Weighted(
    [
        ("SOTA improvement", 573),
        ("Highly cited", 297),
        ("Historical significance", 133),
        ("Training cost", 75),
        ("Significant use", 67),
        ("Discretionary", 20),
    ]
)
HARDWARE = Weighted(
    [
        ("", 624),
        ("NVIDIA A100", 51),
        ("NVIDIA V100", 50),
        ("Google TPU v3", 45),
        ("Google TPU v4", 28),
        ("NVIDIA H100 SXM5 80GB", 25),
        ("NVIDIA A100 SXM4 80 GB", 18),
        ("NVIDIA GeForce GTX 580", 11),
        ("NVIDIA Tesla K80", 6),
    ]
)
STEMS = (  # noqa: SIM905 - a word list reads better as text
    "Orion Atlas Vega Lyra Nova Helix Quill Ember Sable Tundra Cobalt Aurora Zephyr Onyx "
    "Pulsar Fable Mosaic Cipher Delta Kestrel Lumen Prism Quasar Rune Sierra Titan Umbra "
    "Vertex Willow Xenon Yarrow Zenith"
).split()
WORDS = (  # noqa: SIM905
    "we present a model trained on large data that improves accuracy on standard "
    "benchmarks while using less compute than previous methods and scales with "
    "parameters data and training time across tasks in several domains"
).split()
SURNAMES = (  # noqa: SIM905
    "Smith Chen Wang Garcia Kim Nguyen Müller Rossi Dubois Tanaka Silva Cohen Patel "
    "Ivanova Okafor Larsen"
).split()


def _year_weights() -> list[tuple[str, float]]:
    weights = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if year >= 2008:
            weight = math.exp(0.18 * (min(year, 2023) - 2023))
        else:
            weight = math.exp(0.18 * (2008 - 2023)) * math.exp(0.05 * (year - 2008))
        weights.append((str(year), weight))
    return weights


YEARS = Weighted(_year_weights())


def _trend(year: float, start: float, early_slope: float, late_slope: float) -> float:
    """log10 of a typical value: one slope until 2010, another after."""
    if year < 2010:
        return start + early_slope * (year - FIRST_YEAR)
    return start + early_slope * (2010 - FIRST_YEAR) + late_slope * (year - 2010)


def _maybe(rng: random.Random, present: float, value: str) -> str:
    return value if rng.random() < present else ""


def _number(value: float) -> str:
    return f"{float(f'{value:.3g}'):.6g}" if value < 1e15 else f"{value:.3e}"


def _organizations(rows: int, rng: random.Random) -> tuple[list[tuple[str, str, str]], Weighted]:
    count = max(20, rows // 25)
    orgs = [
        (f"{rng.choice(STEMS)} Lab {index:05d}", COUNTRIES.draw(rng), CATEGORIES.draw(rng))
        for index in range(count)
    ]
    popularity = Weighted([(str(i), 1.0 / (i + 1) ** 1.1) for i in range(count)])
    return orgs, popularity


def generate_rows(rows: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """``rows`` synthetic source rows (column name -> cell text), the same for a seed."""
    rng = random.Random(seed)
    orgs, popularity = _organizations(rows, rng)
    for index in range(1, rows + 1):
        year = int(YEARS.draw(rng))
        start = dt.date(year, 1, 1)
        days = (dt.date(year + 1, 1, 1) - start).days
        date = start + dt.timedelta(days=int(rng.random() * days))
        decimal_year = year + (date - start).days / days

        domains = [DOMAINS.draw(rng)]
        if rng.random() < 0.16:
            domains.append(DOMAINS.draw(rng))
        if rng.random() < 0.05:
            domains.append(DOMAINS.draw(rng))
        domains = list(dict.fromkeys(domains))
        tasks = list(dict.fromkeys(rng.choice(TASKS_BY_DOMAIN[d]) for d in domains))
        org_count = 1 if rng.random() < 0.7 else (2 if rng.random() < 0.7 else 3)
        members = [orgs[int(popularity.draw(rng))] for _ in range(org_count)]
        members = list(dict.fromkeys(members))

        language = 0.5 if "Language" in domains else 0.0
        log_params = _trend(decimal_year, 2.5, 0.075, 0.3) + language + rng.gauss(0, 1.0)
        log_compute = _trend(decimal_year, 6.0, 0.175, 0.6) + language + rng.gauss(0, 1.0)
        log_data = _trend(decimal_year, 2.0, 0.083, 0.25) + rng.gauss(0, 1.0)
        compute = 10**log_compute
        stem = rng.choice(STEMS)
        size = 10**log_params
        label = f"{size / 1e9:.3g}B" if size >= 1e9 else f"{size / 1e6:.3g}M"
        frontier = rng.random() < (0.12 if year >= 2016 else 0.02)
        words = rng.randint(25, 60)
        abstract = " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
        authors = ", ".join(
            f"{chr(65 + rng.randint(0, 25))}. {rng.choice(SURNAMES)}"
            for _ in range(rng.randint(1, 6))
        )
        yield {
            "Model": f"{stem}-{label} S{index:07d}",
            "Organization": ",".join(org[0] for org in members),
            "Publication date": date.isoformat(),
            "Domain": ",".join(domains),
            "Task": ",".join(tasks),
            "Parameters": _maybe(rng, 0.70, _number(size)),
            "Parameters notes": _maybe(rng, 0.3, f"{label} parameters, as reported"),
            "Training compute (FLOP)": _maybe(rng, 0.53, _number(compute)),
            "Training compute notes": _maybe(rng, 0.2, "6ND estimate"),
            "Training dataset": _maybe(rng, 0.63, f"{stem} corpus"),
            "Training dataset size (gradients)": _maybe(rng, 0.68, _number(10**log_data)),
            "Dataset size notes": "",
            "Confidence": CONFIDENCE.draw(rng),
            "Link": _maybe(rng, 0.997, f"https://example.org/models/{index}"),
            "Reference": _maybe(rng, 0.98, f"{stem}: {tasks[0].lower()} at scale"),
            "Citations": _maybe(rng, 0.64, str(int(10 ** rng.uniform(0, 4.5)))),
            "Authors": _maybe(rng, 0.89, authors),
            "Abstract": _maybe(rng, 0.85, abstract),
            "Organization categorization": ",".join(org[2] for org in members),
            "Country (of organization)": ",".join(org[1] for org in members),
            "Notability criteria": NOTABILITY.draw(rng),
            "Notability criteria notes": "",
            "Epochs": _maybe(rng, 0.27, str(rng.randint(1, 100))),
            "Training time (hours)": _maybe(rng, 0.24, _number(10 ** rng.uniform(0, 4))),
            "Training time notes": "",
            "Training hardware": HARDWARE.draw(rng) if year >= 2010 else "",
            "Hardware quantity": _maybe(rng, 0.25, str(2 ** rng.randint(0, 14))),
            "Hardware utilization (MFU)": _maybe(rng, 0.05, f"{rng.uniform(0.2, 0.6):.3f}"),
            "Training compute cost (2023 USD)": _maybe(rng, 0.18, _number(compute / 2e17)),
            "Compute cost notes": "",
            "Training power draw (W)": _maybe(rng, 0.1, _number(10 ** rng.uniform(3, 7))),
            "Base model": "",
            "Finetune compute (FLOP)": _maybe(rng, 0.03, _number(compute / 100)),
            "Finetune compute notes": "",
            "Batch size": _maybe(rng, 0.12, str(2 ** rng.randint(4, 22))),
            "Batch size notes": "",
            "Model accessibility": MODEL_ACCESS.draw(rng),
            "Training code accessibility": TRAINING_CODE.draw(rng),
            "Inference code accessibility": INFERENCE_CODE.draw(rng),
            "Accessibility notes": "",
            "Numerical format": NUMERICAL_FORMAT.draw(rng),
            "Frontier model": "True" if frontier else "",
            "Hardware acquisition cost": _maybe(rng, 0.05, _number(compute / 5e16)),
            "Hardware utilization (HFU)": _maybe(rng, 0.02, f"{rng.uniform(0.2, 0.7):.3f}"),
            "Training compute cost (cloud)": _maybe(rng, 0.1, _number(compute / 1e17)),
            "Training compute cost (upfront)": _maybe(rng, 0.05, _number(compute / 3e16)),
        }


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    """Write the synthetic CSV (the real header, in the real column order)."""
    header = real_header()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(generate_rows(rows, seed))


def write_seed_dir(target: Path, rows: int, seed: int = 1) -> Path:
    """A complete seed folder with ``rows`` synthetic models; returns ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    write_csv(target / FILE_NAME, rows, seed)
    shutil.copyfile(REAL_SEED_DIR / ERAS_FILE, target / ERAS_FILE)
    (target / MILESTONES_FILE).write_text(unlinked_milestones(), encoding="utf-8")
    return target


def unlinked_milestones() -> str:
    """The real milestones that link to no model (the others name real model slugs)."""
    text = (REAL_SEED_DIR / MILESTONES_FILE).read_text(encoding="utf-8")
    blocks = text.split("[[milestone]]")
    kept = [block for block in blocks[1:] if "\nmodels = []\n" in block]
    return "# Real milestones without model links, for synthetic models.\n" + "".join(
        "[[milestone]]" + block for block in kept
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.synthetic TARGET_DIR --rows N [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    write_seed_dir(args.target, args.rows, args.seed)
    print(f"{args.rows} synthetic models in {args.target / FILE_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
