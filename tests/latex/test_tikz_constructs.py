"""The TikZ writer draws what the SVG writer draws: group frames (rounded, or square
module frames with their star) with label and ×N, sampling marks on edges, dotted
straight-through links, dashed non-differentiable operators, ∇ operators and call-like
values, in one document compiled by pdflatex and read back with pdftotext."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dagnote
from dagnote.drawing import outlines
from dagnote.drawing.tikz_trusted import trusted_tikz

from .tex import ARTICLE, Pdf, latexmk, need_tex

ROOT = Path(__file__).parents[2]
SETUPS = ["vq-vae", "reinforce", "wgan-gp", "rlhf", "mixed-gradients"]
MODULE_FRAME = """\
h -> [W_q*], [W_k*], [W_v*] -> (MHA)
(MHA), h -> (+) -> [FFN*] -> h'
group Encoder ×L: [W_q], [W_k], [W_v], (MHA), (+), [FFN]
group [attention*]: [W_q], [W_k], [W_v], (MHA)
"""


def _dash(pattern: tuple[float, float]) -> str:
    on, off = (outlines.fmt(d) for d in pattern)
    return f"dash pattern=on {on}*\\dagnoteu bp off {off}*\\dagnoteu bp"


def _tikz(source: str) -> str:
    result = dagnote.render(source, dagnote.RenderOptions(format="tikz"))
    assert result.output is not None, (result.diagnostics, result.engine_error)
    assert trusted_tikz(result.output)  # a cached copy would be used again
    return result.output.decode("ascii")


@pytest.fixture(scope="module")
def pictures() -> dict[str, str]:
    sources = {name: (ROOT / "tests" / "core" / "setups" / f"{name}.dag").read_text("utf-8")
               for name in SETUPS}
    sources["transformer"] = (ROOT / "docs" / "setups" / "transformer.dag").read_text("utf-8")
    sources["module-frame"] = MODULE_FRAME
    return {name: _tikz(source) for name, source in sources.items()}


@pytest.fixture(scope="module")
def pdf(pictures: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Pdf:
    """One page per picture, in the order of ``pictures``."""
    need_tex()
    directory = tmp_path_factory.mktemp("constructs")
    body = "\n\\clearpage\n".join(dagnote.fit_tikz(p) for p in pictures.values())
    (directory / "doc.tex").write_text(ARTICLE % body, encoding="utf-8")
    return latexmk(directory, "doc.tex")


def _page(pdf: Pdf, pictures: dict[str, str], name: str) -> str:
    return re.sub(r"[ \t]+", " ", pdf.text(list(pictures).index(name) + 1))


def test_group_frames_are_drawn_with_label_and_count(pictures, pdf) -> None:
    tikz = pictures["transformer"]
    frame = re.search(r"^% frame: Encoder layer.*\n(.*)\n", tikz, re.M)
    assert frame, tikz
    radius = outlines.fmt(outlines.FRAME_RADIUS)
    assert frame.group(1).startswith(f"\\draw[rounded corners={radius}*\\dagnoteu bp]")
    # frames behind edges and boxes: the frame comes before the first edge
    assert tikz.index("% frame:") < tikz.index(" -- ")
    text = _page(pdf, pictures, "transformer")
    assert re.search(r"Encoder layer .*N\n", text), text  # ×N reads back as another glyph


def test_a_module_frame_is_square_and_starred(pictures, pdf) -> None:
    tikz = pictures["module-frame"]
    lines = tikz.splitlines()
    inner = lines.index("% frame: attention")
    assert lines[inner + 1].startswith("\\filldraw[fill=white]")  # square, like a module
    assert lines[inner + 2].startswith("\\fill ")  # its star
    outer = next(i for i, line in enumerate(lines) if line.startswith("% frame: Encoder"))
    assert outer < inner and "rounded corners" in lines[outer + 1]
    text = _page(pdf, pictures, "module-frame")
    assert "attention" in text and "Encoder" in text and "L\n" in text, text


def test_samples_straight_through_and_nondifferentiable_operators(pictures, pdf) -> None:
    mixed = pictures["mixed-gradients"]
    # each sample drawn from a module's output: a white gap, then the mark on it
    gaps = re.findall(r"^\\fill\[white\] .*\n\\draw\[line width=[0-9.]+\*\\dagnoteu bp\] "
                      r"\(.*\) \.\. controls", mixed, re.M)
    assert len(gaps) >= 4, mixed  # ~> a, a ~> (+), x ~> (+), ~r> [h], x ~> [h]
    assert re.search(rf"^\\draw\[{re.escape(_dash(outlines.DOTS))}\]", mixed, re.M)
    assert re.search(rf"^\\filldraw\[fill=white,{re.escape(_dash(outlines.NONDIFF_DASH))}\]"
                     r" .* ellipse", mixed, re.M)
    assert re.search(rf"^\\draw\[{re.escape(_dash(outlines.DOTS))}\]", pictures["vq-vae"],
                     re.M)
    text = _page(pdf, pictures, "mixed-gradients")
    for label in ("action", "reparam", "straight-through", "sign"):
        assert label in text, (label, text)
    assert "straight-through" in _page(pdf, pictures, "vq-vae")
    assert "nearest" in _page(pdf, pictures, "vq-vae")
    assert "\\fill[white]" in pictures["reinforce"] and "\\fill[white]" in pictures["rlhf"]


def test_gradient_operators_call_like_values_and_accents(pictures, pdf) -> None:
    assert "\\^{x}" in pictures["wgan-gp"]  # x̂: a combining accent, not '?'
    wgan = _page(pdf, pictures, "wgan-gp")
    assert "∇" in wgan and "?" not in wgan, wgan
    rlhf = _page(pdf, pictures, "rlhf")
    assert "(y|p)" in rlhf and "reward model" in rlhf, rlhf
    assert "Missing character" not in pdf.log
