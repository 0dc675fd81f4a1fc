"""Fixtures of the browser suite: one seeded server for the session, a fresh headless Chromium per test.

Environment: RUNWATCH_BIN (default .build/debug/runwatch), RUNWATCH_SCREENSHOTS (default
.build/browser-screenshots), RUNWATCH_README_SCREENSHOTS (a directory: also write the README screenshots).
"""

import os
import shutil
from pathlib import Path

import pytest

from browser import Browser, start_chromium
from runwatch_server import REPO, RunwatchServer

SCREENSHOTS = Path(os.environ.get("RUNWATCH_SCREENSHOTS", REPO / ".build/browser-screenshots"))


@pytest.fixture(scope="session")
def server():
    with RunwatchServer() as running:
        yield running


@pytest.fixture(scope="session")
def screenshots():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.is_dir():
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"Browser screenshots ({count} pages): {SCREENSHOTS}")
    readme = os.environ.get("RUNWATCH_README_SCREENSHOTS")
    if readme:
        for name in ("operations.png", "reconciled-run.png", "insights.png", "phone.png"):
            terminalreporter.write_line(f"README screenshot: {Path(readme) / name}")


@pytest.fixture
def browser(server, screenshots, request):
    driver = start_chromium()
    try:
        yield Browser(driver, server.url, screenshots, name=request.node.name.removeprefix("test_"))
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def readme_screenshots():
    """The directory to write README screenshots to, or None when this run should not write them."""
    directory = os.environ.get("RUNWATCH_README_SCREENSHOTS")
    return Path(directory) if directory else None
