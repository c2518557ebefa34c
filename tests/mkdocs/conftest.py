"""Fixtures for the MkDocs tests; the helpers live in mkdocs_helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs_helpers import Site, site_factory


@pytest.fixture
def make_site(tmp_path: Path) -> Site:
    """``make_site({"mkdocs.yml": ..., "docs/index.md": ...})`` -> project directory."""
    return site_factory(tmp_path)
