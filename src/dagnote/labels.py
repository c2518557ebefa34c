"""Label text to Graphviz HTML-like label markup, escaping every character of user text.

``x_t`` and ``y_{0..n-1}`` become subscripts, ``σ^2`` a superscript; ``N(0, 1)`` is drawn
as a calligraphic 𝒩. Quoted labels are drawn exactly as written. Nothing written by a user
reaches the DOT file except through :func:`html.escape`.
"""

from __future__ import annotations

import functools
import html
import re

SCRIPT_SIZE_RATIO = 0.72
_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|[^\s{}_^])")
_DISTRIBUTIONS = {"N": "𝒩", "U": "𝒰", "Cat": "Cat", "Bern": "Bern"}


@functools.lru_cache(maxsize=8192)
def esc(text: str) -> str:
    """Escape text for an HTML-like label (also neutralises DOT's own metacharacters).

    Graphviz expands ``\\N``, ``\\G``, ``\\E``... (node, graph, edge names) even inside
    HTML-like labels and after entity decoding; a doubled backslash is drawn as one.
    """
    return html.escape(text, quote=True).replace("\\", "\\\\")


@functools.lru_cache(maxsize=8192)
def plain(label: str) -> str:
    """The label as readable plain text (titles, summaries): ``y_{0..n-1}`` -> ``y0..n-1``."""
    return _SCRIPT.sub(lambda m: m.group(2).strip("{}"), label)


@functools.lru_cache(maxsize=4096)
def markup(label: str, size: float, quoted: bool = False) -> str:
    """HTML-like label body for ``label`` at font ``size`` points."""
    if quoted:
        return esc(label)
    out: list[str] = []
    pos = 0
    small = f"{size * SCRIPT_SIZE_RATIO:.1f}"
    for m in _SCRIPT.finditer(label):
        out.append(esc(label[pos : m.start()]))
        body = m.group(2)
        if body.startswith("{"):
            body = body[1:-1]
        tag = "sub" if m.group(1) == "_" else "sup"
        out.append(f'<font point-size="{small}"><{tag}>{esc(body)}</{tag}></font>')
        pos = m.end()
    out.append(esc(label[pos:]))
    return "".join(out)


def prior_label(label: str) -> tuple[str, str]:
    """(name drawn in calligraphic form, argument text) for a prior like ``N(0, 1)``."""
    m = re.fullmatch(r"(\w+)(\(.*\))", label, flags=re.S)
    if not m:
        return label, ""
    name = _DISTRIBUTIONS.get(m.group(1), m.group(1))
    return name, m.group(2)


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float) -> float:
    """A rough width in points, used to size boxes so labels never overflow them."""
    width = 0.0
    for ch in plain(text):
        if ch in "il.,:;'|!ɪ":
            width += 0.28
        elif ch in "mwMW‖":
            width += 0.85
        elif ch.isupper():
            width += 0.68
        elif ord(ch) > 0x2000:
            width += 0.9
        else:
            width += 0.56
    return width * size
