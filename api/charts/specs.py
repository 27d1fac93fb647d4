"""Vega-Lite specifications: what every figure shares, and the scatter chart of a metric.

A specification is self-contained (its data inline, in ``datasets``), so a frontend that
hands it to vega-embed draws exactly the picture the server renders. Every figure names
its source, licence and data version in its subtitle and in ``usermeta.meta``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any, Final

from api.charts.catalogue import Theme
from api.charts.data import ScatterData
from api.charts.params import ChartRequest
from api.provenance import Provenance
from api.trends.metrics import METRICS, Metric

VEGA_LITE_VERSION: Final = "6.4.1"
SCHEMA: Final = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_VERSION}.json"
TOP_DOMAINS: Final = 7

# Colours with at least 4.5:1 contrast for text on each background.
THEMES: Final[dict[Theme, dict[str, str]]] = {
    Theme.light: {
        "background": "#ffffff",
        "text": "#1f2328",
        "muted": "#57606a",
        "grid": "#e6e8eb",
        "line": "#1f2328",
        "band": "#8c959f",
        "record": "#b35900",
    },
    Theme.dark: {
        "background": "#0d1117",
        "text": "#e6edf3",
        "muted": "#9da7b3",
        "grid": "#30363d",
        "line": "#e6edf3",
        "band": "#8b949e",
        "record": "#f0883e",
    },
}
AXIS_TITLES: Final = {
    Metric.parameters: "Parameters",
    Metric.training_compute: "Training compute (FLOP)",
    Metric.training_dataset_size: "Training dataset size (datapoints)",
    Metric.training_compute_cost: "Training compute cost (2023 USD)",
}


def colours(theme: Theme) -> dict[str, str]:
    """The colours of ``theme``."""
    return THEMES[theme]


def config(theme: Theme) -> dict[str, Any]:
    """Vega-Lite ``config``: fonts, colours and axes of a theme."""
    c = colours(theme)
    text = {"labelColor": c["text"], "titleColor": c["text"]}
    return {
        "font": "DejaVu Sans, Verdana, sans-serif",
        "view": {"stroke": c["grid"]},
        "axis": {
            **text,
            "gridColor": c["grid"],
            "domainColor": c["muted"],
            "tickColor": c["muted"],
        },
        "legend": {**text, "orient": "right"},
        "title": {"color": c["text"], "subtitleColor": c["muted"], "anchor": "start"},
        "range": {"category": {"scheme": "tableau10" if theme is Theme.light else "set2"}},
    }


def credit(provenance: Provenance) -> list[str]:
    """The attribution, one line per source, and the data version."""
    lines = [part.strip() for part in provenance.attribution.split(";") if part.strip()]
    return [*lines, f"Data version {provenance.data_version}"]


def base(
    request: ChartRequest, provenance: Provenance, title: str, summary: list[str]
) -> dict[str, Any]:
    """The top level every figure shares: schema, size, title with credit, theme, meta."""
    figure = request.figure
    return {
        "$schema": SCHEMA,
        "description": f"{title}. {' '.join(summary)}",
        "title": {"text": title, "subtitle": [*summary, *credit(provenance)]},
        "width": figure.width,
        "height": figure.height,
        "background": colours(figure.theme)["background"],
        "padding": 8,
        "config": config(figure.theme),
        "usermeta": {
            "chart": request.chart.name,
            "filters": request.query.describe(),
            "meta": provenance.as_meta(),
        },
    }


def value_axis(metric: Metric) -> dict[str, Any]:
    """The log-scale value channel of a metric."""
    return {
        "field": "value",
        "type": "quantitative",
        "scale": {"type": "log"},
        "axis": {"title": AXIS_TITLES[metric], "format": "~e", "grid": True},
    }


DATE_AXIS: Final = {
    "field": "date",
    "type": "temporal",
    "axis": {"title": "Publication date", "grid": False},
}


def value_tooltip(metric: Metric) -> list[dict[str, Any]]:
    """Tooltip fields of a model: name, date, value, organization, domain."""
    return [
        {"field": "name", "type": "nominal", "title": "Model"},
        {"field": "date", "type": "temporal", "title": "Published", "format": "%Y-%m-%d"},
        {"field": "value", "type": "quantitative", "title": AXIS_TITLES[metric], "format": ".3~s"},
        {"field": "organization", "type": "nominal", "title": "Organization"},
        {"field": "domain", "type": "nominal", "title": "Domain"},
    ]


def _grouped_domains(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Points with their domain, the rarest grouped as Other (a legend of at most 8)."""
    counts = Counter(p["domain"] for p in points)
    top = {name for name, _ in counts.most_common(TOP_DOMAINS)}
    return [{**p, "domain": p["domain"] if p["domain"] in top else "Other"} for p in points]


LABEL_CHAR_PX: Final = 5.4  # width of a character of the 9 px label font, about
LABEL_HEIGHT_PX: Final = 11


def _year(iso: str) -> float:
    day = dt.date.fromisoformat(iso)
    return day.year + (day.timetuple().tm_yday - 1) / 366


def place_labels(
    points: list[dict[str, Any]], wanted: list[str], width: int, height: int
) -> set[str]:
    """The slugs of ``wanted`` (in priority order) whose labels fit without overlapping an
    earlier one, by their position on the plot (a greedy pass over label boxes)."""
    by_slug = {p["slug"]: p for p in points}
    if not points:
        return set()
    xs = [_year(p["date"]) for p in points]
    ys = [math.log10(p["value"]) for p in points]
    x0, x1 = min(xs), max(xs) or 1.0
    y0, y1 = min(ys), max(ys)
    span_x, span_y = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    kept: list[tuple[float, float, float, float]] = []
    chosen = set()
    for slug in wanted:
        point = by_slug.get(slug)
        if point is None:
            continue
        px = (_year(point["date"]) - x0) / span_x * width + 4
        py = (1 - (math.log10(point["value"]) - y0) / span_y) * height - 5
        box = (px, py - LABEL_HEIGHT_PX, px + LABEL_CHAR_PX * len(point["name"]), py)
        if box[2] > width:
            continue
        if any(box[0] < k[2] and k[0] < box[2] and box[1] < k[3] and k[1] < box[3] for k in kept):
            continue
        kept.append(box)
        chosen.add(slug)
    return chosen


def _short(era: str) -> str:
    return era.split(" / ")[0].removesuffix(" Era")


def _growth_line(data: ScatterData) -> str:
    if not data.fits:
        return "No fitted line (fit=none, or too few models)."
    parts = [f"{_short(f.label)} x{f.growth_per_year:.3g}" for f in data.fits]
    return "Growth per year: " + " · ".join(parts)


def _fit_summary(data: ScatterData) -> str:
    if not data.fits:
        return "No fitted line."
    parts = [f"{f.label} x{f.growth_per_year:.3g}/yr (n={f.n})" for f in data.fits]
    return "Fits (OLS of log10 value on the date): " + "; ".join(parts) + "."


def scatter_spec(
    request: ChartRequest, provenance: Provenance, data: ScatterData
) -> dict[str, Any]:
    """A metric's models over time (log scale), fitted lines with bands, records, labels."""
    metric = request.metric
    c = colours(request.figure.theme)
    points = _grouped_domains(data.points)
    figure = request.figure
    labelled = place_labels(points, data.labelled, figure.width, figure.height)
    for point in points:
        point["labelled"] = point["slug"] in labelled
    fits = [{**sample, "fit": line.label} for line in data.fits for sample in line.samples]
    x, y = DATE_AXIS, value_axis(metric)
    ends = {"field": "date", "type": "temporal"}
    layers: list[dict[str, Any]] = [
        {
            "data": {"name": "fits"},
            "mark": {"type": "area", "opacity": 0.18, "color": c["band"]},
            "encoding": {
                "x": ends,
                "y": {"field": "low", "type": "quantitative", "scale": {"type": "log"}},
                "y2": {"field": "high"},
                "detail": {"field": "fit"},
            },
        },
        {
            "data": {"name": "points"},
            "mark": {"type": "circle", "size": 26, "opacity": 0.75},
            "params": [{"name": "zoom", "select": "interval", "bind": "scales"}],
            "encoding": {
                "x": x,
                "y": y,
                "color": {"field": "domain", "type": "nominal", "title": "Domain"},
                "tooltip": value_tooltip(metric),
            },
        },
        {
            "data": {"name": "records"},
            "mark": {
                "type": "line",
                "interpolate": "step-after",
                "color": c["record"],
                "strokeWidth": 1.5,
            },
            "encoding": {"x": ends, "y": {"field": "value", "type": "quantitative"}},
        },
        {
            "data": {"name": "fits"},
            "mark": {"type": "line", "color": c["line"], "strokeWidth": 2, "strokeDash": [6, 3]},
            "encoding": {
                "x": ends,
                "y": {"field": "value", "type": "quantitative"},
                "detail": {"field": "fit"},
            },
        },
        {
            "data": {"name": "points"},
            "transform": [{"filter": "datum.labelled"}],
            "mark": {
                "type": "text",
                "align": "left",
                "dx": 4,
                "dy": -5,
                "fontSize": 9,
                "color": c["text"],
            },
            "encoding": {
                "x": ends,
                "y": {"field": "value", "type": "quantitative"},
                "text": {"field": "name"},
            },
        },
    ]
    summary = [
        f"{len(points)} models with a value, coloured by domain; dashed: the fitted line of "
        "each era with its 95% band; step: the running record.",
        _growth_line(data),
    ]
    spec = base(request, provenance, request.chart.title, summary)
    spec["description"] += " " + _fit_summary(data)
    return {
        **spec,
        "datasets": {"points": points, "fits": fits, "records": data.records},
        "layer": layers,
    }


def unit_of(metric: Metric) -> str:
    """The metric's unit, as the trend endpoints state it."""
    return METRICS[metric].unit
