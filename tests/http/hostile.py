"""The value families and the request strategy of the hostile-parameter tests.

Raw wire fragments (broken percent escapes, NUL, huge and non-finite numbers, impossible
dates, unicode that trips normalization or direction), values of each parameter's type
at its extremes, values from the served data, forged cursors; and ``requests``, which
puts them into raw request targets for one operation of the OpenAPI document.
"""

from __future__ import annotations

import base64
import json
import string
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import strategies as st

from api.app import create_app
from api.config import Settings

MAX_QUERY = 1500  # bytes; the whole query string stays under the server's cap (~2 KB)
DOCUMENT: dict[str, Any] = create_app(Settings(database_url="sqlite://")).openapi()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
OPERATIONS = [
    (path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method == "get"
]

# Raw wire fragments, already percent-encoded (or deliberately broken).
ESCAPES = [
    "%ff", "%c3%28", "%80", "%00", "%ed%a0%80", "%ed%b0%80", "%f4%90%80%80", "%c0%af",
    "%", "%zz", "%2", "+", "%2B", "%26", "%3D", "%2C", "%0A", "%0D%0A", "%09", "%7F", "%e2%80",
]  # fmt: skip
NUMBERS = [
    "1" + "0" * 30, "1e30", str(-(2**63) - 1), str(-(2**63)), str(2**63), str(2**64),
    str(2**31), "-1", "1e309", "-1e309", "1e-400", "4.9e-324", "1.7976931348623157e308",
    "NaN", "nan", "-nan", "inf", "-inf", "Infinity", "-Infinity", "-0", "-0.0", "0.0",
    "-0e0", "0e999999999", "9" * 400, "0x10", "1_000", "+1", "%201", "1.", ".5", "1e",
    "%d9%a3", "1%d9%a3", "%ef%bc%91", "1%e2%80%8f", "true", "0.999999999999999999",
]  # fmt: skip
DATES = [
    "9999-12-31", "0001-01-01", "0000-01-01", "2024-02-30", "2024-13-01", "2024-00-10",
    "2024-1-1", "20240101", "2024-01-01T00:00:00", "2024-01-01Z", "-2024-01-01",
    "%2B12024-01-01", "12024-01-01", "%d9%a2%d9%a0%d9%a2%d9%a4-01-01", "2024%e2%80%8f-01-01",
    "1969-12-31", "2038-01-19", "1899-12-31", "2024-02-29", "2023-02-29",
]  # fmt: skip
TEXT = [
    "\u200f", "\u202e", "\u200d", "e\u0301", "\u0301", "\U0001f600", "\U0001f469\u200d\U0001f4bb",
    "\ufeff", "\u00a0", "\u00df", "\u0130", "\ufb01", "\U0010ffff", "\u2126", "'", '"', "\\",
    "%", "_", "*", "' OR 1=1--", "%_%", "\\%", ",", ",,", "-", "--", "-,", " ", "null",
    "[]", "{}", "[1,2]", "a,b", "__proto__", "../", "\t", "<script>", "${x}", "\r\n",
]  # fmt: skip
WIRE_TEXT = [quote(t, safe="") for t in TEXT]
# Values within the grammar of their type, at its extremes.
EXTREME_INTEGERS = [str(2**63), str(2**64), str(-(2**63) - 1), "1" + "0" * 30, "-0", "0", "-1"]
EXTREME_NUMBERS = [
    *EXTREME_INTEGERS, "1e30", "1e309", "-1e309", "1e-400", "-0.0", "4.9e-324", "0.5",
    "1.7976931348623157e308", "0.95", "1e9", "0.999999999999999999", "1E+300", "0e0", "9" * 400,
]  # fmt: skip
EXTREME_DATES = ["9999-12-31", "0001-01-01", "2024-02-29", "1970-01-01", "2262-04-12"]
EXTREME_TEXT = [
    "", "%ff", "%c3%28", "%ed%a0%80", "%e2%80%8f", "e%cc%81", "%f0%9f%98%80", "%25", "_",
    "%27", "%5C", "-", ",", "a" * 1000, "%ef%bb%bf", "%c4%b0",
]  # fmt: skip
CURSOR_VALUES = [
    "1e309", "-1e309", "NaN", str(2**64), str(-(2**63) - 1), "1" + "0" * 30, "-0", "null",
    '"\\u0000"', '"\\ud800"', '"9999-12-31"', '"0000-01-01"', '"%ff"', "[]", "{}", "true",
    '"' + "x" * 300 + '"', "0.5", "-1", '"2024-02-30"', "[[1]]",
]  # fmt: skip


def resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return SCHEMAS[ref.rsplit("/", 1)[-1]]
    return schema


def _leaves(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The non-null alternatives of a parameter schema, arrays unwrapped to their items."""
    schema = resolve(schema)
    if "anyOf" in schema:
        return [leaf for option in schema["anyOf"] for leaf in _leaves(option)]
    if schema.get("type") == "array":
        return _leaves(schema.get("items", {}))
    if schema.get("type") == "null":
        return []
    return [schema]


def examples(param: Mapping[str, Any]) -> list[str]:
    found: list[Any] = []
    for holder in (param, param.get("schema", {})):
        if "example" in holder:
            found.append(holder["example"])
        examples = holder.get("examples", [])
        found += [e["value"] for e in examples.values()] if isinstance(examples, dict) else examples
    flat = [v for e in found for v in (e if isinstance(e, list) else [e])]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in flat]


def _numbers(leaf: Mapping[str, Any]) -> st.SearchStrategy[str]:
    low = leaf.get("minimum", leaf.get("exclusiveMinimum"))
    high = leaf.get("maximum", leaf.get("exclusiveMaximum"))
    if leaf["type"] == "integer":
        low, high = (low or 0) - 2, (high if high is not None else 10**7) + 2
        return st.one_of(st.integers(low, high).map(str), st.sampled_from(EXTREME_INTEGERS))
    floats = st.floats(
        min_value=low, max_value=high, allow_nan=False, allow_infinity=False, allow_subnormal=False
    )
    return st.one_of(floats.map(repr), st.sampled_from(EXTREME_NUMBERS))


def extreme_values(param: Mapping[str, Any]) -> list[str]:
    """Values at the edges of the parameter's type: huge, tiny, -0, far dates, odd text."""
    kinds = {leaf.get("type") for leaf in _leaves(param["schema"])}
    formats = {leaf.get("format") for leaf in _leaves(param["schema"])}
    if "integer" in kinds:
        return EXTREME_INTEGERS
    if "number" in kinds:
        return EXTREME_NUMBERS
    if "date" in formats:
        return EXTREME_DATES
    return EXTREME_TEXT


def _extremes(param: Mapping[str, Any]) -> st.SearchStrategy[str]:
    return st.sampled_from(extreme_values(param))


def _schema_values(leaf: Mapping[str, Any]) -> st.SearchStrategy[str]:
    if "enum" in leaf:
        names = [str(v) for v in leaf["enum"]]
        return st.sampled_from(names + [n.upper() for n in names] + [n.title() for n in names])
    kind = leaf.get("type")
    if kind == "boolean":
        return st.sampled_from(["true", "false", "1", "0", "yes", "off", "True", "FALSE"])
    if kind in ("integer", "number"):
        return _numbers(leaf)
    if leaf.get("format") == "date":
        return st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(EXTREME_DATES))
    return st.text(string.ascii_letters + string.digits + "-_,. ", max_size=12).map(
        lambda t: quote(t, safe="")
    )


def _item_schema(operation: Mapping[str, Any]) -> Mapping[str, Any]:
    content = operation["responses"]["200"]["content"]
    return resolve(content.get("application/json", {}).get("schema", {}))


def _item_fields(operation: Mapping[str, Any]) -> list[str]:
    """The field names of the operation's items (its list items, or the object itself)."""
    schema = _item_schema(operation)
    items = schema.get("properties", {}).get("items", {})
    if items.get("type") == "array":
        schema = resolve(items["items"])
    return sorted(schema.get("properties", {}))


def vocabulary(param: Mapping[str, Any], operation: Mapping[str, Any], real: Real) -> list[str]:
    """Values a client would send: documented examples, data values, field names."""
    name = param["name"]
    if param["in"] == "path" and name == "slug":
        return [quote(v, safe="") for v in real.slugs.get(_collection(operation), [])]
    values = examples(param) + real.by_name(name)
    if name in ("sort", "fields", "has", "facet"):
        values += _item_fields(operation) + list(real.values.get("facets", []))
    return [quote(v, safe=",-") for v in values if v]


def _collection(operation: Mapping[str, Any]) -> str:
    """The list path of an item operation (``/v1/models/{slug}`` -> ``/v1/models``)."""
    return next(p for p, item in DOCUMENT["paths"].items() if item.get("get") is operation)[
        : -len("/{slug}")
    ]


def _hostile() -> st.SearchStrategy[str]:
    fragment = st.sampled_from(ESCAPES + NUMBERS + DATES + WIRE_TEXT)
    unicode_text = st.text(st.characters(codec="utf-8"), max_size=16).map(
        lambda t: quote(t, safe="")
    )
    overlong = st.tuples(st.sampled_from(["a", "%ff", "%f0%9f%98%80", "-", ",", "x%00"]),
                         st.integers(50, 400)).map(lambda p: (p[0] * p[1])[:1200])  # fmt: skip
    return st.one_of(
        fragment,
        unicode_text,
        overlong,
        st.lists(fragment, min_size=2, max_size=4).map("".join),
    )


class Real:
    """Values from the served data, fetched once per client: slugs, names, a cursor."""

    def __init__(self, client: TestClient) -> None:
        self.values: dict[str, set[str]] = {}
        self.cursors: dict[str, str] = {}
        self.slugs: dict[str, list[str]] = {}
        for path, operation in OPERATIONS:
            paged = "limit" in {p["name"] for p in operation.get("parameters", [])}
            required = any(p.get("required") for p in operation.get("parameters", []))
            items = "items" in _item_schema(operation).get("properties", {})
            if "{" in path or required or not items:
                continue
            body = client.get(f"{path}?limit=500" if paged else path).json()
            for item in body["items"]:
                self._collect(item)
            self.slugs[path] = [item["slug"] for item in body["items"] if "slug" in item]
            first = client.get(f"{path}?limit=2").json() if paged else {}
            if first.get("next_cursor"):
                self.cursors[path] = first["next_cursor"]
        facets = client.get("/v1/models/facets").json()["facets"]
        self.values["facets"] = set(facets)
        for name, counts in facets.items():
            self.values.setdefault(name, set()).update(str(c["value"]) for c in counts[:40])

    def _collect(self, item: Mapping[str, Any]) -> None:
        for key, value in item.items():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, dict):
                    for sub in ("slug", "name"):
                        if isinstance(v.get(sub), str):
                            self.values.setdefault(key, set()).add(v[sub])
                elif isinstance(v, str) and len(v) <= 120:
                    self.values.setdefault(key, set()).add(v)

    def by_name(self, name: str) -> list[str]:
        """The values of a field named like the parameter (``tag`` -> ``tags``)."""
        names = {name, f"{name}s", f"{name[:-1]}ies", name.removeprefix("min_")}
        return sorted({v for n in names for v in self.values.get(n, set())})[:200]


_REAL: dict[int, Real] = {}


def real_values(client: TestClient) -> Real:
    if id(client) not in _REAL:
        _REAL[id(client)] = Real(client)
    return _REAL[id(client)]


def _forged_cursors(real: Real, path: str) -> st.SearchStrategy[str]:
    """Cursors this API could have issued, with hostile keys, positions and types."""
    cursor = real.cursors.get(path)
    if cursor is None:
        return st.just("eyJ9")
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    hostile = st.sampled_from(CURSOR_VALUES)

    def forge(field: str, index: int, value: str) -> str:
        forged = dict(payload)
        if field == "k":
            keys = list(payload["k"])
            keys[index % len(keys)] = "@@"
            text = json.dumps({**forged, "k": keys}).replace('"@@"', value)
        else:
            text = json.dumps({**forged, field: "@@"}).replace('"@@"', value)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    forged = st.builds(
        forge, st.sampled_from(["k", "p", "s", "f", "v"]), st.integers(0, 3), hostile
    )
    return st.one_of(st.just(cursor), forged)


def valid(param: Mapping[str, Any], path: str, operation: Mapping[str, Any], real: Real) -> Any:
    """Values of the parameter's type and vocabulary (extremes included)."""
    known = vocabulary(param, operation, real)
    if param["in"] == "path" and known:
        return st.sampled_from(known)
    options = [_schema_values(leaf) for leaf in _leaves(param["schema"])]
    if known:
        options.append(st.sampled_from(known))
    if param["name"] == "cursor":
        options.append(_forged_cursors(real, path))
    return st.one_of(*options) if options else _hostile()


@st.composite
def requests(draw: st.DrawFn, path: str, operation: Mapping[str, Any], real: Real) -> str:
    """A raw request target: real (mostly) or hostile path values, then a raw query string
    of valid pairs with a few hostile ones among them, so that most requests get past the
    first check and reach the queries."""
    params = operation.get("parameters", [])
    target = path
    for param in (p for p in params if p["in"] == "path"):
        values = valid(param, path, operation, real) if draw(st.integers(0, 4)) else _hostile()
        value = draw(values.filter(lambda v: v not in ("", ".", "..")))
        target = target.replace("{" + param["name"] + "}", value.replace("/", "%2F"), 1)
    query_params = [p for p in params if p["in"] == "query"]
    pairs = [
        f"{p['name']}={draw(valid(p, path, operation, real))}"
        for p in query_params
        if p.get("required") and draw(st.integers(0, 9))
    ]
    if query_params:
        chosen = st.sampled_from(query_params)
        focus = draw(chosen)  # one parameter at the edges of its type, or hostile
        pairs.append(f"{focus['name']}={draw(st.one_of(_extremes(focus), _hostile()))}")
        others = st.lists(chosen, max_size=3, unique_by=lambda p: p["name"])
        for param in draw(others.filter(lambda ps: focus not in ps)):
            value = draw(valid(param, path, operation, real))
            repeats = (
                draw(st.sampled_from([1, 1, 2])) if param["schema"].get("type") == "array" else 1
            )
            pairs += [f"{param['name']}={value}"] * repeats
        for param in draw(st.sampled_from([[], [], [], [chosen]])):
            pairs.append(f"{draw(param)['name']}={draw(_hostile())}")
        if pairs and not draw(st.integers(0, 9)):  # a parameter given twice
            pairs.append(draw(st.sampled_from(pairs)))
        if not draw(st.integers(0, 9)):  # a bare name, or an empty value
            pairs.append(draw(chosen)["name"] + draw(st.sampled_from(["", "="])))
    if not draw(st.integers(0, 9)):  # an unknown name
        pairs.append(f"{draw(_hostile())}={draw(_hostile())}")
    pairs = draw(st.permutations(pairs))
    query = "&".join(pairs)
    while len(query.encode()) > MAX_QUERY:
        query = query.rsplit("&", 1)[0] if "&" in query else query[:MAX_QUERY]
    return f"{target}?{query}" if query else target
