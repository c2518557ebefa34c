"""Fixtures for real Sphinx builds; the helpers live in sphinx_helpers.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx_helpers import ROOTS, BuildFn, run_build


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """For ``@pytest.mark.sphinx(testroot=...)``: roots live next to these tests."""
    return ROOTS


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a test root into a fresh directory and return its path."""

    def copy(name: str) -> Path:
        dest = tmp_path / name / "src"
        shutil.copytree(ROOTS / f"test-{name}", dest)
        return dest

    return copy


@pytest.fixture
def build() -> BuildFn:
    """``build(srcdir, builder, parallel=..., confoverrides=...)`` -> Built."""
    return run_build
