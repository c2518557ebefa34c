"""A Pygments lexer for dagnote sources (registered as the ``pygments.lexers`` entry point
``dagnote``, so ``.. code-block:: dagnote`` and Markdown code fences highlight).

It follows :mod:`dagnote.language.parse` closely enough to colour what the language
means (keywords, arrows, modules, operators, data sets, scripts), and it never emits an
error token: a broken diagram shown as source is still highlighted, and Sphinx does not
warn about it (its errors are the diagram checker's job).
"""

from __future__ import annotations

import re
from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, default, include
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["DagnoteLexer"]

# a script: _x, ^2, _{0..n-1} (drawn as a sub- or superscript)
_SCRIPT = r"[_^](?:\{[^{}\n]*\}|[^\s,~:*\"\[\](){}#=_^])"
# a word of a name outside brackets: what parse.py's _WORD_CHARS allows, less the scripts
_WORD = r"(?:[^\s,~:*\"\[\](){}#=_^.\-]|-(?!/->|>)|\.(?!\.>))+"


def _inside(opening: str, closing: str) -> list[tuple[str, object] | tuple[str, object, str]]:
    """The first rules of a bracketed state: it ends at its closing bracket or, unclosed,
    at the end of the line; a nested opening bracket nests."""
    return [
        (r"[^\S\n]+", Whitespace),
        (re.escape(closing), Punctuation, "#pop"),
        (r"\n", Whitespace, "#pop"),
        (re.escape(opening), Punctuation, "#push"),
    ]


class DagnoteLexer(RegexLexer):
    """dagnote: training-setup diagrams (``x -> [f*] -> y``, ``min loss``)."""

    name = "dagnote"
    aliases: ClassVar[list[str]] = ["dagnote", "dag"]
    filenames: ClassVar[list[str]] = ["*.dag"]
    mimetypes: ClassVar[list[str]] = ["text/x-dagnote"]
    url = "https://github.com/dagnote/dagnote"

    tokens: ClassVar[dict[str, list]] = {  # type: ignore[type-arg]
        "root": [
            (r"\n", Whitespace),
            (r"[^\S\n]+", Whitespace),
            (r"#.*?$", Comment.Single),
            # statements that start with a keyword
            (r"^(\s*)(direction)(\s+)(TB|LR|BT|RL)\b",
             bygroups(Whitespace, Keyword, Whitespace, Keyword.Constant)),
            (r"^(\s*)(phase)(\s*)(\()([^()\n]*)(\))",
             bygroups(Whitespace, Keyword, Whitespace, Punctuation, Name.Label, Punctuation)),
            (r"^(\s*)(link)(?=\s)", bygroups(Whitespace, Keyword), "link"),
            (r"^(\s*)(straight-through)(?=\s)", bygroups(Whitespace, Keyword), "straight"),
            (r"^(\s*)(group)(?=[\s:])(?!\s*(?:->|-/->|\.\.>|[,~]))",
             bygroups(Whitespace, Keyword), "group"),
            (r"^(\s*)(given|seq|min|max|phase|note|direction)(?=\s|$)",
             bygroups(Whitespace, Keyword)),
            (r"(:)(\s*)(min|max)(?=\s)", bygroups(Punctuation, Whitespace, Keyword)),
            (r"\bwrt\b", Keyword),
            (r"(by)(\s+)(score)\b", bygroups(Keyword, Whitespace, Keyword.Constant)),
            (r"(from)(\s+)(left|right)\b", bygroups(Keyword, Whitespace, Keyword.Constant)),
            # a label after ':' runs to the end of the line (or a comment)
            (r"(:)([^\S\n]*)([^#\n]*)", bygroups(Punctuation, Whitespace, String.Other)),
            (r"-/->|->|\.\.>|~r?>", Operator),  # ~> / ~r>: a sample from a module
            (r"~", Operator, "source"),
            (r"=", Operator),
            (r"\*", Operator),  # trainable
            (r",", Punctuation),
            include("quoted"),
            (r"\[", Punctuation, "module"),
            (r"\(", Punctuation, "operator"),
            (_SCRIPT, Name.Attribute),
            (_WORD, Name),
            (r"[\])}{.\-_^]", Punctuation),  # stray: the checker reports it, not the lexer
        ],
        # link ELEMENT: TARGET (a URL, whose '#' is its fragment, or a cross-reference)
        "link": [
            (r"\n", Whitespace, "#pop"),
            (r"[^\S\n]+", Whitespace),
            (r'(:)([^\S\n]*)("[^"\n]*"?|[^\s"]+)',
             bygroups(Punctuation, Whitespace, String.Other)),
            include("element"),
        ],
        # straight-through A to B: 'to' is a keyword here only
        "straight": [
            (r"\n", Whitespace, "#pop"),
            (r"[^\S\n]+", Whitespace),
            (r"\bto\b", Keyword),
            include("element"),
        ],
        # the element(s) a keyword statement names, up to a comment
        "element": [
            (r"#.*?$", Comment.Single),
            include("quoted"),
            (r"\[", Punctuation, "module"),
            (r"\(", Punctuation, "operator"),
            (_SCRIPT, Name.Attribute),
            (_WORD, Name),
            (r"\S", Punctuation),
        ],
        # group LABEL ×N: (the header; the elements after ':' are lexed as in a chain)
        "group": [
            (r"\n", Whitespace, "#pop"),
            (r"[^\S\n]+", Whitespace),
            (r":", Punctuation, "#pop"),
            (r"#.*?$", Comment.Single),
            (r"×\s*[^\s×:#]+|[^\s×:#]+×|(?<!\S)x\s?(?:\d+|[A-Z][^\s:#]*)(?=\s*:)",
             Keyword.Constant),  # the repetition
            include("quoted"),
            (r"\[", Punctuation, "module"),
            (_SCRIPT, Name.Attribute),
            (r"[^\s:#\[\]\"_^]+", Name.Label),
            (r"\S", Punctuation),
        ],
        "quoted": [
            (r'"[^"\n]*"?', String.Double),
        ],
        # what is sampled from: a data set, a labelled pair (X, Y) or a prior N(0, 1)
        "source": [
            (r"[^\S\n]+", Whitespace),
            (r"(" + _WORD + r")(\()", bygroups(Name.Function, Punctuation), "arguments"),
            (r"\(", Punctuation, "pair"),
            (_SCRIPT, Name.Attribute),
            (_WORD, Name.Constant),
            default("#pop"),  # the end of the line, a comment, anything else
        ],
        "pair": [
            *_inside("(", ")"),
            (r",", Punctuation),
            (_SCRIPT, Name.Attribute),
            (r"[^\s,()_^]+", Name.Constant),
            (r".", Punctuation),
        ],
        "arguments": [
            *_inside("(", ")"),
            (r"-?\d+(?:\.\d+)?", Number),
            (r",", Punctuation),
            (r"[^\s,()]+", Name),
        ],
        # [id: label*@2], and a slice [1:] / [:-1]
        "module": [
            *_inside("[", "]"),
            include("quoted"),
            (r"\*", Operator),
            (r"@\d+", Number),
            (r"-?\d+", Number),
            (r":", Punctuation),
            (_SCRIPT, Name.Attribute),
            (r"[^\s\]\[:*@\"_^]+", Name.Class),
            (r"[@_^]", Name.Class),
        ],
        # (id: label@2): an analytic operator
        "operator": [
            *_inside("(", ")"),
            include("quoted"),
            (r"@\d+", Number),
            (r":", Punctuation),
            (_SCRIPT, Name.Attribute),
            (r"/(?=\s*(?:@\d+\s*)?\))", Operator),  # (argmax/): not differentiable
            (r"[^\s()\"@:_^/]+", Name.Function),
            (r"[@_^/]", Name.Function),
        ],
    }
