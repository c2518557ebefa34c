"""What a Sphinx build says about its diagrams (issue 16, "Progress"): one summary line,
counted right on a cold and a warm build, and Sphinx's progress display while drawing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SUMMARY = re.compile(r"^dagnote: (\d+) diagrams?, (\d+) from cache, (\d+) drawn in [\d.]+ s$",
                     re.M)


def diagram(name: str) -> str:
    return f".. dagnote::\n\n   x ~ X\n   x -> [{name}*] -> y\n   min y\n\n"


def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_dagnote"]\n')
    (src / "index.rst").write_text("Index\n=====\n\n.. toctree::\n\n   other\n\n"
                                   + diagram("f") + diagram("g"))
    (src / "other.rst").write_text("Other\n=====\n\n" + diagram("h") + diagram("f"))
    return src


def sphinx_build(src: Path, builder: str = "html", *extra: str) -> str:
    # --no-color: Sphinx colours its output where CI asks for colour (FORCE_COLOR and alike)
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", builder, "--no-color", *extra,
                           str(src), str(src / "_build" / builder)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "WARNING" not in proc.stderr, proc.stderr
    return proc.stdout


def counts(output: str) -> list[tuple[str, ...]]:
    return [m.groups() for m in SUMMARY.finditer(output)]


def test_summary_counts_a_cold_then_a_warm_build(tmp_path: Path) -> None:
    src = project(tmp_path)
    assert counts(sphinx_build(src)) == [("3", "0", "3")]  # f twice on two pages: one diagram
    (src / "other.rst").write_text("Other\n=====\n\n" + diagram("k") + diagram("f"))
    assert counts(sphinx_build(src)) == [("3", "2", "1")]
    assert counts(sphinx_build(src, "html", "-E")) == [("3", "3", "0")]


def test_progress_is_shown_while_drawing_for_latex_and_parallel_builds(
        tmp_path: Path) -> None:
    src = project(tmp_path)
    out = sphinx_build(src, "html", "-j", "2")
    assert re.findall(r"drawing dagnote diagrams\.\.\. \[\s*(\d+)%\] (\S+)", out) == [
        ("33", "index.rst:10"), ("67", "index.rst:16"), ("100", "other.rst:6")], out
    assert counts(out) == [("3", "0", "3")]
    latex = sphinx_build(src, "latex")
    assert "drawing dagnote diagrams... [100%]" in latex
    assert counts(latex) == [("3", "0", "3")]  # TikZ: another format, drawn again
