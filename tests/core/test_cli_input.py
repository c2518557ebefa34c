"""The dagnote command on what authors write: columns of host files, odd text, options."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_cli import dagnote

GOOD = "x ~ X\nx -> [f*] -> y\nmin y\n"


@pytest.mark.parametrize("timeout", ["inf", "1e10", "1e400"])
def test_a_huge_or_infinite_timeout_means_no_limit(tmp_path: Path, timeout: str) -> None:
    (tmp_path / "a.dag").write_text(GOOD)
    proc = dagnote("render", str(tmp_path / "a.dag"), "-o", str(tmp_path / "out"),
                   "--timeout", timeout)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "a.svg").exists()


@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "-inf"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
        tmp_path: Path, timeout: str) -> None:
    (tmp_path / "a.dag").write_text(GOOD)
    proc = dagnote("render", str(tmp_path / "a.dag"), "-o", str(tmp_path / "out"),
                   "--timeout", timeout)
    assert proc.returncode == 2
    assert "timeout must be a positive number of seconds, not" in proc.stderr
    assert "Traceback" not in proc.stderr


def _check(tmp_path: Path, name: str, text: str) -> list[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    proc = dagnote("check", name, cwd=tmp_path)
    return [line for line in proc.stderr.splitlines() if ": error: " in line]


def test_columns_count_the_characters_of_the_file_line(tmp_path: Path) -> None:
    """Issue 17, item 19: a block's columns were counted from its dedented text."""
    rst = ("T\n=\n\n.. dagnote::\n\n   x ~ X\n   x -> y ]\n\n"
           ".. dagnote::\n\n\tx ~ X\n\tx ->\ty ]\n")
    assert [e.split(": error:")[0] for e in _check(tmp_path, "page.rst", rst)] == [
        "page.rst:7:11", "page.rst:12:9"]
    md = ("# T\n\n- item\n\n    ```dagnote\n    x ~ X\n    x -> y ]\n    ```\n\n"
          "> ```dagnote\n> x ~ X\n> x ->\ty ]\n> ```\n")
    assert [e.split(": error:")[0] for e in _check(tmp_path, "page.md", md)] == [
        "page.md:7:12", "page.md:12:10"]


def test_a_byte_order_mark_and_line_separators_in_a_page_keep_its_lines(
        tmp_path: Path) -> None:
    """A page starting with a BOM still has its first fence (MkDocs reads it so); a
    U+2028 or form feed in the text before a block does not shift the block's lines."""
    md = "\ufeff```dagnote\nx -> ]\n```\n\nText\u2028more\x0cand more\n\n```dagnote\nx -> ]\n```\n"
    assert [e.split(": error:")[0] for e in _check(tmp_path, "bom.md", md)] == [
        "bom.md:2:6", "bom.md:8:6"]
    rst = "\ufeffT\n=\n\nText\u2028more\n\n.. dagnote::\n\n   x -> ]\n"
    assert [e.split(": error:")[0] for e in _check(tmp_path, "bom.rst", rst)] == [
        "bom.rst:8:9"]
