"""``dagnote render --format tikz`` writes .tex files an author ``\\input``s in LaTeX, and
the size and font options of the command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .tex import ARTICLE, latexmk, need_tex

GALLERY = Path(__file__).parents[2] / "docs" / "gallery"


def dagnote(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dagnote", *args], capture_output=True,
                          text=True, check=False, timeout=300)


def test_tikz_files_compile_in_a_hand_written_document(tmp_path: Path) -> None:
    need_tex()
    files = [str(GALLERY / f"{name}.dag") for name in ("vae", "gan", "diffusion")]
    proc = dagnote("render", "-f", "tikz", "-o", str(tmp_path), "--width", "80%", *files)
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.name for p in tmp_path.glob("*.tex"))
    assert written == ["diffusion.tex", "gan.tex", "vae.tex"]
    gan = (tmp_path / "gan.tex").read_text(encoding="ascii")
    assert gan.startswith(r"\begin{adjustbox}{width=0.800\linewidth}")
    body = "\n".join(rf"\begin{{center}}\input{{{name}}}\end{{center}}"
                     for name in ("vae", "gan", "diffusion"))
    (tmp_path / "paper.tex").write_text(ARTICLE % body, encoding="utf-8")
    pdf = latexmk(tmp_path, "paper.tex")
    text = pdf.text()
    for label in ("encoder", "decoder", "(a)", "(b)", "xt"):  # vae, gan phases, diffusion
        assert label in text, label
    assert not re.search(r"Overfull \\hbox", pdf.log)


def test_svg_size_and_font_options(tmp_path: Path) -> None:
    gan = str(GALLERY / "gan.dag")
    assert dagnote("render", "-o", str(tmp_path / "a"), gan).returncode == 0
    proc = dagnote("render", "-o", str(tmp_path / "b"), "--scale", "50", "--font", "serif", gan)
    assert proc.returncode == 0, proc.stderr
    natural = (tmp_path / "a" / "gan.svg").read_text(encoding="ascii")
    half = (tmp_path / "b" / "gan.svg").read_text(encoding="ascii")
    w = float(re.search(r'<svg [^>]*width="([0-9.]+)pt"', natural).group(1))
    assert f'width="{w / 2:.2f}pt"' in half
    def root(svg: str) -> str:
        return re.search(r"<svg [^>]*>", svg).group(0)

    assert "font-family=\"'Times New Roman'" in root(half)
    assert "font-family=\"Arial" in root(natural)
    proc = dagnote("render", "-o", str(tmp_path / "c"), "--width", "300px", gan)
    sized = root((tmp_path / "c" / "gan.svg").read_text(encoding="ascii"))
    assert 'width="300px"' in sized and "height=" not in sized


def test_size_options_are_checked(tmp_path: Path) -> None:
    gan = str(GALLERY / "gan.dag")
    proc = dagnote("render", "-f", "tikz", "-o", str(tmp_path), "--width", r"1\input", gan)
    assert proc.returncode == 2 and "invalid width" in proc.stderr
    proc = dagnote("render", "-f", "png", "-o", str(tmp_path), "--scale", "50", gan)
    assert proc.returncode == 2 and "apply to svg and tikz" in proc.stderr
    assert not list(tmp_path.iterdir())
