"""``/docs`` in headless Chromium (Debian's, never a downloaded browser): the page loads its
assets from the service alone and lists every operation; ``/redoc`` renders too.

The browser runs with no network but 127.0.0.1: every request to another host is
aborted and counted, so a CDN reference would fail the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.backends import require
from tests.live_server import LiveServer

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("DLE_CHROMIUM", "/usr/bin/chromium"))
# The flags Chromium needs on a machine with no network and no screen, as root.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
        )
        try:
            yield context
        finally:
            context.close()


def _open(context: Any, url: str, outside: list[str]) -> Any:
    page = context.new_page()
    page.on("pageerror", lambda error: outside.append(f"page error: {error}"))

    def route(request_route: Any) -> None:
        host = urlsplit(request_route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return page


def test_swagger_ui_lists_every_operation(
    live: LiveServer, browser_context: Any, tmp_path: Path
) -> None:
    outside: list[str] = []
    page = _open(browser_context, f"{live.base_url}/docs", outside)
    page.wait_for_selector(".opblock-summary-operation-id", timeout=30_000)
    shown = set(page.locator(".opblock-summary-operation-id").all_inner_texts())
    document = page.request.get(f"{live.base_url}/openapi.json").json()
    expected = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert expected <= {text.strip() for text in shown}
    assert "Epoch AI" in page.locator(".information-container").inner_text()
    page.screenshot(path=str(tmp_path / "docs.png"))
    assert outside == [], f"/docs asked for outside URLs: {outside}"
    page.close()


def test_redoc_renders_offline(live: LiveServer, browser_context: Any) -> None:
    outside: list[str] = []
    page = _open(browser_context, f"{live.base_url}/redoc", outside)
    page.locator("h2", has_text="List models").first.wait_for(timeout=30_000)
    assert page.locator("h1").first.inner_text().startswith("Deep Learning Evolution API")
    assert outside == [], f"/redoc asked for outside URLs: {outside}"
    page.close()
