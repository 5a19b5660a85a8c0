"""A real headless Chromium for the UI's tests: Debian's `chromium` package (installed
with apt-get when missing and running as root; the tests are skipped, saying why, where
it cannot be), driven by Playwright for Python without its own browser downloads."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _install_chromium() -> str | None:
    """None when /usr/bin/chromium is there (installed now if need be), else why not."""
    if CHROMIUM.exists():
        return None
    if not shutil.which("apt-get"):
        return "no /usr/bin/chromium and no apt-get to install Debian's chromium package"
    if os.geteuid() != 0:
        return "no /usr/bin/chromium; install it: sudo apt-get install -y chromium"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-q", "chromium"],
                    ["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        subprocess.run(command, env=env, capture_output=True, timeout=900)
        if CHROMIUM.exists():
            return None
    return "apt-get could not install chromium (no package index or network?)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one module: Playwright's sync API runs an event loop in this thread
    while it is open, which the async tests of other modules must not find running."""
    why = _install_chromium()
    if why:
        pytest.skip(f"browser tests need Chromium: {why}")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="needs the test extra")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def gateway_executor() -> str:
    """One gateway executor: the browser sees the same answers from both."""
    return "direct"


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: under the pytest basetemp."""
    return tmp_path_factory.mktemp("screenshots", numbered=False) if not (
        tmp_path_factory.getbasetemp() / "screenshots").exists() else (
        tmp_path_factory.getbasetemp() / "screenshots")
