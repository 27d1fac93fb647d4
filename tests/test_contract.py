"""The contract every operation keeps, checked on every GET operation of the OpenAPI
document, so a new route is covered the moment it is added.

Static: operationId (unique), summary, description, tags, described parameters with
examples, a JSON response with an example, and declared problem-details errors.
Live, on each backend: the operation answers the URL built from its documented
examples; bad input gets problem details; ETag, 304, HEAD, Cache-Control, gzip,
CORS, ``X-Data-Version`` and, for lists, ``X-Total-Count`` and ``Link``.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.http.compression import compressible
from api.http.examples import example_url, load_recorded, param_example

PROBLEM = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
IDENTITY = {"Accept-Encoding": "identity"}
ORIGIN = "https://frontend.example"
# Opaque values a client only ever copies from a response: no example can be documented.
OPAQUE_PARAMETERS = {"cursor"}

DOCUMENT: dict[str, Any] = create_app(Settings(database_url="sqlite://")).openapi()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
OPERATIONS = [
    (path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method == "get"
]
OPERATION_IDS = [operation["operationId"] for _, operation in OPERATIONS]


def test_document_is_openapi_31_and_only_read_only() -> None:
    assert DOCUMENT["openapi"].startswith("3.1")
    methods = {method for item in DOCUMENT["paths"].values() for method in item}
    assert methods == {"get"}
    assert len(OPERATIONS) >= 4


def test_operation_ids_are_unique_method_names() -> None:
    assert len(OPERATION_IDS) == len(set(OPERATION_IDS))
    for operation_id in OPERATION_IDS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", operation_id), operation_id


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return SCHEMAS[ref.rsplit("/", 1)[-1]]
    return schema


def _has_example(schema: Mapping[str, Any]) -> bool:
    return "example" in schema or bool(schema.get("examples"))


def _list_item_schema(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    properties = _resolve(schema).get("properties", {})
    if "total" in properties and properties.get("items", {}).get("type") == "array":
        return _resolve(properties["items"]["items"])
    return None


def is_list(operation: Mapping[str, Any]) -> bool:
    """Whether the operation answers with a list envelope (items, total, ...)."""
    return _list_item_schema(_json_schema(operation)) is not None


def _json_schema(operation: Mapping[str, Any]) -> Mapping[str, Any]:
    content = operation["responses"]["200"]["content"]
    schema: Mapping[str, Any] = content.get("application/json", {}).get("schema", {})
    return schema


by_operation = pytest.mark.parametrize(("path", "operation"), OPERATIONS, ids=OPERATION_IDS)


@by_operation
def test_operation_is_documented(path: str, operation: dict[str, Any]) -> None:
    assert operation.get("summary"), "summary"
    assert operation.get("description"), "description (the handler's docstring)"
    assert operation.get("tags"), "tags"
    for param in operation.get("parameters", []):
        assert param.get("description"), f"parameter {param['name']} has no description"
        if param["name"] not in OPAQUE_PARAMETERS:
            param_example(param)


@by_operation
def test_success_response_has_a_schema_and_an_example(path: str, operation: dict[str, Any]) -> None:
    content = operation["responses"]["200"]["content"]
    assert len(content) == 1, f"{path}: one URL, one representation: {sorted(content)}"
    media = next(iter(content.values()))
    schema = media["schema"]
    item = _list_item_schema(schema)
    candidates = [media, schema, _resolve(schema)] + ([item] if item is not None else [])
    assert any(_has_example(c) for c in candidates), (
        f"{path}: no example for the 200 response; record one: dle examples"
    )


RECORDED = load_recorded()


@by_operation
def test_recorded_examples_match_the_schemas(path: str, operation: dict[str, Any]) -> None:
    """A recorded example that no longer fits its schema must be recorded again."""
    operation_id = operation["operationId"]
    if operation_id not in RECORDED:
        pytest.skip("no recorded example (the schema carries its own)")
    schema = _json_schema(operation)
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": DOCUMENT["components"]})
    errors = [e.message for e in validator.iter_errors(RECORDED[operation_id])]
    assert not errors, f"{operation_id}: {errors[:3]}; record again: dle examples"


@by_operation
def test_errors_are_declared_as_problem_details(path: str, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    errors = {code: r for code, r in responses.items() if code[0] in "45"}
    params = operation.get("parameters", [])
    expected = {"400", "412"}  # unknown query parameter (every route); failed If-Match
    if any(p["in"] == "query" for p in params):
        expected.add("422")  # invalid value
    if any(p["in"] == "path" for p in params):
        expected.add("404" if any(p["name"] == "slug" for p in params) else "422")
    if path.startswith("/v1/"):
        expected.add("503")  # the database is unavailable
    missing = expected - set(errors)
    assert not missing, f"{path}: undeclared error responses {sorted(missing)}"
    for code, response in errors.items():
        media = response.get("content", {}).get(PROBLEM)
        assert media is not None, f"{path} {code}: not declared as {PROBLEM}"
        assert media["schema"] == {"$ref": PROBLEM_REF}


# --------------------------------------------------------------------------- live


def _assert_problem(response: Any, status: int | tuple[int, ...]) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    assert body["title"]
    return body


@by_operation
def test_unknown_query_parameter_is_a_problem(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url = example_url(path, operation)
    separator = "&" if "?" in url else "?"
    body = _assert_problem(client.get(f"{url}{separator}no_such_parameter=1"), 400)
    assert body["errors"][0]["loc"] == ["query", "no_such_parameter"]


def _typed(schema: Mapping[str, Any]) -> bool:
    """Whether a parameter schema refuses arbitrary text (a number, boolean, date, enum)."""
    schema = _resolve(schema)
    if "enum" in schema or schema.get("type") in ("integer", "number", "boolean"):
        return True
    if schema.get("format") in ("date", "date-time"):
        return True
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    return bool(options) and all(_typed(o) for o in options)


@by_operation
def test_malformed_values_are_problems(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    """Every typed parameter refuses a value of the wrong type with 4xx problem details,
    and an unknown path value is a 404 (or 422 for a closed set)."""
    params = operation.get("parameters", [])
    if not params:
        pytest.skip("the operation takes no parameters")
    url = example_url(path, operation)
    separator = "&" if "?" in url else "?"
    for param in params:
        if param["in"] == "query" and _typed(param.get("schema", {})):
            response = client.get(f"{url}{separator}{param['name']}=not-a-valid-value")
            _assert_problem(response, (400, 422))
            if "date" in str(param["schema"]):
                # not read as a Unix timestamp (1970-08-23)
                response = client.get(f"{url}{separator}{param['name']}=20240101")
                _assert_problem(response, 422)
        elif param["in"] == "query":
            # NUL reaches no database (PostgreSQL refuses it): 422, not a 500
            _assert_problem(client.get(f"{url}{separator}{param['name']}=a%00b"), 422)
        if param["in"] == "path":
            nul = path.replace("{" + param["name"] + "}", "a%00b")
            for other in params:
                if other["in"] == "path":
                    nul = nul.replace("{" + other["name"] + "}", str(param_example(other)))
            _assert_problem(client.get(nul), 422)
            bogus = path.replace("{" + param["name"] + "}", "no-such-thing-zz")
            for other in params:
                if other["in"] == "path":
                    bogus = bogus.replace("{" + other["name"] + "}", str(param_example(other)))
            _assert_problem(client.get(bogus), (404, 422))


@by_operation
def test_etag_and_conditional_get(client: TestClient, path: str, operation: dict[str, Any]) -> None:
    url = example_url(path, operation)
    first = client.get(url, headers=IDENTITY)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[^"]+"', etag), f"not a strong ETag: {etag}"
    assert first.headers["cache-control"]
    again = client.get(url, headers=IDENTITY)
    assert again.headers["etag"] == etag and again.content == first.content

    for if_none_match in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        cached = client.get(url, headers={**IDENTITY, "If-None-Match": if_none_match})
        assert cached.status_code == 304, if_none_match
        assert cached.content == b""
        assert cached.headers["etag"] == etag
        assert cached.headers["cache-control"] == first.headers["cache-control"]
        assert "content-type" not in cached.headers
    stale = client.get(url, headers={**IDENTITY, "If-None-Match": '"stale-tag"'})
    assert stale.status_code == 200 and stale.content == first.content


@by_operation
def test_head_has_the_headers_of_get_and_no_body(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url = example_url(path, operation)
    get = client.get(url, headers=IDENTITY)
    head = client.head(url, headers=IDENTITY)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "content-type", "content-length", "cache-control", "x-total-count"):
        assert head.headers.get(name) == get.headers.get(name), name


@by_operation
def test_cache_control_and_data_version(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    response = client.get(example_url(path, operation), headers=IDENTITY)
    if path in ("/health", "/ready"):
        assert response.headers["cache-control"] == "no-store"
        return
    cache_control = response.headers["cache-control"]
    assert "public" in cache_control and "max-age=" in cache_control
    if path.startswith("/v1/"):
        version = response.headers["x-data-version"]
        assert response.headers["etag"].startswith(f'"{version}-')
        assert not _json_schema(operation) or response.json()["meta"]["data_version"] == version


@by_operation
def test_gzip_variant_has_its_own_etag(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url = example_url(path, operation)
    plain = client.get(url, headers=IDENTITY)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    if len(plain.content) < 1024 or not compressible(plain.headers["content-type"]):
        # small, or already compressed (a PNG): sent as it is
        assert "content-encoding" not in zipped.headers
        assert zipped.headers["etag"] == plain.headers["etag"]
        return
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert "accept-encoding" in plain.headers["vary"].lower()
    assert zipped.content == plain.content  # httpx decoded it
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as raw:
        wire = b"".join(raw.iter_raw())
    assert gzip.decompress(wire) == plain.content
    assert int(zipped.headers["content-length"]) == len(wire) < len(plain.content)
    revalidated = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]}
    )
    assert revalidated.status_code == 304


@by_operation
def test_cors_exposes_the_headers_clients_need(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url = example_url(path, operation)
    response = client.get(url, headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "link", "x-total-count"} <= exposed
    preflight = client.options(
        url,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]


@by_operation
def test_lists_carry_total_count_and_links(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    if not is_list(operation):
        pytest.skip("not a list")
    url = example_url(path, operation)
    response = client.get(url)
    body = response.json()
    assert response.headers["x-total-count"] == str(body["total"])
    assert 'rel="first"' in response.headers["link"]
    if body["next_cursor"]:
        assert 'rel="next"' in response.headers["link"]


@by_operation
def test_other_methods_are_refused_with_problem_details(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url = example_url(path, operation)
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, url)
        _assert_problem(response, 405)
        assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "HEAD"}


def test_unknown_path_is_a_problem(client: TestClient) -> None:
    _assert_problem(client.get("/v1/no-such-resource"), 404)
    head = client.head("/v1/no-such-resource")
    assert head.status_code == 404 and head.content == b""
    assert head.headers["content-type"].startswith(PROBLEM)


def test_cors_origins_are_configurable(seeded_url: str) -> None:
    settings = Settings(database_url=seeded_url, cors_origins=["https://allowed.example"])
    with TestClient(create_app(settings)) as restricted:
        allowed = restricted.get("/health", headers={"Origin": "https://allowed.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://allowed.example"
        refused = restricted.get("/health", headers={"Origin": "https://other.example"})
        assert "access-control-allow-origin" not in refused.headers


def test_documented_page_cap_is_the_enforced_one(client: TestClient) -> None:
    cap = client.app.state.settings.max_page_size  # type: ignore[attr-defined]
    for path, operation in OPERATIONS:
        for param in operation.get("parameters", []):
            if param["name"] != "limit":
                continue
            integer = next(o for o in param["schema"]["anyOf"] if o.get("type") == "integer")
            assert integer["maximum"] == cap, path
            url = example_url(path, operation)
            separator = "&" if "?" in url else "?"
            assert client.get(f"{url}{separator}limit={cap}").status_code == 200
            _assert_problem(client.get(f"{url}{separator}limit={cap + 1}"), 422)


FIELD_SELECTION = [  # JSON only; tests/http/test_downloads.py checks the downloads' columns
    (p, o)
    for p, o in OPERATIONS
    if _json_schema(o) and any(x["name"] == "fields" for x in o.get("parameters", []))
]


@pytest.mark.parametrize(
    ("path", "operation"), FIELD_SELECTION, ids=[o["operationId"] for _, o in FIELD_SELECTION]
)
def test_field_selection(client: TestClient, path: str, operation: dict[str, Any]) -> None:
    """``fields=`` returns only the chosen fields (and ``slug``); an unknown field is a 400."""
    param = next(x for x in operation["parameters"] if x["name"] == "fields")
    chosen = [name.strip() for name in str(param_example(param)).split(",")]
    url = example_url(path, operation)
    separator = "&" if "?" in url else "?"
    body = client.get(f"{url}{separator}fields={','.join(chosen)}").json()
    items = body["items"] if is_list(operation) else [body]
    assert items
    for item in items:
        assert set(item) - {"meta"} == {"slug", *chosen}
    problem = _assert_problem(client.get(f"{url}{separator}fields=no_such_field"), 400)
    assert problem["errors"][0]["loc"] == ["query", "fields"]
