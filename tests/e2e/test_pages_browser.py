"""The home page and an embed page in headless Chromium (Debian's, never a downloaded
browser) over a running ``dle serve``: no console error (a Content-Security-Policy
violation is one), no failed request, no request to another origin, every image decodes
with a non-zero size, the timeline's milestones are on the home page, and axe-core finds
no serious or critical accessibility violation. Screenshots are kept as artefacts
(``DLE_TEST_ARTIFACTS``, else the test's temporary folder).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.backends import require
from tests.e2e.test_docs_browser import CHROMIUM, FLAGS
from tests.live_server import LiveServer

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parents[1] / "ts" / "node_modules" / "axe-core" / "axe.min.js"
CHART_WARM_UP_SECONDS = 120


def wait_for_charts(base_url: str) -> None:
    """Until the server's chart renderer is warm: it answers 503 with ``Retry-After``
    while it starts, and this waits as long as that header says, within a bound."""
    deadline = time.monotonic() + CHART_WARM_UP_SECONDS
    while True:
        response = httpx.get(f"{base_url}/v1/charts/timeline.svg?width=200&height=150")
        if response.status_code != 503:
            assert response.status_code == 200, response.text
            return
        assert time.monotonic() < deadline, f"the chart renderer did not start: {response.text}"
        time.sleep(float(response.headers["retry-after"]))


@dataclass
class Watched:
    """What a page did that it should not have."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, live: LiveServer) -> Iterator[Any]:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    require(AXE.exists(), f"{AXE} is missing (npm ci in tests/ts)")
    sync_api = pytest.importorskip("playwright.sync_api")
    wait_for_charts(live.base_url)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-pages")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1100, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DLE_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(context: Any, url: str) -> tuple[Any, Watched]:
    watched = Watched()
    page = context.new_page()
    origin = urlsplit(url).netloc
    page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            watched.errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on(
        "requestfailed",
        lambda request: watched.errors.append(f"failed: {request.url} {request.failure}"),
    )
    page.on(
        "response",
        lambda response: (
            watched.errors.append(f"{response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )

    def route(request_route: Any) -> None:
        if urlsplit(request_route.request.url).netloc == origin:
            request_route.continue_()
        else:
            watched.outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="networkidle")
    return page, watched


def _images_decoded(page: Any) -> list[str]:
    """The images that did not decode, or decoded to nothing."""
    broken: list[str] = page.evaluate(
        """async () => {
            const broken = [];
            for (const img of document.images) {
                try { await img.decode(); } catch (e) { broken.push(img.src + ': ' + e); continue; }
                if (!(img.naturalWidth > 0 && img.naturalHeight > 0)) broken.push(img.src);
            }
            return broken;
        }"""
    )
    return broken


def _serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations (run through the DevTools protocol,
    which the page's policy does not restrict)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_home_page(live: LiveServer, browser: Any, artefacts: Path) -> None:
    page, watched = _open(browser, f"{live.base_url}/")
    assert page.locator("h1").first.inner_text() == "Deep Learning Evolution API"
    images = page.locator("main img")
    assert images.count() == 3
    for i in range(3):
        alt = images.nth(i).get_attribute("alt")
        assert alt and "log scale" in alt and "notable models" in alt
    assert _images_decoded(page) == []
    text = page.locator("main").inner_text()
    milestones = httpx.get(f"{live.base_url}/v1/milestones.ndjson?fields=title").text
    titles = [line for line in milestones.splitlines() if '"title"' in line]
    assert len(titles) > 50
    for line in titles:
        title = httpx.Response(200, content=line).json()["title"]
        assert title in text, f"milestone {title!r} is not on the home page"
    for era in httpx.get(f"{live.base_url}/v1/eras").json()["items"]:
        assert page.locator(f"h3#era-{era['slug']}").inner_text().startswith(era["name"])
    assert "Epoch AI" in page.locator("footer").inner_text()
    page.screenshot(path=str(artefacts / "home.png"), full_page=True)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    assert _serious_violations(page) == []
    assert watched.outside == [], f"asked another origin: {watched.outside}"
    assert watched.errors == []
    page.close()


@pytest.mark.parametrize("query", ["", "?theme=dark&fit=window&domain=Language"])
def test_embed_page(live: LiveServer, browser: Any, artefacts: Path, query: str) -> None:
    page, watched = _open(browser, f"{live.base_url}/embed/parameters{query}")
    page.wait_for_selector("#chart[data-rendered=true] svg", timeout=60_000)
    assert page.locator("#chart").get_attribute("data-error") is None
    marks = page.locator("#chart svg .mark-symbol path")
    assert marks.count() > 50
    box = marks.nth(marks.count() // 2).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=10_000)
    assert "Model" in tooltip.inner_text() and "Organization" in tooltip.inner_text()
    assert _images_decoded(page) == []
    name = "embed-dark.png" if query else "embed.png"
    page.screenshot(path=str(artefacts / name))
    assert _serious_violations(page) == []
    assert watched.outside == [], f"asked another origin: {watched.outside}"
    assert watched.errors == []
    page.close()
