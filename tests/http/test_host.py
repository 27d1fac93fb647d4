"""Exactly one well-formed ``Host`` header, or a 400 problem (RFC 9112 3.2)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.host import host_problem
from tests.live_server import live_server


def _scope(*hosts: bytes, version: str = "1.1") -> dict[str, object]:
    return {"headers": [(b"host", h) for h in hosts], "http_version": version}


@pytest.mark.parametrize(
    "host", [b"api.example.org", b"api.example.org:8443", b"127.0.0.1:8000", b"[::1]:8000", b"a"]
)
def test_a_host_name_or_address_is_accepted(host: bytes) -> None:
    assert host_problem(_scope(host)) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "host",
    [b"", b"evil.example/x", b"a b", b"x@evil.example", b"a:port", b"<script>", b"a:123456"],
)
def test_a_malformed_host_is_refused(host: bytes) -> None:
    assert host_problem(_scope(host)) is not None  # type: ignore[arg-type]


def test_missing_or_repeated_hosts_are_refused() -> None:
    assert host_problem(_scope()) is not None  # type: ignore[arg-type]
    assert host_problem(_scope(b"a", b"b")) is not None  # type: ignore[arg-type]
    assert host_problem(_scope(version="1.0")) is None  # type: ignore[arg-type]
    assert host_problem(_scope(b"a", b"b", version="1.0")) is not None  # type: ignore[arg-type]


def test_a_refused_host_is_a_problem_document(client: TestClient) -> None:
    response = client.get("/v1/models?limit=1", headers={"Host": "evil.example/x"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["status"] == 400
    assert "evil" not in response.headers.get("link", "")


def _raw(base_url: str, request: bytes) -> tuple[int, bytes]:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def test_dle_serve_refuses_missing_and_repeated_hosts(seeded_url: str, tmp_path: Path) -> None:
    with live_server(seeded_url, tmp_path) as server:
        missing = b"GET /v1/models?limit=1 HTTP/1.1\r\nConnection: close\r\n\r\n"
        repeated = (
            b"GET /v1/models?limit=1 HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n"
            b"Connection: close\r\n\r\n"
        )
        single = b"GET /v1/models?limit=1 HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n"
        for request in (missing, repeated):
            status, body = _raw(server.base_url, request)
            assert status == 400
            assert json.loads(body)["status"] == 400
        status, _ = _raw(server.base_url, single)
        assert status == 200
