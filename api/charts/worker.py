"""The rendering process: ``python -m api.charts.worker``, started by ``api.charts.render``.

vl-convert holds Python's global interpreter lock while it renders (seconds for its
first figure, tenths afterwards), so it cannot run in a thread of the server without
stopping the event loop; it runs here, in a process of its own, and the server waits on
a pipe (which releases the lock). The protocol, on stdin and stdout: a request is one
byte (``s`` SVG, ``p`` PNG), a 4-byte big-endian length and the specification as JSON;
an answer is one byte (``R`` ready, once, after the warm-up; ``O`` the image; ``E`` an
error message), a length and the bytes. The process ends when its stdin closes (the
server stopped, or died). It imports nothing of the project.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any, Final

VL_VERSION: Final = "6.4"
WARM_UP_SPEC: Final = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "data": {"values": [{"x": 1, "y": 10}, {"x": 2, "y": 1000}]},
    "mark": "point",
    "title": "warm-up",
    "encoding": {
        "x": {"field": "x", "type": "quantitative"},
        "y": {"field": "y", "type": "quantitative", "scale": {"type": "log"}},
    },
}


def write_message(stream: IO[bytes], kind: bytes, body: bytes) -> None:
    """One framed message."""
    stream.write(kind + len(body).to_bytes(4, "big") + body)
    stream.flush()


def read_message(stream: IO[bytes]) -> tuple[bytes, bytes] | None:
    """One framed message; None at the end of the stream."""
    head = stream.read(5)
    if len(head) < 5:
        return None
    size = int.from_bytes(head[1:], "big")
    body = stream.read(size)
    if len(body) < size:
        return None
    return head[:1], body


def render(kind: bytes, spec: Any) -> bytes:
    """The SVG (``s``) or PNG (``p``) of a Vega-Lite specification; it may load nothing."""
    import vl_convert  # here: only this process starts the runtime

    if kind == b"s":
        svg: str = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[])
        return svg.encode()
    png: bytes = vl_convert.vegalite_to_png(spec, vl_version=VL_VERSION, allowed_base_urls=[])
    return png


def main() -> None:
    """Warm the runtime, say so, then answer requests until stdin closes."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answers
    requests = sys.stdin.buffer
    render(b"s", WARM_UP_SPEC)
    render(b"p", WARM_UP_SPEC)
    write_message(answers, b"R", b"")
    while (message := read_message(requests)) is not None:
        kind, body = message
        try:
            write_message(answers, b"O", render(kind, json.loads(body)))
        except Exception as error:
            write_message(answers, b"E", f"{type(error).__name__}: {error}".encode())


if __name__ == "__main__":
    main()
