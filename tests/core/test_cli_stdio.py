"""The dagnote command in a pipe: ``-`` reads standard input, ``-o -`` writes the image
to standard output, and every render says what it drew (issue 16, "CLI for authors")."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from defusedxml import ElementTree

GOOD = "x ~ X\nx -> [f*] -> y\nmin y\n"
SUMMARY = re.compile(r"^dagnote: (\d+) diagrams?, (\d+) from cache, (\d+) drawn in [\d.]+ s",
                     re.M)


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "dagnote", *args], input=stdin,
                          capture_output=True, check=False)


def test_check_reads_standard_input_and_names_it() -> None:
    proc = run("check", "-", stdin=b"x ~ X\nx -> -> y\n")
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith("<stdin>:2:6: error: expected a name")
    assert run("check", "-", stdin=GOOD.encode()).returncode == 0


def test_render_from_standard_input_to_standard_output_is_the_svg() -> None:
    proc = run("render", "-", "-o", "-", stdin=GOOD.encode())
    assert proc.returncode == 0, proc.stderr
    root = ElementTree.fromstring(proc.stdout)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "f" in "".join(root.itertext())
    assert SUMMARY.search(proc.stderr.decode()).groups() == ("1", "0", "1")


def test_render_a_file_to_standard_output_and_stdin_to_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a.dag").write_text(GOOD)
    proc = run("render", str(tmp_path / "a.dag"), "-o", "-")
    assert proc.returncode == 0 and proc.stdout.startswith(b"<svg"), proc.stderr
    proc = run("render", "-", "-o", str(tmp_path / "out"), stdin=GOOD.encode())
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "stdin.svg").read_bytes().startswith(b"<svg")


def test_standard_output_takes_one_image_only(tmp_path: Path) -> None:
    (tmp_path / "a.dag").write_text(GOOD)
    (tmp_path / "b.dag").write_text(GOOD)
    proc = run("render", str(tmp_path / "a.dag"), str(tmp_path / "b.dag"), "-o", "-")
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"-o - writes one image" in proc.stderr
    page = tmp_path / "page.md"
    page.write_text(f"```dagnote\n{GOOD}```\n\n```dagnote\n{GOOD}```\n")
    proc = run("render", str(page), "-o", "-")
    assert proc.returncode == 1 and proc.stdout == b""
    assert b"holds 2 diagrams" in proc.stderr


def test_bad_standard_input_is_a_located_error_not_a_traceback() -> None:
    proc = run("check", "-", stdin=b"x ~ \xe9\n")
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().startswith("<stdin>: error: not UTF-8")


def test_the_summary_counts_cache_hits_on_a_warm_run(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.dag").write_text(GOOD.replace("f*", f"f_{name}*"))
    files = [str(tmp_path / f"{n}.dag") for n in "abc"]
    args = ("render", *files, "-o", str(tmp_path / "o"), "--cache-dir", str(tmp_path / "c"))
    cold = run(*args)
    assert SUMMARY.search(cold.stderr.decode()).groups() == ("3", "0", "3")
    (tmp_path / "b.dag").write_text(GOOD.replace("f*", "g*"))
    warm = run(*args)
    assert SUMMARY.search(warm.stderr.decode()).groups() == ("3", "2", "1")
