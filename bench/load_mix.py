"""The request mix of the load test (bench/load.py), as a wrk Lua script.

The mix is built from the running service itself (real slugs, organizations, domains,
milestones and eras), so that every request is one a client could send and must
answer 200. Two variants:

- ``mix``: a fixed set of realistic requests (lists with varied filters, details,
  facets, milestones, timeline, every trend endpoint, downloads, meta), drawn at
  random with weights; most answers come from the response cache after a first miss.
- ``busting``: the same kinds of requests with random, valid numbers in them
  (limits, thresholds, date windows), so that nearly every request misses every cache.

The script counts the answers by status class in each wrk thread and prints one JSON
line at the end (``LOADMIX {...}``) that bench/load.py reads.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass

import httpx

METRICS = ("parameters", "training_compute", "training_dataset_size", "training_compute_cost")
TREND_VIEWS = ("", "/eras", "/compare?split=2017-06-01", "/breakpoint", "/records", "/yearly")


@dataclass(frozen=True)
class Template:
    """A request path with up to two ``%d`` placeholders filled with random integers."""

    path: str
    weight: int
    ranges: tuple[tuple[int, int], ...] = ()


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _sample(client: httpx.Client) -> dict[str, list[str]]:
    """Real values to put in the requests."""
    models = client.get("/v1/models", params={"limit": 40, "fields": "slug"}).json()["items"]
    facets = client.get("/v1/models/facets", params={"facet": "organization"}).json()
    organizations = [item["value"] for item in facets["facets"]["organization"][:12]]
    facets = client.get("/v1/models/facets", params={"facet": "domain"}).json()
    domains = [item["value"] for item in facets["facets"]["domain"][:6]]
    milestones = client.get("/v1/milestones", params={"limit": 30, "fields": "slug"}).json()
    eras = client.get("/v1/eras").json()
    era_items = eras["items"] if isinstance(eras, dict) else eras
    return {
        "models": [item["slug"] for item in models],
        "organizations": organizations,
        "domains": domains,
        "milestones": [item["slug"] for item in milestones["items"]],
        "eras": [item["slug"] for item in era_items],
    }


def fixed_mix(client: httpx.Client) -> list[Template]:
    """Realistic requests with weights (roughly: lists and details most, downloads few)."""
    real = _sample(client)
    mix = [Template("/v1/models", 8), Template("/v1/models?limit=100&sort=-parameters", 4)]
    mix += [Template(f"/v1/models?organization={_q(o)}", 2) for o in real["organizations"]]
    mix += [
        Template(f"/v1/models?domain={_q(d)}&sort=-publication_date", 2) for d in real["domains"]
    ]
    mix += [
        Template("/v1/models?min_parameters=1000000000&frontier=true", 3),
        Template("/v1/models?start=2015-01-01&end=2020-12-31&has=training_compute_flop", 3),
        Template("/v1/models?q=transformer", 3),
        Template("/v1/models/facets", 3),
        Template("/v1/models/facets?facet=organization&start=2018-01-01", 2),
    ]
    mix += [Template(f"/v1/models/{slug}", 1) for slug in real["models"]]
    mix += [Template("/v1/milestones", 4), Template("/v1/milestones?category=architecture", 2)]
    mix += [Template(f"/v1/milestones/{slug}", 1) for slug in real["milestones"][:15]]
    mix += [Template("/v1/eras", 2)] + [Template(f"/v1/eras/{slug}", 1) for slug in real["eras"]]
    mix += [Template("/v1/timeline", 3), Template("/v1/timeline?start=2010-01-01&limit=100", 2)]
    for metric in METRICS:
        mix += [Template(f"/v1/trends/{metric}{view}", 2) for view in TREND_VIEWS]
        if real["domains"]:
            mix.append(Template(f"/v1/trends/{metric}?domain={_q(real['domains'][0])}", 1))
    mix += [Template("/v1/stats/summary", 2), Template("/v1/meta", 3)]
    # Downloads: a full CSV and NDJSON of the models, milestones, the yearly trend.
    mix += [
        Template("/v1/models.csv", 1),
        Template("/v1/models.ndjson", 1),
        Template("/v1/milestones.csv", 1),
        Template("/v1/trends/parameters/yearly.csv", 1),
    ]
    return mix


def busting_mix() -> list[Template]:
    """The same kinds of requests, each with random valid numbers: cache misses."""
    years = (1950, 2019)
    trend_years = (1950, 2012)  # enough models after the start for every metric's fit
    months = (1, 12)
    mix = [
        Template("/v1/models?limit=%d&min_parameters=%d", 6, ((1, 500), (1, 2 * 10**9))),
        Template(
            "/v1/models?max_training_compute_flop=%d000000000000&limit=%d",
            4,
            ((1, 10**9), (1, 500)),
        ),
        Template("/v1/models?start=%d-%02d-01", 4, (years, months)),
        Template("/v1/models/facets?min_parameters=%d&facet=domain", 3, ((1, 2 * 10**9),)),
        Template("/v1/milestones?start=%d-%02d-01", 3, (years, months)),
        Template("/v1/timeline?start=%d-%02d-01&limit=50", 3, (years, months)),
        Template("/v1/models.csv?min_parameters=%d", 1, ((1, 10**6),)),
        Template("/v1/models.ndjson?max_parameters=%d000000", 1, ((1, 500),)),
    ]
    for metric in METRICS:
        for view in ("", "/eras", "/records", "/yearly", "/breakpoint"):
            mix.append(
                Template(f"/v1/trends/{metric}{view}?start=%d-%02d-01", 1, (trend_years, months))
            )
        mix.append(
            Template(f"/v1/trends/{metric}/compare?split=%d-%02d-01", 1, ((2014, 2019), months))
        )
    return mix


_LUA = """
-- generated by bench/load_mix.py
local templates = %(templates)s
local total = %(total)d
local unpack = table.unpack or unpack  -- LuaJIT (wrk) is Lua 5.1
local threads = {}
counts = {ok = 0, c3xx = 0, c4xx = 0, c5xx = 0, other = 0}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

local function pick()
  local r = math.random(total)
  for _, t in ipairs(templates) do
    r = r - t.weight
    if r <= 0 then return t end
  end
  return templates[#templates]
end

function request()
  local t = pick()
  local values = {}
  for i, range in ipairs(t.ranges) do values[i] = math.random(range[1], range[2]) end
  local path = t.path
  if #values > 0 then path = string.format(path, unpack(values)) end
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})
end

function response(status, headers, body)
  if status >= 200 and status < 300 then counts.ok = counts.ok + 1
  elseif status < 400 then counts.c3xx = counts.c3xx + 1
  elseif status < 500 then counts.c4xx = counts.c4xx + 1
  elseif status < 600 then counts.c5xx = counts.c5xx + 1
  else counts.other = counts.other + 1 end
end

function done(summary, latency, requests)
  local sum = {ok = 0, c3xx = 0, c4xx = 0, c5xx = 0, other = 0}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do sum[k] = sum[k] + v end
  end
  io.write(string.format(
    'LOADMIX {"ok": %%d, "c3xx": %%d, "c4xx": %%d, "c5xx": %%d, "other": %%d}\\n',
    sum.ok, sum.c3xx, sum.c4xx, sum.c5xx, sum.other))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def render_lua(mix: list[Template]) -> str:
    """The wrk script drawing requests from ``mix`` by weight."""
    entries = []
    for template in mix:
        ranges = ", ".join(f"{{{lo}, {hi}}}" for lo, hi in template.ranges)
        path, weight = _lua_string(template.path), template.weight
        entries.append(f"  {{path = {path}, weight = {weight}, ranges = {{{ranges}}}}}")
    templates = "{\n" + ",\n".join(entries) + "\n}"
    total = sum(template.weight for template in mix)
    return _LUA % {"templates": templates, "total": total}


def expand(template: Template) -> str:
    """One concrete path of ``template`` (the lower bounds), to check it answers 200."""
    if not template.ranges:
        return template.path
    return template.path % tuple(lo for lo, _ in template.ranges)
