"""TikZ output compiled by pdflatex: labels are set literally (no command, group, math or
comment escapes from a label), Unicode labels compile, and a forged cache row is not used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dagnote
from dagnote.drawing.latex_text import latex_text
from dagnote.drawing.tikz_trusted import trusted_tikz

from .tex import ARTICLE, latexmk, need_tex

#: (label as written in a quoted name, what pdftotext must read back)
PAYLOADS = [
    (r"\input{/etc/passwd}", r"\input{/etc/passwd}"),
    (r"} \end{tikzpicture} {", r"} \end{tikzpicture} {"),
    ("$x$ 100% #1 a^b c~d a&b x_1", "$x$ 100% #1 a^b c~d a&b x_1"),
    (r"\\ \par \def\x{y}", r"\\ \par \def\x{y}"),
    ("a--b << >> !` ,, |", "a--b << >> !` ,, |"),
]
UNICODE = "σ μ ε 𝒩 ≀ ▽ △ ‖ ∇ θ é ü → ⊙ ℝ 中"


def figure(labels: list[str]) -> str:
    """Each label as a quoted value (drawn exactly as written) a module computes."""
    lines = [f'x -> [m{i}*] -> "{label}"\nmin "{label}"' for i, label in enumerate(labels)]
    return "\n".join(lines)


def compile_pictures(tmp_path: Path, *sources: str):
    need_tex()
    body = []
    for source in sources:
        result = dagnote.render(source, dagnote.RenderOptions(format="tikz"))
        assert result.output is not None, (result.diagnostics, result.engine_error)
        assert result.output.isascii()
        body.append(dagnote.fit_tikz(result.output.decode("ascii")) + "\n\\par\n")
    (tmp_path / "doc.tex").write_text(ARTICLE % "\n".join(body), encoding="utf-8")
    return latexmk(tmp_path, "doc.tex")


def test_latex_specials_are_set_literally(tmp_path: Path) -> None:
    pdf = compile_pictures(tmp_path, figure([p for p, _ in PAYLOADS]))
    text = re.sub(r"\s+", " ", pdf.text()).replace("\u2019", "'").replace("\u2018", "`")
    for _, shown in PAYLOADS:
        assert shown in text, (shown, text)
    assert "root:" not in text  # /etc/passwd was not read
    assert "Overfull" not in pdf.log


def test_a_linked_figure_compiles_without_hyperref(tmp_path: Path) -> None:
    pdf = compile_pictures(tmp_path, 'x -> [f*] -> y\nmin y\nlink [f]: https://example.org/%7e#a')
    assert "f" in pdf.text()  # compiled: the \\href is left out without hyperref


def test_unicode_labels_compile_with_pdflatex(tmp_path: Path) -> None:
    pdf = compile_pictures(tmp_path, figure(UNICODE.split()),
                           "x ~ N(0, 1)\nx -> [f*] -> y_t^2\nmin y_t^2")
    text = pdf.text().replace("\u00b5", "\u03bc")  # math italic mu reads back as micro sign
    for ch in "σμε∇θéü":  # (→ is set from TS1, which pdftotext cannot map back)
        assert ch in text, ch
    assert "?" in text  # 中 has no LaTeX name: a visible '?', not an error
    assert "Missing character" not in pdf.log


def test_escaping_leaves_no_active_character() -> None:
    for label, _ in PAYLOADS:
        out = latex_text(label)
        # every TeX special is escaped: braces only as \{ \} or around escapes
        assert not re.search(r"(?<!\\)[$%#&_^~]", out), out
        assert "\\input" not in out and "\\def" not in out and "\\par" not in out


def test_a_forged_cached_picture_is_drawn_again(tmp_path: Path) -> None:
    cache = dagnote.Cache(tmp_path / "cache")
    options = dagnote.RenderOptions(format="tikz")
    source = "x -> [f*] -> y\nmin y"
    first = dagnote.render(source, options, cache)
    assert first.output is not None and trusted_tikz(first.output)
    key = first.extra["cache_key"]
    forged = first.output.replace(b"\\end{tikzpicture}",
                                  b"\\input{/etc/passwd}\\end{tikzpicture}")
    assert not trusted_tikz(forged)
    body = cache.get(key)
    cache.put(key, body.replace(first.output, forged))
    again = dagnote.render(source, options, dagnote.Cache(tmp_path / "cache"))
    assert again.output == first.output and not again.from_cache


def test_a_picture_with_an_unnamed_character_is_taken_from_the_cache(tmp_path: Path) -> None:
    cache = dagnote.Cache(tmp_path / "cache")
    options = dagnote.RenderOptions(format="tikz")
    source = 'x -> [f*] -> "\u4e2d"\nmin "\u4e2d"'  # drawn as a bold '?'
    first = dagnote.render(source, options, cache)
    assert first.output is not None and trusted_tikz(first.output)
    assert dagnote.render(source, options, cache).from_cache


@pytest.mark.parametrize("forged", [
    b"\\begin{filecontents}{x}\\end{filecontents}",
    b"\\csname input\\endcsname{/etc/passwd}",
    b"^^5cinput{/etc/passwd}",
    b"\\node at (0,0) {}}};",
    "\\node at (0,0) {\u00e9};".encode(),
])
def test_trusted_tikz_refuses_what_the_writer_never_writes(forged: bytes) -> None:
    assert not trusted_tikz(forged)
