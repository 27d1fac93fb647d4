"""Response examples in the OpenAPI document, recorded from the real seeded data.

Every GET operation's 200 JSON response gets an ``example`` in the OpenAPI document: the
one its schema authors wrote, or else the answer the operation gave to its documented
example request on the full seed data, recorded in ``examples.json`` (lists
cut to two items, long texts shortened, so the document stays small). Downloads
(``/v1/models.csv``, ...) declare their CSV/NDJSON example in ``download_route``. A recorded
example is real output, not invented, and the contract tests check that each one still
validates against the current schema and that no operation lacks one. After adding or
changing a route, record again with::

    dle examples            # uses DLE_DATABASE_URL (full seed data)

``example_url`` builds the request from the operation's parameter examples; the
contract tests use it too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI

EXAMPLES_PATH = Path(__file__).with_name("examples.json")
MAX_ITEMS = 2
MAX_TEXT = 200


def param_example(param: Mapping[str, Any]) -> Any:
    """The first documented example of a parameter; KeyError when it has none."""
    for holder in (param, param.get("schema", {})):
        if "example" in holder:
            return holder["example"]
        examples = holder.get("examples")
        if isinstance(examples, dict) and examples:
            return next(iter(examples.values()))["value"]
        if isinstance(examples, list) and examples:
            return examples[0]
    raise KeyError(f"parameter {param['name']} has no example")


#: Operation extension naming optional query parameters its example request sets (for an
#: operation that needs one of several optional parameters, e.g. a forecast's date= or value=).
EXAMPLE_QUERY = "x-example-query"


def example_url(path: str, operation: Mapping[str, Any]) -> str:
    """The operation's URL with its path parameters and required query parameters taken
    from their documented examples, plus the optional ones it lists in ``x-example-query``."""
    query: list[tuple[str, str]] = []
    chosen = set(operation.get(EXAMPLE_QUERY, ()))
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", str(param_example(param)))
        elif param["in"] == "query" and (param.get("required") or param["name"] in chosen):
            value = param_example(param)
            for item in value if isinstance(value, list) else [value]:
                query.append((param["name"], str(item).lower() if isinstance(item, bool) else item))
    return f"{path}?{urlencode(query)}" if query else path


def shorten(value: Any) -> Any:
    """A response cut down to an example: lists to two items, texts to 200 characters."""
    if isinstance(value, list):
        return [shorten(v) for v in value[:MAX_ITEMS]]
    if isinstance(value, dict):
        return {k: shorten(v) for k, v in value.items()}
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[: MAX_TEXT - 3] + "..."
    return value


def load_recorded(path: Path = EXAMPLES_PATH) -> dict[str, Any]:
    """The recorded examples by operationId (empty when none are recorded)."""
    if not path.exists():
        return {}
    recorded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return recorded


def document_page_cap(document: dict[str, Any], max_page_size: int) -> None:
    """Give every ``limit`` parameter the server's cap as its schema ``maximum``.

    The cap is a setting, so routes cannot declare it; without it a client (or
    schemathesis) would take a 422 for a ``limit`` the document allows.
    """
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for param in operation.get("parameters", []):
                if param.get("in") != "query" or param.get("name") != "limit":
                    continue
                schema = param.get("schema", {})
                for option in [schema, *schema.get("anyOf", [])]:
                    if option.get("type") == "integer":
                        option["maximum"] = max_page_size


def install_examples(app: FastAPI) -> None:
    """Make ``app.openapi()`` carry the recorded example of every 200 JSON response
    (and the page-size cap of ``app.state.settings``)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        recorded = load_recorded()
        for item in document.get("paths", {}).values():
            operation = item.get("get")
            if not operation or operation.get("operationId") not in recorded:
                continue
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            media = content.get("application/json")
            if media is not None and "example" not in media and "examples" not in media:
                media["example"] = recorded[operation["operationId"]]
        settings = getattr(app.state, "settings", None)
        if settings is not None:
            document_page_cap(document, settings.max_page_size)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def record(app: FastAPI, path: Path = EXAMPLES_PATH) -> dict[str, Any]:
    """Call every GET operation of ``app`` with its example request and store the
    shortened answers in ``path`` (``dle examples`` builds the app and calls this)."""
    from fastapi.testclient import TestClient

    recorded: dict[str, Any] = {}
    with TestClient(app) as client:
        document = app.openapi()
        for route_path, item in document["paths"].items():
            operation = item.get("get")
            content = (operation or {}).get("responses", {}).get("200", {}).get("content", {})
            if "application/json" not in content:
                continue  # a download: its route declares its example
            response = client.get(example_url(route_path, operation))
            if response.status_code != 200:
                raise SystemExit(
                    f"{operation['operationId']}: {response.status_code} {response.text[:300]}"
                )
            recorded[operation["operationId"]] = shorten(response.json())
    text = json.dumps(dict(sorted(recorded.items())), indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return recorded
