"""Raw HTTP/1.1 over a socket: what a test needs to speak to ``dle serve`` byte by byte."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import orjson

PROBLEM_FIELDS = {"type", "title", "status", "detail"}


@dataclass
class Answer:
    """One response: status, headers (lower-case names), body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def problem(self) -> dict[str, Any]:
        """The problem+json body, checked to have the application's shape."""
        assert self.headers["content-type"] == "application/problem+json", self.headers
        assert self.headers["x-content-type-options"] == "nosniff"
        data: dict[str, Any] = orjson.loads(self.body)
        assert PROBLEM_FIELDS <= set(data) <= PROBLEM_FIELDS | {"instance"}, data
        assert data["type"] == "about:blank"
        assert data["status"] == self.status
        return data


def connect(base_url: str, timeout: float = 30) -> socket.socket:
    """A TCP connection to the server of ``base_url`` (http://host:port)."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=timeout)


def read_answer(sock: socket.socket, buffered: bytes = b"") -> tuple[Answer, bytes]:
    """Read one response with a Content-Length body; the answer and the bytes after it."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a complete response head: {data!r}"
        data += chunk
    head, after_head = data.split(b"\r\n\r\n", 1)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    rest = bytearray(after_head)  # grown in place: a large body is read in linear time
    while len(rest) < length:
        chunk = sock.recv(1024 * 1024)
        assert chunk, "closed in the middle of a response body"
        rest += chunk
    answer = Answer(int(status_line.split(" ")[1]), headers, bytes(rest[:length]))
    return answer, bytes(rest[length:])


def closed_by_server(sock: socket.socket, buffered: bytes = b"") -> bool:
    """Whether the server ends the connection (EOF or reset) with nothing more sent."""
    assert buffered == b"", buffered
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


def get(path: str = "/health", *, extra: bytes = b"") -> bytes:
    """A complete GET request head."""
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: test\r\n" + extra + b"\r\n"
