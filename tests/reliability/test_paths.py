"""Paths: a diagram file outside the docs source is refused, whatever the spelling.

A page must not publish ``../secrets`` or ``/etc/passwd`` through a diagram file argument
(Sphinx ``.. dagnote:: FILE``, MkDocs ``file=``), neither directly nor through a symlink.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .hosts import build_mkdocs, build_sphinx, write

SECRET = "secret_token ~ S\n"
GOOD = "x ~ X\nx -> [f*] -> loss\nmin loss\n"


def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.dag"
    secret.parent.mkdir(parents=True)
    secret.write_text(SECRET)
    return secret


def sphinx_attempts(tmp_path: Path) -> dict[str, str]:
    """Argument spellings that all point at (or try to reach) the file outside."""
    secret = outside(tmp_path)
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "link.dag").symlink_to(secret)
    (src / "linkdir").symlink_to(secret.parent, target_is_directory=True)
    return {
        "dotdot": "../outside/secret.dag",
        "deep dotdot": "sub/../../outside/secret.dag",
        "absolute": str(secret),
        "symlink file": "link.dag",
        "symlink dir": "linkdir/secret.dag",
    }


@pytest.mark.parametrize("kind", ["dotdot", "deep dotdot", "absolute", "symlink file",
                                  "symlink dir"])
def test_sphinx_refuses_files_outside_the_source(tmp_path: Path, kind: str) -> None:
    argument = sphinx_attempts(tmp_path)[kind]
    src = tmp_path / "src"
    write(src, {"index.rst": f"Title\n=====\n\n.. dagnote:: {argument}\n"})
    html, warnings = build_sphinx(src)
    assert "secret_token" not in html
    assert "index.rst" in warnings and "dagnote" in warnings, warnings
    assert ("outside the source directory" in warnings or "cannot read" in warnings), warnings


def test_sphinx_reads_a_file_inside_the_source(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {"index.rst": "Title\n=====\n\n.. dagnote:: figs/ok.dag\n", "figs/ok.dag": GOOD})
    html, warnings = build_sphinx(src)
    assert "<svg" in html and "dagnote" not in warnings.lower().replace("sphinx_dagnote", "")


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink file", "symlink dir"])
def test_mkdocs_refuses_files_outside_docs(tmp_path: Path, kind: str,
                                           caplog: pytest.LogCaptureFixture) -> None:
    secret = outside(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "link.dag").symlink_to(secret)
    (docs / "linkdir").symlink_to(secret.parent, target_is_directory=True)
    argument = {"dotdot": "../outside/secret.dag", "absolute": str(secret),
                "symlink file": "link.dag", "symlink dir": "linkdir/secret.dag"}[kind]
    write(tmp_path, {"docs/index.md": f'# T\n\n```dagnote file="{argument}"\n```\n'})
    html = build_mkdocs(tmp_path)
    assert "secret_token" not in html
    assert any("index.md" in r.getMessage() and "file=" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]
