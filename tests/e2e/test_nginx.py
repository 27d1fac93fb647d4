"""The contract through a stock nginx used as a caching reverse proxy.

nginx (Debian's, with its default buffer sizes) runs from a config written to a
temporary folder on a port the OS chose, in front of a real ``dle serve``. It serves
the API under ``/api/``, caches responses with ``proxy_cache`` keyed without
``Origin`` (as a CDN may), and sets ``X-Forwarded-Host``/``-Proto``/``-Prefix`` as a
proxy terminating TLS would; the server trusts it because it connects from 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.backends import require
from tests.live_server import LiveServer, free_port, wait_for

pytestmark = pytest.mark.slow

PUBLIC_HOST = "api.example.test"
PREFIX = "/api"
ORIGIN = "https://frontend.example"
QUERY_CAP = 2048  # DLE_MAX_QUERY_BYTES' default: the longest query a client may send

CONFIG = """\
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    proxy_cache_path {tmp}/cache keys_zone=dle:1m;
    server {{
        listen 127.0.0.1:{port};
        location {prefix}/ {{
            proxy_pass http://127.0.0.1:{upstream}/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Proto https;  # as if nginx terminated TLS
            proxy_set_header X-Forwarded-Prefix {prefix};
            proxy_cache dle;
            proxy_cache_revalidate on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


def _tail(log: Path) -> str:
    return "\n".join(log.read_text().splitlines()[-20:]) if log.exists() else ""


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


@pytest.fixture(scope="module")
def proxy(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of nginx in front of ``live``."""
    binary = _nginx()
    require(binary is not None, "the nginx tests need Debian's nginx (apt-get install nginx)")
    assert binary is not None
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    upstream = live.base_url.rsplit(":", 1)[1]
    conf = tmp / "nginx.conf"
    # Run as root (the test machine), nginx's workers would be "nobody", who cannot
    # read the temporary folder: keep them the test's user.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(CONFIG.format(user=user, tmp=tmp, port=port, upstream=upstream, prefix=PREFIX))
    process = subprocess.Popen(
        [
            binary,
            "-p",
            str(tmp),
            "-e",
            str(tmp / "error.log"),
            "-c",
            str(conf),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool | None:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited early:\n{_tail(tmp / 'error.log')}")
        try:
            return httpx.get(f"{base}{PREFIX}/health", timeout=2).status_code == 200 or None
        except httpx.TransportError:
            return None

    try:
        wait_for(answering, timeout=30, what="nginx to proxy /health")
        yield base
    except BaseException:
        sys.stderr.write(f"--- nginx error log ---\n{_tail(tmp / 'error.log')}\n")
        raise
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _get(proxy: str, path: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{proxy}{PREFIX}{path}", headers={"Host": PUBLIC_HOST, **headers}, timeout=10)


@pytest.mark.parametrize("first_with_origin", [False, True])
def test_a_cached_copy_carries_cors_for_every_client(proxy: str, first_with_origin: bool) -> None:
    path = f"/v1/models?limit={3 + int(first_with_origin)}&sort=name"
    origins = [{"Origin": ORIGIN}, {}] if first_with_origin else [{}, {"Origin": ORIGIN}]
    fill, hit = (_get(proxy, path, **origin) for origin in origins)
    assert fill.status_code == hit.status_code == 200
    assert hit.headers["x-cache-status"] == "HIT"  # the copy the first request stored
    for response in (fill, hit):
        assert response.headers["access-control-allow-origin"] == "*"
        assert "link" in response.headers["access-control-expose-headers"].lower()


def test_links_name_the_public_host_proto_and_prefix(proxy: str) -> None:
    response = _get(proxy, "/v1/models?limit=2")
    assert response.status_code == 200
    urls = [part.split(">")[0].lstrip(" <") for part in response.headers["link"].split(", <")]
    public = f"https://{PUBLIC_HOST}{PREFIX}/v1/models"
    assert urls and all(url.startswith(public) for url in urls), urls
    assert f"{public}.csv" in urls  # the downloads of the same list, at the public address
    follow = _get(proxy, "/" + urls[0].removeprefix(f"https://{PUBLIC_HOST}{PREFIX}/"))
    assert follow.status_code == 200 and follow.json()["offset"] == 0
    docs = _get(proxy, "/docs").text
    assert f"{PREFIX}/openapi.json" in docs


def test_revalidation_through_the_proxy_is_a_304(proxy: str) -> None:
    first = _get(proxy, "/v1/models?limit=5")
    etag = first.headers["etag"]
    revalidated = _get(proxy, "/v1/models?limit=5", **{"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.headers["etag"] == etag
    assert revalidated.headers["access-control-allow-origin"] == "*"


def test_the_longest_allowed_query_gets_its_answer(proxy: str) -> None:
    query = "limit=2"
    while len(query) + len("&domain=Language") < QUERY_CAP:
        query += "&domain=Language"
    response = _get(proxy, f"/v1/models?{query}")
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert body["next_cursor"] and len(body["items"]) == 2
