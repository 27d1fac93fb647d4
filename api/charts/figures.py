"""The other figures: a metric's yearly summary, its trend before and after a date, and
the timeline of milestones."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.charts.data import model_points, timeline_items
from api.charts.params import ChartRequest
from api.charts.specs import (
    AXIS_TITLES,
    DATE_AXIS,
    base,
    colours,
    value_axis,
    value_tooltip,
)
from api.provenance import Provenance
from api.trends import compare, service
from api.trends.eras import era_windows
from api.trends.schemas import TrendFit


def yearly_spec(session: Session, provenance: Provenance, request: ChartRequest) -> dict[str, Any]:
    """Median per year (line), 90th percentile (dots) and min-max range (band), log scale."""
    metric = request.metric
    c = colours(request.figure.theme)
    result = service.get_yearly(session, provenance, request.query)
    rows = [{**item.model_dump(), "date": f"{item.year}-07-01"} for item in result.items]
    year = {"field": "date", "type": "temporal", "timeUnit": "year", "title": "Publication year"}
    y = {**value_axis(metric), "field": "median"}
    tooltip = [
        {"field": "year", "type": "ordinal", "title": "Year"},
        {"field": "count", "type": "quantitative", "title": "Models"},
        {"field": "median", "type": "quantitative", "title": "Median", "format": ".3~s"},
        {"field": "p90", "type": "quantitative", "title": "90th percentile", "format": ".3~s"},
        {"field": "max", "type": "quantitative", "title": "Max", "format": ".3~s"},
    ]
    summary = [
        f"{AXIS_TITLES[metric]} per publication year over {result.n} models: median (line), "
        "90th percentile (triangles), min to max (band).",
    ]
    title = f"Yearly median: {AXIS_TITLES[metric].lower()}"
    return {
        **base(request, provenance, title, summary),
        "data": {"values": rows},
        "encoding": {"x": year},
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.2, "color": c["band"]},
                "encoding": {
                    "y": {"field": "min", "type": "quantitative", "scale": {"type": "log"}},
                    "y2": {"field": "max"},
                },
            },
            {
                "mark": {"type": "line", "point": True, "color": c["line"]},
                "encoding": {"y": y, "tooltip": tooltip},
            },
            {
                "mark": {"type": "point", "shape": "triangle-up", "color": c["record"]},
                "encoding": {"y": {"field": "p90", "type": "quantitative"}, "tooltip": tooltip},
            },
        ],
    }


def _line(fit: TrendFit, side: str) -> list[dict[str, Any]]:
    ends = (fit.fitted_line.start, fit.fitted_line.end)
    return [{"date": p.date.isoformat(), "value": p.value, "side": side} for p in ends]


def compare_spec(session: Session, provenance: Provenance, request: ChartRequest) -> dict[str, Any]:
    """The models before and after the split with each side's fitted line."""
    metric = request.metric
    result = compare.get_comparison(session, provenance, request.query, request.split)
    split = request.split.isoformat()
    points = [
        {**p, "side": "before" if p["date"] < split else "after"}
        for p in model_points(session, provenance, request)
    ]
    lines = _line(result.before, "before") + _line(result.after, "after")
    side = {
        "field": "side",
        "type": "nominal",
        "title": f"Published {split}",
        "sort": ["before", "after"],
    }
    summary = [
        f"Before {split}: x{result.before.growth_per_year:.3g}/yr (n={result.before.n}); "
        f"after: x{result.after.growth_per_year:.3g}/yr (n={result.after.n}).",
    ]
    title = f"{AXIS_TITLES[metric]}: the trend before and after {split}"
    return {
        **base(request, provenance, title, summary),
        "datasets": {"points": points, "lines": lines},
        "layer": [
            {
                "data": {"name": "points"},
                "mark": {"type": "circle", "size": 24, "opacity": 0.6},
                "params": [{"name": "zoom", "select": "interval", "bind": "scales"}],
                "encoding": {
                    "x": DATE_AXIS,
                    "y": value_axis(metric),
                    "color": side,
                    "tooltip": value_tooltip(metric),
                },
            },
            {
                "data": {"name": "lines"},
                "mark": {"type": "line", "strokeWidth": 2.5},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "value", "type": "quantitative"},
                    "color": side,
                },
            },
        ],
    }


def timeline_spec(
    session: Session, provenance: Provenance, request: ChartRequest
) -> dict[str, Any]:
    """Milestones on a time axis, one row per category, coloured by era."""
    items = timeline_items(session, provenance, request)
    windows = era_windows(session)[0]
    first = items[0]["date"] if items else None
    last = items[-1]["date"] if items else None
    eras = [
        {
            "era": era.name,
            "start": (era.start_date.isoformat() if era.start_date else first),
            "end": (era.end_date.isoformat() if era.end_date else last),
        }
        for era in windows
    ]
    era_colour = {
        "field": "era",
        "type": "nominal",
        "title": "Era",
        "sort": [e["era"] for e in eras],
    }
    summary = [f"{len(items)} milestones by category and era."]
    return {
        **base(request, provenance, request.chart.title, summary),
        "datasets": {"milestones": items, "eras": eras},
        "layer": [
            {
                "data": {"name": "eras"},
                "mark": {"type": "rect", "opacity": 0.12},
                "encoding": {
                    "x": {"field": "start", "type": "temporal"},
                    "x2": {"field": "end"},
                    "color": era_colour,
                },
            },
            {
                "data": {"name": "milestones"},
                "mark": {"type": "point", "filled": True, "size": 70, "opacity": 0.9},
                "params": [
                    {
                        "name": "zoom",
                        "select": {"type": "interval", "encodings": ["x"]},
                        "bind": "scales",
                    }
                ],
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "axis": {"title": "Date"}},
                    "y": {"field": "category", "type": "nominal", "axis": {"title": "Category"}},
                    "color": era_colour,
                    "tooltip": [
                        {"field": "title", "type": "nominal", "title": "Milestone"},
                        {
                            "field": "date",
                            "type": "temporal",
                            "title": "Date",
                            "format": "%Y-%m-%d",
                        },
                        {"field": "era", "type": "nominal", "title": "Era"},
                        {"field": "category", "type": "nominal", "title": "Category"},
                    ],
                },
            },
        ],
    }
