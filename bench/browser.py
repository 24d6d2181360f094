"""Headless Chromium for the dashboard: the one launcher the browser tests and ``python -m bench.dashboard`` share.

Debian's ``chromium`` (``apt install chromium``), driven through Playwright's Python package with
``executable_path``; Playwright's own browser downloads are never used.  A fresh profile
(``--user-data-dir``, through Playwright's persistent context) per launch, and the flags that keep a
headless run quiet and offline-friendly.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 900}


def chromium_path() -> str | None:
    """The Chromium binary to drive (Debian's), or ``None`` when there is none."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    return found if found and Path(found).exists() else None


def why_not() -> str | None:
    """Why the browser cannot be driven here, or ``None`` when it can."""
    if chromium_path() is None:
        return "no Chromium: install Debian's chromium (apt install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (it comes with the [test] extra)"
    return None


@dataclass
class Browser:
    """One Chromium with one context (its cookies are the session), and what its pages logged."""

    context: Any
    console: list[str] = field(default_factory=list)

    def page(self) -> Any:
        page = self.context.new_page()
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        return page


@contextmanager
def chromium(*, downloads: Path | None = None) -> Iterator[Browser]:
    """A headless Chromium with a fresh profile, closed afterwards."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError(why_not())
    profile = Path(tempfile.mkdtemp(prefix="partychain-chromium-"))
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                str(profile), executable_path=exe, headless=True, args=FLAGS, viewport=VIEWPORT, locale="zh-CN",
                accept_downloads=True, downloads_path=str(downloads) if downloads else None)
            try:
                yield Browser(context)
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def render(page: Any, url: str, *, timeout_ms: int = 60_000) -> float:
    """Load ``url`` (a full load) and wait until the dashboard says the page is rendered; the milliseconds from
    navigation start until its data was shown and its charts drawn."""
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector("body[data-ready]", timeout=timeout_ms)
    return float(page.evaluate("window.partychain.rendered[document.body.dataset.ready]"))
