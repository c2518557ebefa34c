"""``sphinx-build -D``: every dagnote setting can be given on the command line (issue 16,
"Hosts disagree": ``-D dagnote_font_size=10`` was refused as "unsupported type")."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def sphinx_build(src: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    args = [a for o in overrides for a in ("-D", o)]
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", *args,
                           str(src), str(src / "_build" / "html")],
                          capture_output=True, text=True, check=False)


def font_sizes(src: Path) -> set[str]:
    html = (src / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    return set(re.findall(r'font-size="([\d.]+)"', html))


def test_font_size_and_timeout_on_the_command_line(project) -> None:
    src: Path = project("clean")
    proc = sphinx_build(src, "dagnote_font_size=10", "dagnote_timeout=60")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "10" in font_sizes(src) and "15" not in font_sizes(src)


def test_a_bad_number_on_the_command_line_warns_and_uses_the_default(project) -> None:
    src: Path = project("clean")
    proc = sphinx_build(src, "dagnote_font_size=big", "dagnote_timeout=-1")
    assert "dagnote_font_size must be a number of points above 0 and below 200, not 'big'; " \
           "using 15 [dagnote.config]" in proc.stderr, proc.stderr
    assert "dagnote_timeout must be a positive number of seconds" in proc.stderr
    assert "15" in font_sizes(src)
