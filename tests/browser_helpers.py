"""Driving Debian's Chromium with Playwright, for tests/test_browser.py.

Import the fixtures into a test module (``from browser_helpers import browser_fixture,
open_page_fixture``); they register as ``browser`` and ``open_page``.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Every page records
its requests, console errors and uncaught exceptions, so a test can assert that an offline map
made no request and raised nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter",
]
READY = "() => window.geomap && window.geomap.ready === true"


@dataclass
class Watched:
    """A page and what it did."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self, allowed: set[str]) -> list[str]:
        """Requests other than ``allowed`` URLs and data: URIs."""
        return [u for u in self.requests if u not in allowed and not u.startswith("data:")]


def watch(page: Any) -> Watched:
    w = Watched(page)
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("console", lambda m: w.errors.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: w.errors.append(f"pageerror: {e}"))
    return w


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Any]:
    """One Chromium per test module (Playwright's sync API)."""
    from playwright.sync_api import sync_playwright  # the test extra; a failure if missing

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(name="open_page")
def open_page_fixture(browser: Any) -> Iterator[Any]:
    """``open_page(url, wait=True)`` → a :class:`Watched` page, ready when ``wait``."""
    pages: list[Any] = []

    def _open(url: str, *, wait: bool = True, width: int = 1200, height: int = 800,
              init_script: str | None = None) -> Watched:
        page = browser.new_page(viewport={"width": width, "height": height})
        pages.append(page)
        w = watch(page)
        if init_script:
            page.add_init_script(init_script)
        page.goto(url)
        if wait:
            page.wait_for_function(READY, timeout=20_000)
        return w

    yield _open
    for p in pages:
        p.close()
