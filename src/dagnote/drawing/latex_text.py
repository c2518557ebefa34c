"""User text as LaTeX that pdflatex sets as written: nothing a label holds can run a command.

Labels go through pylatexenc's Unicode-to-LaTeX table (``\\`` -> ``\\textbackslash``,
``{`` -> ``\\{``, Greek -> ``\\ensuremath{\\alpha}``, accented letters -> ``\\'e``...), so
the output is ASCII and needs no ``inputenc``/``newunicodechar`` declaration; a few rules
come first: script capitals as ``\\mathcal`` (the notation's 𝒩, without mathrsfs), the
characters T1 fonts turn into ligatures (``--``, ``<<``, ``!```, ``,,``) kept apart, ``|``
in math, ``'`` straight (``x'``), control characters as spaces, format characters
dropped, combining accents (``x̂``, a letter with no precomposed form) as accent commands
(``\\^{x}``). A character LaTeX has no name for is drawn as a bold ``?``.

Needs, at most: ``amssymb`` (double-struck letters and a few operators); Sphinx loads it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

_LIGATURE_PARTS = "-,'`!?<>"


def _own_rules() -> dict[int, str]:
    rules = {ord(c): f"{c}{{}}" for c in _LIGATURE_PARTS}
    rules[ord("<")] = r"\ensuremath{<}"
    rules[ord(">")] = r"\ensuremath{>}"
    rules[ord("|")] = r"\ensuremath{|}"  # OT1 fonts have no bar
    rules[ord("'")] = r"\textquotesingle{}"  # straight, as in the SVG (x' is x-prime)
    for cp in list(range(0x1D49C, 0x1D4B6)) + [0x212C, 0x2130, 0x2131, 0x210B, 0x2110,
                                              0x2112, 0x2133, 0x211B]:
        name = unicodedata.name(chr(cp), "")
        if "SCRIPT CAPITAL" in name:
            rules[cp] = rf"\ensuremath{{\mathcal{{{name[-1]}}}}}"
    return rules


_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, _own_rules()), "defaults"],
    non_ascii_only=False,
    replacement_latex_protection="braces-all",
    unknown_char_policy="replace",
    unknown_char_warning=False,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Combining accents and the LaTeX text accents that put them on the letter before.
_ACCENTS = {0x300: "`", 0x301: "'", 0x302: "^", 0x303: "~", 0x304: "=", 0x306: "u",
            0x307: ".", 0x308: '"', 0x30A: "r", 0x30B: "H", 0x30C: "v", 0x327: "c",
            0x328: "k"}
_MARKED = re.compile("([^\u0300-\u036f])([\u0300-\u036f]+)")


def _accented(base: str, marks: str) -> str:
    """A letter with combining accents: each known one as an accent command around it."""
    out = _ENCODER.unicode_to_latex(base)
    for mark in marks:
        command = _ACCENTS.get(ord(mark))
        out = f"\\{command}{{{out}}}" if command else out + _ENCODER.unicode_to_latex(mark)
    return out


def _encode(text: str) -> str:
    parts, start = [], 0
    for m in _MARKED.finditer(text):
        parts += [_ENCODER.unicode_to_latex(text[start:m.start()]), _accented(*m.groups())]
        start = m.end()
    parts.append(_ENCODER.unicode_to_latex(text[start:]))
    return "".join(parts)


def _plain(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc" or ch in "\u2028\u2029":
        return " "  # never a paragraph break inside a label
    if category == "Cf":
        return ""  # zero-width joiners, direction marks, soft hyphens
    return ch


@functools.lru_cache(maxsize=4096)
def latex_text(text: str) -> str:
    """``text`` as LaTeX for text mode, ASCII only (see the module docstring)."""
    text = _SURROGATE.sub("\ufffd", text)
    text = "".join(_plain(ch) for ch in unicodedata.normalize("NFC", text))
    out = _encode(text)
    # a run of spaces stays a run: each one after the first is a control space
    return re.sub(r"(?<= ) ", r"\\ ", out.strip(" ")) if out.strip(" ") else ""
