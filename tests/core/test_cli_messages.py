"""The CLI's messages (issue 15): excerpt and caret, host lines in the text, exit status
with --warnings-as-errors, 'allow', and the lint marks of render --show-problems."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
WARNS = "x ~ X\nx -> [f*] -> y\nx -> [h*] -> z\nmin y\n"  # h is never updated


def dagnote(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dagnote", *args], capture_output=True,
                          text=True, check=False)


def test_each_problem_shows_its_line_and_a_caret_under_the_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.dag"
    bad.write_text("x ~ X\n\tx -> [f* -> y\n")
    lines = dagnote("check", str(bad)).stderr.splitlines()
    assert lines[0].startswith(f"{bad}:2:7: error: '[' is never closed")
    assert lines[1:] == [" 2 | \tx -> [f* -> y", "   | \t     ^"]


def test_blocks_in_rst_and_markdown_show_the_file_line(tmp_path: Path) -> None:
    rst = tmp_path / "page.rst"
    rst.write_text("T\n=\n\n.. dagnote::\n\n   x ~ X\n   x -> [f*] -> y\n   y -> [x]\n"
                   "   min y\n")
    lines = dagnote("check", str(rst)).stderr.splitlines()
    assert lines[0].startswith(f"{rst}:8:9: error: 'x' is used as a module here but as a "
                               "value on line 6")  # line 6 of the file, not of the block
    assert lines[1:3] == [" 8 |    y -> [x]", "   |         ^"]
    md = tmp_path / "page.md"
    md.write_text("# T\n\n```dagnote\nx ~ X\nx -> [f*] -/-> h\nh -> (mse) -> loss\n"
                  "min loss\n```\n")
    lines = dagnote("check", str(md)).stderr.splitlines()
    assert "the stop-gradient '-/->' at line 5, column 11 cuts its path" in lines[0]
    assert lines[1:3] == [" 5 | x -> [f*] -/-> h", "   |      ^"]


def test_warnings_as_errors_exits_1_on_warnings_only(tmp_path: Path) -> None:
    warn = tmp_path / "warn.dag"
    warn.write_text(WARNS)
    assert dagnote("check", str(warn)).returncode == 0
    strict = dagnote("check", "--warnings-as-errors", str(warn))
    assert strict.returncode == 1 and "[untrained]" in strict.stderr
    clean = tmp_path / "clean.dag"
    clean.write_text("x ~ X\nx -> [f*] -> y\nmin y\n")
    assert dagnote("check", "-W", str(clean)).returncode == 0


def test_an_allowed_warning_passes_warnings_as_errors(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed.dag"
    allowed.write_text(WARNS + "allow untrained: [h]\n")
    proc = dagnote("check", "--warnings-as-errors", str(allowed))
    assert proc.returncode == 0 and proc.stderr == ""
    other = tmp_path / "other.dag"  # allowing it for another element allows nothing
    other.write_text(WARNS + "allow untrained: [f]\n")
    assert dagnote("check", "-W", str(other)).returncode == 1
    typo = tmp_path / "typo.dag"
    typo.write_text(WARNS + "allow untraind\n")
    proc = dagnote("check", str(typo))
    assert proc.returncode == 1
    assert "cannot allow 'untraind': no check has that name (did you mean 'untrained'?)" \
        in proc.stderr


def test_render_show_problems_marks_the_figure(tmp_path: Path) -> None:
    src = tmp_path / "warn.dag"
    src.write_text(WARNS)
    plain = dagnote("render", str(src), "-o", str(tmp_path / "plain"))
    marked = dagnote("render", str(src), "-o", str(tmp_path / "marked"), "--show-problems")
    assert plain.returncode == marked.returncode == 0, marked.stderr
    svg = (tmp_path / "marked" / "warn.svg").read_text()
    assert 'class="dn-problem"' in svg and 'class="dn-badge"' in svg
    assert "trainable module 'h' is never updated" in svg
    assert "dn-problem" not in (tmp_path / "plain" / "warn.svg").read_text()


def test_the_pre_commit_hook_runs_dagnote_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "dagnote-check" and hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["dagnote", "check"]
    assert "dag" in hook["files"] and "rst" in hook["files"] and "md" in hook["files"]


@pytest.mark.skipif(shutil.which("pre-commit") is None and
                    not (Path(sys.executable).parent / "pre-commit").exists(),
                    reason="pre-commit is not installed (pip install pre-commit)")
def test_pre_commit_try_repo_runs_the_hook_on_a_repository(tmp_path: Path) -> None:
    """The hook for real: pre-commit installs this repository (its last commit) in a
    fresh environment and runs it on the files of another repository."""
    tool = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "warn.dag").write_text(WARNS)
    (repo / "bad.dag").write_text("x ~ X\nx -> [f* -> y\n")
    (repo / "notes.txt").write_text("x -> [f* -> y\n")  # not a diagram file: not checked
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    proc = subprocess.run([tool, "try-repo", str(ROOT), "dagnote-check", "--all-files"],
                          cwd=repo, capture_output=True, text=True, check=False,
                          env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home")})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "bad.dag:2:6: error: '[' is never closed" in proc.stdout
    assert "warn.dag:3:6: warning: trainable module 'h'" in proc.stdout
    assert "notes.txt" not in proc.stdout
