"""Fixtures for the browser tests: one headless Chromium per session, a screenshot folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cdp import CHROMIUM, Browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here ``browser`` and skip them all when Chromium is missing."""
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Chromium driven over the DevTools pipe."""
    chrome = Browser()
    try:
        yield chrome
    finally:
        chrome.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """build/screenshots/ in the repository, kept after the run for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
