"""Helpers to build real MkDocs sites into ``tmp_path`` (in-process, fast).

A plain module (not conftest) so test files can import it by a unique name.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

Site = Callable[..., Path]

# A diagram whose third line closes a cycle: the broken fence of the error tests.
CYCLIC = """\
x ~ X
x -> [f*] -> y
y -> (+) -> y
min y
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def build_site(root: Path, strict: bool = False) -> Path:
    """Run a real ``mkdocs build`` in this process; returns the site directory."""
    config = load_config(config_file=str(root / "mkdocs.yml"), strict=strict)
    build(config)
    return Path(config.site_dir)


def site_factory(tmp_path: Path) -> Site:
    """``make_site({"mkdocs.yml": ..., "docs/index.md": ...})`` -> project directory."""

    def make(files: dict[str, str]) -> Path:
        write(tmp_path, files)
        return tmp_path

    return make


def page(site: Path, name: str = "index") -> str:
    path = site / "index.html" if name == "index" else site / name / "index.html"
    return path.read_text(encoding="utf-8")
