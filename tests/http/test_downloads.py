"""CSV and NDJSON downloads (``/v1/models.csv``, ...): every row, in order, RFC 4180, headers."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.download_bodies import csv_cell
from api.resources.models.service import SUMMARY_FIELDS
from tests.conftest import make_client

IDENTITY = {"Accept-Encoding": "identity"}


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every item of the JSON list, following ``next_cursor``."""
    items: list[dict[str, Any]] = []
    separator = "&" if "?" in url else "?"
    next_url: str | None = f"{url}{separator}limit=500"
    while next_url:
        body = client.get(next_url).json()
        items += body["items"]
        cursor = body["next_cursor"]
        next_url = f"{url}{separator}limit=500&cursor={cursor}" if cursor else None
    return items


def read_ndjson(text: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The items of an NDJSON download and its last line's ``meta``."""
    *items, last = [json.loads(line) for line in text.splitlines()]
    assert set(last) == {"meta"} and all("meta" not in item for item in items)
    meta: dict[str, Any] = last["meta"]
    return items, meta


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_csv_streams_every_row_in_the_list_order(client: TestClient) -> None:
    url = "/v1/models?sort=-training_compute_flop,name"
    expected = walk(client, url)
    response = client.get("/v1/models.csv?sort=-training_compute_flop,name", headers=IDENTITY)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="models.csv"'
    header, rows = read_csv(response.text)
    assert header == [*SUMMARY_FIELDS, "attribution"]
    assert len(rows) == len(expected) == int(response.headers["x-total-count"]) > 900
    assert [row["slug"] for row in rows] == [item["slug"] for item in expected]
    assert response.text.endswith("\r\n")


def test_csv_cells_match_the_json_values(client: TestClient) -> None:
    expected = {item["slug"]: item for item in walk(client, "/v1/models")}
    _, rows = read_csv(client.get("/v1/models.csv").text)
    attribution = client.get("/v1/meta").json()["attribution"]
    for row in rows:
        item = expected[row["slug"]]
        for name in SUMMARY_FIELDS:
            assert row[name] == csv_cell(item[name]), (row["slug"], name)
        assert row["attribution"] == attribution
    with_commas = [r for r in rows if "," in r["name"] or '"' in r["name"]]
    assert with_commas, "the data has names that need quoting"
    lists = [r for r in rows if "; " in r["organizations"]]
    assert lists and all(
        r["organizations"].split("; ") == expected[r["slug"]]["organizations"] for r in lists
    )


def test_csv_respects_filters_and_fields(client: TestClient) -> None:
    query = "domain=Language&min_parameters=1e11&fields=name,parameters"
    expected = walk(client, f"/v1/models?{query}")
    response = client.get(f"/v1/models.csv?{query}")
    header, rows = read_csv(response.text)
    assert header == ["slug", "name", "parameters", "attribution"]
    assert [r["slug"] for r in rows] == [i["slug"] for i in expected]
    assert all(float(r["parameters"]) >= 1e11 for r in rows)


def test_csv_with_no_match_has_only_the_header(client: TestClient) -> None:
    response = client.get("/v1/models.csv?q=no-model-is-named-like-this")
    assert response.status_code == 200
    assert response.headers["x-total-count"] == "0"
    header, rows = read_csv(response.text)
    assert header[0] == "slug" and rows == []


def test_format_on_the_list_is_a_permanent_redirect_to_the_download(client: TestClient) -> None:
    for fmt in ("csv", "ndjson"):
        query = f"domain=Vision&format={fmt}&limit=3&offset=6&fields=name&domain=Language"
        response = client.get(f"/v1/models?{query}", follow_redirects=False)
        assert response.status_code == 308
        assert response.headers["location"] == (
            f"http://testserver/v1/models.{fmt}?domain=Vision&fields=name&domain=Language"
        )
        followed = client.get(f"/v1/models?{query}")
        direct = client.get(f"/v1/models.{fmt}?domain=Vision&fields=name&domain=Language")
        assert followed.status_code == 200 and followed.content == direct.content
    as_json = client.get("/v1/models?q=gpt&format=json")
    assert as_json.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "path", ["/v1/models", "/v1/milestones", "/v1/timeline", "/v1/trends/parameters/yearly"]
)
def test_the_list_links_to_its_downloads(client: TestClient, path: str) -> None:
    response = client.get(f"{path}?start=2015-01-01")
    link = response.headers["link"]
    for fmt, media in (("csv", "text/csv"), ("ndjson", "application/x-ndjson")):
        url = f"http://testserver{path}.{fmt}?start=2015-01-01"
        assert f'<{url}>; rel="alternate"; type="{media}"' in link
        assert client.get(url).headers["content-type"].startswith(media)


def test_the_list_answers_json_whatever_the_accept_header(client: TestClient) -> None:
    plain = client.get("/v1/models?q=gpt")
    for accept in ("text/csv", "application/x-ndjson", "text/csv;q=0.5, */*"):
        response = client.get("/v1/models?q=gpt", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.content == plain.content
        vary = [v.strip().lower() for v in response.headers.get("vary", "").split(",")]
        assert "accept" not in vary


def test_downloads_take_no_pagination(client: TestClient) -> None:
    for param in ("limit=3", "offset=3", "cursor=abc", "format=csv"):
        response = client.get(f"/v1/models.csv?{param}")
        assert response.status_code == 400, param
        assert response.headers["content-type"].startswith("application/problem+json")


def test_ndjson_is_one_item_per_line(client: TestClient) -> None:
    expected = walk(client, "/v1/models?q=gpt&sort=name")
    response = client.get("/v1/models.ndjson?q=gpt&sort=name")
    items, meta = read_ndjson(response.text)
    assert items == expected
    assert meta == {**client.get("/v1/meta").json()["meta"], "total": len(expected)}
    assert meta["attribution"].startswith("Data: Epoch AI") and meta["license"]
    assert response.headers["content-disposition"] == 'attachment; filename="models.ndjson"'
    assert response.headers["x-data-attribution"].startswith("Data: Epoch AI")


def test_download_headers_etag_304_and_head(client: TestClient) -> None:
    url = "/v1/models.csv?domain=Vision"
    first = client.get(url, headers=IDENTITY)
    version = first.headers["x-data-version"]
    assert first.headers["etag"].startswith(f'"{version}-')
    assert first.headers["link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert client.get(url, headers=IDENTITY).headers["etag"] == first.headers["etag"]
    other = client.get("/v1/models.csv?domain=Language", headers=IDENTITY)
    assert other.headers["etag"] != first.headers["etag"]
    as_ndjson = client.get("/v1/models.ndjson?domain=Vision", headers=IDENTITY)
    assert as_ndjson.headers["etag"] != first.headers["etag"]

    cached = client.get(url, headers={**IDENTITY, "If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304 and cached.content == b""
    head = client.head(url, headers=IDENTITY)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == first.headers["etag"]
    assert head.headers["x-total-count"] == first.headers["x-total-count"]


def test_download_is_gzip_streamed(client: TestClient) -> None:
    url = "/v1/models.csv"
    plain = client.get(url, headers=IDENTITY)
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        etag = response.headers["etag"]
        wire = b"".join(response.iter_raw())
        # Computed, it is streamed; from the response cache, it is one body of known length.
        cached_length = response.headers.get("content-length")
        assert cached_length == (str(len(wire)) if response.headers["x-cache"] == "HIT" else None)
    assert gzip.decompress(wire) == plain.content
    assert len(wire) < len(plain.content) / 3
    assert etag == plain.headers["etag"][:-1] + '-gzip"'
    cached = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert cached.status_code == 304


def test_download_without_the_response_cache_is_streamed(sample_url: str) -> None:
    with make_client(sample_url, cache_max_entries=0) as uncached:
        url = "/v1/models.ndjson"
        plain = uncached.get(url, headers=IDENTITY).content
        with uncached.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.headers["content-encoding"] == "gzip"
            assert "content-length" not in response.headers and "x-cache" not in response.headers
            assert gzip.decompress(b"".join(response.iter_raw())) == plain


@pytest.mark.parametrize(
    "query",
    [
        "models.csv?sort=bogus",
        "models.ndjson?fields=nope",
        "models?format=xml",
        "models.csv?start=x",
    ],
)
def test_bad_downloads_are_problems_before_streaming(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/{query}")
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith("application/problem+json")


def test_openapi_gives_each_representation_its_own_operation(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    with_format = [p for p, item in paths.items() if _param_names(item["get"]) >= {"format"}]
    assert set(with_format) == {
        "/v1/models",
        "/v1/milestones",
        "/v1/timeline",
        "/v1/trends/{metric}/yearly",
    }
    for path in with_format:
        listing = paths[path]["get"]
        assert set(listing["responses"]["200"]["content"]) == {"application/json"}
        assert "308" in listing["responses"]
        for fmt, media in (("csv", "text/csv"), ("ndjson", "application/x-ndjson")):
            download = paths[f"{path}.{fmt}"]["get"]
            assert download["operationId"] == f"{listing['operationId']}_{fmt}"
            assert set(download["responses"]["200"]["content"]) == {media}
            assert _param_names(download) == _param_names(listing) - {
                "format",
                "limit",
                "offset",
                "cursor",
            }
            for status in ("400", "422"):
                assert set(download["responses"][status]["content"]) == {"application/problem+json"}


def _param_names(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", [])}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (175000000000.0, "175000000000"),
        (3.14e23, "3.14e+23"),
        (0.5, "0.5"),
        (dt.date(2012, 9, 30), "2012-09-30"),
        (["OpenAI", "Microsoft"], "OpenAI; Microsoft"),
        ([], ""),
        (
            [{"title": "A; B", "url": None}, {"title": "C"}],
            '[{"title":"A; B","url":null},{"title":"C"}]',
        ),
        ({"a": 1}, '{"a":1}'),
        ('say "hi", twice', 'say "hi", twice'),
    ],
)
def test_csv_cell(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell


def _download_operations() -> list[tuple[str, dict[str, Any]]]:
    from tests.test_contract import OPERATIONS

    return [
        (path, operation)
        for path, operation in OPERATIONS
        if "text/csv" in operation["responses"]["200"]["content"]
    ]


@pytest.mark.parametrize(
    ("path", "operation"),
    _download_operations(),
    ids=[operation["operationId"] for _, operation in _download_operations()],
)
def test_every_declared_download_streams_all_rows(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    """Any operation declaring text/csv keeps the download contract (new ones included)."""
    from api.http.examples import example_url

    url = example_url(path, operation)
    as_json = client.get(url.replace(".csv", "", 1)).json()
    response = client.get(url, headers=IDENTITY)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith('.csv"')
    header, rows = read_csv(response.text)
    assert header[-1] == "attribution"
    assert all(row["attribution"] == as_json["meta"]["attribution"] for row in rows)
    if "total" in as_json:
        assert len(rows) == as_json["total"] == int(response.headers["x-total-count"])
    ndjson = client.get(url.replace(".csv", ".ndjson", 1), headers=IDENTITY)
    items, meta = read_ndjson(ndjson.text)
    assert len(items) == meta["total"] == len(rows)
    assert meta["attribution"] == as_json["meta"]["attribution"]
