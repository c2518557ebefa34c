"""Text to statements: a line-based scanner and a small recursive parser.

Every error is a :class:`Diagnostic` with the line and column where it was found; the
parser keeps going on the next line so one run reports every bad line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .diagnostics import Diagnostic
from .links import TargetError, parse_target
from .positions import split_lines
from .suggest import did_you_mean
from .syntax import (
    DIRECTIONS,
    Allow,
    Chain,
    Direction,
    Given,
    Group,
    Hop,
    Item,
    Link,
    Note,
    Objective,
    Pos,
    Program,
    Sample,
    Seq,
    Show,
    Source,
    Statement,
    StraightThrough,
)

ARROWS = {"->": "data", "-/->": "stopgrad", "..>": "copy", "~>": "draw", "~r>": "reparam"}
KEYWORDS = ("given", "seq", "min", "max", "phase", "note", "direction", "link", "allow",
            "show", "straight-through", "group")
GROUP_USAGE = 'group "Encoder" ×N: [attn*], (+), [ln*]'
USAGE = {"given": "given x", "seq": "seq x", "min": "min loss", "max": "max loss",
         "phase": "phase (a): min loss", "note": "note (×): σ", "direction": "direction LR",
         "link": "link [enc]: https://example.org/enc",
         "allow": "allow untrained: [head]", "show": "show problems",
         "straight-through": "straight-through z_q to z_e", "group": GROUP_USAGE}
#: estimators an objective names after ``by``
ESTIMATORS = ("score",)
SHOWABLE = ("problems",)  # what 'show' can mark in the figure
# arrows written backwards: each named, with the arrow that means it
REVERSED = {"<-/-": "-/->", "<-": "->", "<..": "..>"}
_REVERSED = re.compile(r"<-/-|<-|<\.\.")
# the names a line mentions, for a line that failed: pieces between arrows and punctuation
_PIECES = re.compile(r'<-/-|<-|<\.\.|-/->|->|\.\.>|~r?>|[,~:\[\]()"*=]|@\s*\d+')
# the repetition of a group, last in its header: ×N, × 6, N×, and in ASCII xN, x6 (a
# lower-case x followed by a digit or a capital, so a label word like 'max' is no count)
_REPEAT = re.compile(
    r"(?:^|\s)(?:×\s*(?P<a>[^\s×]+)|x\s?(?P<b>\d+|[A-Z]\S*)|(?P<c>[^\s×]+)×)$")
_SPECIAL = set(",~:*\"[]()")
_WORD_CHARS = r'(?:[^\s,~:*"\[\](){}.\-]|-(?!/->|>)|\.(?!\.>)|\{[^{}]*\})+'
# arrows, punctuation and plain words, each with the spaces before it, in one regular
# expression; a word that runs into a nested or unbalanced brace does not match here and is
# scanned by the loop in tokenize(). The lookahead and backreference make the word atomic
# (no backtracking into it) on every Python version
_SIMPLE = re.compile(
    r"\s*(?:(?P<arrow>-/->|->|\.\.>|~r?>)|(?P<punct>[,~:*])"
    rf"|(?P<word>(?=(?P<w>{_WORD_CHARS}))(?P=w))(?![{{}}])"
    # [module] and (operator) without nesting or quotes inside; others take the slow path
    r'|\[(?P<bracket>[^\[\]"]*)\]|\((?P<paren>[^()"]*)\))'
)


# characters no diagram may hold: C0 and C1 controls (not tab, CR, LF, VT, FF, NEL),
# DEL, lone surrogates and the Unicode noncharacters. They cannot be written to a file
# (surrogates), to XML (most controls) or are invisible; each is a located error
_NONCHARACTERS = "".join(chr(plane + low) for plane in range(0, 0x110000, 0x10000)
                         for low in (0xFFFE, 0xFFFF))
_BAD_CHAR = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff"
                       "\ufdd0-\ufdef" + _NONCHARACTERS + "]")
# separators that end a line for str.splitlines but not in a file: spaces inside a line
_SPACES = str.maketrans({"\t": " ", "\v": " ", "\f": " ", "\x85": " ", "\u2028": " ",
                         "\u2029": " "})
_ODD = re.compile("[\t\v\f\x85\u2028\u2029]")
BOM = "\ufeff"


def bad_character(char: str) -> str:
    """Why ``char`` cannot be in a diagram, and the fix."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        what = "is half of a surrogate pair, not a character (the text was decoded wrongly)"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        what = "is a control character and cannot be drawn"
    else:
        what = "is a Unicode noncharacter and cannot be drawn"
    return f"U+{code:04X} {what}: remove it"


def mentioned(text: str) -> set[str]:
    """Every name a line may define or use, guessed without parsing it: the pieces
    between its arrows and punctuation, and each word of them."""
    names: set[str] = set()
    for piece in _PIECES.split(text):
        words = piece.split()
        if words:
            names.add(" ".join(words))
            names.update(words)
            names.add(" ".join(words[1:]))  # after a keyword: 'min loss' -> 'loss'
    names.discard("")
    return names


class ParseError(Exception):
    def __init__(self, message: str, column: int, code: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.code = code


class Token(NamedTuple):  # a tuple: tokens are made by the thousand
    kind: str  # word, arrow, ',', '~', ':', '*', string, bracket, paren
    text: str
    column: int  # 1-based


def _outside(line: str) -> Iterator[tuple[int, str]]:
    """The characters of a line (with their index) outside quotes, brackets and braces."""
    depth = 0
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "[({":
            depth += 1
        elif ch in "])}":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield i, ch


def strip_comment(line: str) -> str:
    """Drop a ``#`` comment that is not inside quotes, brackets or braces."""
    if "#" not in line:
        return line
    return next((line[:i] for i, ch in _outside(line) if ch == "#"), line)


# ``link ITEM: TARGET`` (not ``link -> y``, a value named link)
_LINK_LINE = re.compile(r"\s*link\s+(?!->|-/->|\.\.>|[,~])")


def split_link(line: str) -> tuple[str, str | None, int]:
    """A link line's element part, its target and the target's 1-based column.

    The element ends at the first ':' outside brackets and quotes; in the target a '#'
    starts a comment only after a space that follows it, since URLs hold fragments.
    """
    for i, ch in _outside(line):
        if ch == "#":
            return line[:i], None, 0
        if ch == ":":
            rest = line[i + 1:]
            start = len(rest) - len(rest.lstrip())
            target = rest[:start] + re.split(r"\s#", rest[start:], maxsplit=1)[0]
            return line[:i], target, i + 2
    return line, None, 0


def _closing(line: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one at ``start`` (nesting and quotes aware)."""
    depth = 0
    quoted = False
    for i in range(start, len(line)):
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
    raise ParseError(f"'{opening}' is never closed with '{closing}'", start + 1)


def _calls(last: str) -> bool:
    """Whether a word ending in ``last`` and followed by ``(`` is a call: ``N(0, 1)``,
    ``Q(s, a)``, ``x_{t}(s)``, ``f'(x)``."""
    return last.isalnum() or last in "'}′"


def tokenize(line: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(line.rstrip())
    while i < n:
        simple = _SIMPLE.match(line, i)
        if simple is not None:  # arrows, punctuation, plain words: one regular expression
            group = simple.lastgroup
            assert group is not None
            start = simple.start(group)
            end = simple.end()
            if group == "word":
                if end < n and line[end] == "(" and _calls(line[end - 1]):  # N(0, 1)
                    close = _closing(line, end, "(", ")")
                    tokens.append(Token("call", line[start : close + 1], start + 1))
                    i = close + 1
                    continue
                tokens.append(Token("word", simple.group(group), start + 1))
            elif group == "bracket" or group == "paren":
                tokens.append(Token(group, simple.group(group), start))
            else:
                text = simple.group(group)
                tokens.append(Token("arrow" if group == "arrow" else text, text, start + 1))
            i = end
            continue
        while line[i].isspace():  # i < n: the line ends with no space
            i += 1
        ch = line[i]
        start = i
        if ch == '"':
            end = line.find('"', i + 1)
            if end < 0:
                raise ParseError("quoted text is never closed with '\"'", i + 1)
            kind, text, i = "string", line[i + 1 : end], end + 1
        elif ch == "[":
            end = _closing(line, i, "[", "]")
            kind, text, i = "bracket", line[i + 1 : end], end + 1
        elif ch == "(":
            end = _closing(line, i, "(", ")")
            kind, text, i = "paren", line[i + 1 : end], end + 1
        elif ch in "])":
            opening = "[" if ch == "]" else "("
            raise ParseError(f"unexpected '{ch}' with no '{opening}' before it: remove it or "
                             f"add the '{opening}'", i + 1)
        else:
            depth = 0
            while i < n:
                c = line[i]
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth < 0:
                        raise ParseError("unexpected '}' with no '{' before it: remove it or "
                                         "add the '{'", i + 1)
                elif depth == 0 and (
                    c.isspace()
                    or c in _SPECIAL
                    or line.startswith(("->", "-/->", "..>"), i)
                ):
                    break
                i += 1
            if depth > 0:
                raise ParseError("'{' is never closed with '}'", start + 1)
            kind, text = "word", line[start:i]
            # a prior written as a call: N(0, 1) -- the parenthesis joins the word
            if i < n and line[i] == "(" and text and _calls(text[-1]):
                end = _closing(line, i, "(", ")")
                kind, text, i = "call", line[start : end + 1], end + 1
        tokens.append(Token(kind, text, start + 1))
    return tokens


_QUOTED = re.compile(r'"[^"]*"')
_INSTANCE = re.compile(r"(.*?)\s*@\s*(\d+)", flags=re.S)  # [f@2]: the second box of f
# (∇[d]), (∇_x [d]), (grad_x [d]): the gradient of module d (a gradient penalty)
_GRADIENT = re.compile(r"(?:∇|grad(?=[_\s\[]))_?(?P<script>\{[^{}]*\}|[^\s\[]*)\s*"
                       r"\[(?P<module>[^\[\]]*)\]", flags=re.S)


def _norm_space(text: str) -> str:
    return " ".join(text.split())


# names of the distributions a prior is written with: as a value, 'N(0, 1)' is a mistake
PRIOR_NAMES = ("N", "U", "𝒩", "𝒰", "Cat", "Bern")


def _call_text(text: str) -> str:
    """A call as one spelling: ``Q(s,a)`` and ``Q( s, a )`` are ``Q(s, a)``."""
    label = _norm_space(text.replace(",", ", ").replace(" ,", ","))
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", label))


class LineParser:
    """Parses one logical line into a statement."""

    def __init__(self, tokens: list[Token], line_no: int, text: str,
                 link_target: tuple[str | None, int] = (None, 0)) -> None:
        self.tokens = tokens
        self.i = 0
        self.line = line_no
        self.text = text
        self.link_target = link_target  # a link line's target and its column

    # -- token helpers -------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def end_column(self) -> int:
        return len(self.text.rstrip()) + 1

    def expect(self, kind: str, what: str) -> Token:
        tok = self.peek()
        if tok is None:
            raise ParseError(f"expected {what} at the end of the line", self.end_column())
        if tok.kind != kind:
            raise ParseError(f"expected {what}, found '{tok.text}'", tok.column)
        return self.take()

    def words(self, stop: tuple[str, ...] = (), calls: bool = False) -> tuple[str, int] | None:
        """A name made of consecutive words (``posterior loss``); None if none here.
        With ``calls``, call-like words count too: ``Q(s, a)``, ``log π(a|s)``."""
        kinds = ("word", "call") if calls else ("word",)
        first = self.peek()
        if first is None or first.kind not in kinds:
            return None
        parts: list[str] = []
        while (tok := self.peek()) is not None and tok.kind in kinds and tok.text not in stop:
            self.take()
            parts.append(_call_text(tok.text) if tok.kind == "call" else tok.text)
        return " ".join(parts), first.column

    # -- items -----------------------------------------------------------------------
    def item(self, stop: tuple[str, ...] = ()) -> Item:
        tok = self.peek()
        if tok is None:
            raise ParseError("expected a name, [module] or (operator) at the end of the line",
                             self.end_column())
        if tok.kind == "bracket":
            self.take()
            return self.module(tok)
        if tok.kind == "paren":
            self.take()
            return self.operator(tok)
        star = False
        column = tok.column
        if tok.kind == "*":
            self.take()
            star = True
            tok = self.peek()
            if tok is None or tok.kind not in ("word", "string"):
                raise ParseError("'*' must stand right before a name, as in *z'", column)
        return self.value(star, column, stop)

    def value(self, star: bool, column: int, stop: tuple[str, ...] = ()) -> Item:
        tok = self.peek()
        assert tok is not None  # item() made sure there is one
        if tok.kind == "string":
            self.take()
            if not tok.text.strip():
                raise ParseError("quoted name is empty: write the name between the quotes",
                                 tok.column)
            return Item("value", tok.text, tok.text, Pos(self.line, column), star=star, quoted=True)
        if tok.kind == "call" and tok.text.split("(", 1)[0] in PRIOR_NAMES:
            raise ParseError(
                f"'{tok.text}' looks like a distribution; sample from it with '~', as in "
                f"'z ~ {_call_text(tok.text)}' (quote it for a value named so)",
                tok.column,
                "kind",
            )
        got = self.words(stop=("from", "=", *stop), calls=True)  # Q(s, a) is a value
        if got is None:
            raise ParseError(f"expected a name, found '{tok.text}'", tok.column)
        name, _ = got
        return Item("value", name, name, Pos(self.line, column), star=star)

    def module(self, tok: Token) -> Item:
        body = tok.text.strip()
        column = tok.column
        if not body:
            raise ParseError("empty module '[]': write its name, as in [f*]", column)
        star = False
        instance = 1
        ident_label = body
        match = _INSTANCE.fullmatch(ident_label)
        if match:
            ident_label, instance = match.group(1), int(match.group(2))
            if instance < 1:
                raise ParseError("instance numbers start at 1: write [f] for the first box "
                                 "and [f@2] for the second", column)
        if ident_label.endswith("*"):
            star, ident_label = True, ident_label[:-1].rstrip()
        if ident_label.startswith("*"):
            star, ident_label = True, ident_label[1:].lstrip()
        if not ident_label:
            raise ParseError(f"module '[{body}]' has no name: write it, as in [f*]", column)
        if "*" in _QUOTED.sub("", ident_label):  # a '*' between quotes is text
            raise ParseError("'*' goes at the end of a module name, as in [f*]", column)
        ident, label = self.ident_and_label(ident_label, column)
        return Item("module", ident, label, Pos(self.line, column), star=star, instance=instance)

    def operator(self, tok: Token) -> Item:
        body = tok.text.strip()
        column = tok.column
        if not body:
            raise ParseError("empty operator '()': write its symbol, as in (ce)", column)
        instance = 1
        match = _INSTANCE.fullmatch(body)
        if match:
            body, instance = match.group(1), int(match.group(2))
        nondiff = body.endswith("/") and len(body) > 1  # (argmax/); (/) divides
        if nondiff:
            body = body[:-1].rstrip()
        if body.endswith("*") and len(body) > 1:
            raise ParseError(
                "operators have no weights and cannot be trained: "
                "use a [module*] for a part with weights",
                column,
                "kind",
            )
        gradient = _GRADIENT.fullmatch(body)
        if gradient:
            return self.gradient(gradient, instance, nondiff, column)
        ident, label = self.ident_and_label(body, column)
        return Item("operator", ident, label, Pos(self.line, column), instance=instance,
                    nondiff=nondiff)

    def gradient(self, match: re.Match[str], instance: int, nondiff: bool,
                 column: int) -> Item:
        """``(∇_x [d])``: an operator computing the gradient of module d's output (with
        respect to x); its result depends on d's weights."""
        module = match.group("module").strip().removesuffix("*").rstrip()
        if not module or "*" in module:
            raise ParseError("write the module whose gradient this is in brackets, as in "
                             "(∇_x [d])", column)
        ident = _norm_space(module)
        script = match.group("script").removeprefix("{").removesuffix("}")
        label = f"∇_{{{script}}} {ident}" if script else f"∇ {ident}"
        return Item("operator", label, label, Pos(self.line, column), instance=instance,
                    nondiff=nondiff, grad_of=ident)

    @staticmethod
    def ident_and_label(text: str, column: int) -> tuple[str, str]:
        """``name`` or ``id: label`` (a distinct element drawn with a repeated label)."""
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            inner = text[1:-1]
            if not inner.strip():
                raise ParseError("quoted name is empty: write the name between the quotes",
                                 column)
            return inner, inner
        if ":" in text:
            ident, label = (part.strip() for part in text.split(":", 1))
            if not ident or not label:
                raise ParseError("write 'id: label' with both parts non-empty, as in [f2: f]",
                                 column)
            if label.startswith('"') and label.endswith('"') and len(label) >= 2:
                label = label[1:-1]
            return _norm_space(ident), label
        name = _norm_space(text)
        return name, name

    def group(self) -> tuple[Item, ...]:
        items = [self.item()]
        while (tok := self.peek()) is not None and tok.kind == ",":
            self.take()
            items.append(self.item())
        return tuple(items)

    # -- statements ------------------------------------------------------------------
    def statement(self) -> Statement:
        first = self.peek()
        assert first is not None  # parse() gives no empty line
        self.reversed_arrow()
        if first.kind == "word" and first.text in KEYWORDS:
            nxt = self.peek(1)
            if nxt is None:
                raise ParseError(f"'{first.text}' needs more: write it as in "
                                 f"'{USAGE[first.text]}'", first.column)
            keyword_use = nxt.kind not in ("arrow", ",", "~")
            if first.text == "direction" or keyword_use:
                self.take()
                return getattr(self, f"stmt_{first.text.replace('-', '_')}")(first)
        return self.chain_or_sample()

    def reversed_arrow(self) -> None:
        """``y <- (ce)``: refused where the arrow stands (it would be a name 'y <-')."""
        for tok in self.tokens:
            if tok.kind == ":":  # edge labels and note text are free text
                return
            found = _REVERSED.search(tok.text) if tok.kind == "word" else None
            if found is None:
                continue
            arrow = found.group()
            column = tok.column + found.start()
            left = self.text[:column - 1].strip()
            right = self.text[column - 1 + len(arrow):].strip()
            forward = REVERSED[arrow]
            single = left and right and not any(a in left + right
                                                for a in (*ARROWS, *REVERSED))
            fix = (f"write '{right} {forward} {left}'" if single
                   else f"write the source first, as in 'a {forward} b'")
            raise ParseError(f"arrows point forward, and '{arrow}' points back: {fix}",
                             column, "reversed-arrow")

    def chain_or_sample(self) -> Statement:
        start = self.peek()
        assert start is not None  # statement() looked at it
        groups = [self.group()]
        tok = self.peek()
        if tok is not None and tok.kind == "~":
            self.take()
            source = self.source()
            self.finish()
            for item in groups[0]:
                if item.kind != "value":
                    kind = "a module" if item.kind == "module" else "an operator"
                    raise ParseError(
                        f"a sample must be a value, not {kind}: sample a value and feed it "
                        "in, as in 'x ~ X' then 'x -> [f]'", item.pos.column, "kind"
                    )
            return Sample(groups[0], source, Pos(self.line, start.column))
        hops: list[Hop] = []
        while (tok := self.peek()) is not None and tok.kind == "arrow":
            self.take()
            hops.append(Hop(ARROWS[tok.text], Pos(self.line, tok.column)))  # type: ignore[arg-type]
            groups.append(self.group())
        if not hops:
            tok = self.peek()
            hint = did_you_mean(start.text.split()[0], KEYWORDS) if start.kind == "word" else ""
            if tok is None:
                raise ParseError(
                    f"unknown statement{hint}: expected '->', '~' or a keyword "
                    f"({', '.join(KEYWORDS)})",
                    start.column,
                    "unknown-statement",
                )
            raise ParseError(f"expected '->', '~' or ','{hint}, found '{tok.text}'",
                             tok.column)
        side = None
        tok = self.peek()
        if tok is not None and tok.kind == ":":
            self.take()
            rest = self.rest_text()
            if not rest:
                raise ParseError("expected an edge label after ':'", tok.column)
            hops[-1] = Hop(hops[-1].kind, hops[-1].pos, rest)
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.text == "from":
            self.take()
            where = self.expect("word", "'left' or 'right' after 'from'")
            if where.text not in ("left", "right"):
                raise ParseError(f"unknown side '{where.text}': write 'from left' or 'from right'",
                                 where.column)
            side = where.text
        self.finish()
        return Chain(tuple(groups), tuple(hops), side, Pos(self.line, start.column))  # type: ignore[arg-type]

    def rest_text(self) -> str:
        """The rest of the line as free text (edge labels, notes)."""
        tok = self.peek()
        if tok is None:
            return ""
        column = tok.column
        text = self.text[column - 1 :].strip()
        # stop an edge label before a trailing 'from left|right'
        match = re.search(r"\s+from\s+(left|right)\s*$", text)
        if match:
            text = text[: match.start()]
            while (t := self.peek()) is not None and t.column < column + len(text):
                self.i += 1
        else:
            self.i = len(self.tokens)
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            text = text[1:-1]
        return text

    def source(self) -> Source:
        tok = self.peek()
        if tok is None:
            raise ParseError(
                "expected a data set or prior after '~', as in 'x ~ X' or 'z ~ N(0, 1)'",
                self.end_column(), "sample"
            )
        self.take()
        if tok.kind == "paren":
            label = "(" + ", ".join(_norm_space(p) for p in tok.text.split(",")) + ")"
            return Source("dataset", label, label, Pos(self.line, tok.column))
        if tok.kind == "call":
            label = _call_text(tok.text)
            return Source("prior", label, label, Pos(self.line, tok.column))
        if tok.kind == "string":
            return Source("dataset", tok.text, tok.text, Pos(self.line, tok.column))
        if tok.kind == "word":
            self.i -= 1
            got = self.words()
            assert got is not None
            return Source("dataset", got[0], got[0], Pos(self.line, tok.column))
        shown = f"[{tok.text}]" if tok.kind == "bracket" else tok.text
        fix = (f"; to sample from a module's output write '{shown} ~> y'"
               if tok.kind == "bracket" else "")
        raise ParseError(
            f"can only sample from a data set or a prior, not '{shown}': write 'x ~ X', "
            f"'x, y ~ (X, Y)' or 'z ~ N(0, 1)'{fix}",
            tok.column, "sample"
        )

    def finish(self) -> None:
        tok = self.peek()
        if tok is not None:
            raise ParseError(f"unexpected '{tok.text}' after a complete statement "
                             "(one statement per line)", tok.column)

    def stmt_given(self, kw: Token) -> Statement:
        items = self.group()
        for item in items:
            if item.kind != "value":
                raise ParseError("given takes data names, as in 'given x'", item.pos.column, "kind")
        self.finish()
        return Given(items, Pos(self.line, kw.column))

    def stmt_seq(self, kw: Token) -> Statement:
        item = self.item()
        if item.kind != "value":
            raise ParseError("seq takes a value name, as in 'seq x'", item.pos.column, "kind")
        parent = None
        blank = "none"
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.text.startswith("="):
            rest = self.text[tok.column :].strip()
            match = re.fullmatch(r"(.+?)\[\s*(-?\d*)\s*:\s*(-?\d*)\s*\]", rest)
            if not match:
                raise ParseError(
                    "a slice is written 'seq x_{1..n} = x[1:]' (or x[:-1])", tok.column
                )
            parent_name = _norm_space(match.group(1))
            if parent_name.startswith('"') and parent_name.endswith('"'):
                parent_name = parent_name[1:-1]
            parent = Item("value", parent_name, parent_name, Pos(self.line, tok.column + 1))
            lo, hi = match.group(2), match.group(3)
            drop_start = lo not in ("", "0")
            drop_end = hi != ""
            blank = {
                (True, True): "both",
                (True, False): "start",
                (False, True): "end",
                (False, False): "none",
            }[(drop_start, drop_end)]
            self.i = len(self.tokens)
        self.finish()
        return Seq(item, parent, blank, Pos(self.line, kw.column))  # type: ignore[arg-type]

    def stmt_min(self, kw: Token, phase: str | None = None) -> Statement:
        return self.objective("min", kw, phase)

    def stmt_max(self, kw: Token, phase: str | None = None) -> Statement:
        return self.objective("max", kw, phase)

    def objective(self, direction: str, kw: Token, phase: str | None) -> Statement:
        tok = self.peek()
        if tok is None:
            raise ParseError(f"'{direction}' needs the value to optimise", self.end_column())
        if tok.kind == "string":
            self.take()
            target = Item("value", tok.text, tok.text, Pos(self.line, tok.column), quoted=True)
        else:
            got = self.words(stop=("wrt", "by"), calls=True)
            if got is None:
                raise ParseError(f"expected a value name after '{direction}', as in "
                                 f"'{direction} loss'", tok.column)
            target = Item("value", got[0], got[0], Pos(self.line, got[1]))
        wrt: list[Item] = []
        estimator = self.estimator()
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.text == "wrt":
            self.take()
            while True:
                t = self.peek()
                if t is None:
                    raise ParseError("'wrt' needs the weights it updates, as in "
                                     "'min loss wrt f'", self.end_column())
                if t.kind == "bracket":
                    self.take()
                    wrt.append(self.module(t))
                elif t.kind == "paren":
                    raise ParseError(f"'wrt' names weights, not the operator '({t.text})' "
                                     "(operators have none): name a module, as in "
                                     "'min loss wrt f'", t.column,
                                     "wrt-kind")
                else:  # a value, *value (a '*' with no name after it is an error)
                    wrt.append(self.item(stop=("by",)))
                if (t := self.peek()) is not None and t.kind == ",":
                    self.take()
                    continue
                break
        estimator = self.estimator() if estimator == "pathwise" else estimator
        self.finish()
        return Objective(direction, target, tuple(wrt), Pos(self.line, kw.column), phase,  # type: ignore[arg-type]
                         estimator)  # type: ignore[arg-type]

    def estimator(self) -> str:
        """``by score`` after an objective (before or after its ``wrt``)."""
        tok = self.peek()
        if tok is None or tok.kind != "word" or tok.text != "by":
            return "pathwise"
        self.take()
        how = self.peek()
        if how is None or how.kind != "word" or how.text not in ESTIMATORS:
            col = how.column if how else self.end_column()
            found = f", found '{how.text}'" if how else ""
            raise ParseError(f"expected an estimator after 'by'{found}: write 'by score' "
                             "for a score-function (policy-gradient) objective", col)
        self.take()
        return how.text

    def stmt_phase(self, kw: Token) -> Statement:
        tok = self.peek()
        if tok is None:
            raise ParseError("'phase' needs a name, as in 'phase (a): min loss'", kw.column)
        if tok.kind == ":":
            raise ParseError("'phase' needs a name before ':', as in 'phase (a): min loss'",
                             tok.column)
        self.take()
        name = f"({tok.text.strip()})" if tok.kind == "paren" else tok.text
        self.expect(":", "':' after the phase name")
        obj = self.peek()
        if obj is None or obj.kind != "word" or obj.text not in ("min", "max"):
            col = obj.column if obj else self.end_column()
            raise ParseError("a phase holds one objective: 'min ...' or 'max ...'", col)
        self.take()
        return self.objective(obj.text, kw, name)

    def stmt_straight_through(self, kw: Token) -> Statement:
        source = self.item(stop=("to",))
        tok = self.peek()
        if tok is None or tok.kind != "word" or tok.text != "to":
            col = tok.column if tok else self.end_column()
            raise ParseError("write 'straight-through A to B': the gradient arriving at A is "
                             "copied to B, as in 'straight-through z_q to z_e'", col)
        self.take()
        target = self.item()
        self.finish()
        return StraightThrough(source, target, Pos(self.line, kw.column))

    def stmt_note(self, kw: Token) -> Statement:
        target = self.item()
        tok = self.expect(":", "':' between the element and the note text")
        text = self.rest_text()
        if not text:
            raise ParseError("the note text is empty: write it after ':', as in "
                             "'note (×): σ'", tok.column)
        return Note(target, text, Pos(self.line, kw.column))

    def stmt_link(self, kw: Token) -> Statement:
        item = self.item()
        self.finish()
        written, column = self.link_target
        if written is None:
            raise ParseError("expected ':' and the target after the element, as in "
                             "'link [enc]: https://example.org/enc'", self.end_column())
        column += len(written) - len(written.lstrip())
        text = written.strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        try:
            target = parse_target(text)
        except TargetError as exc:
            raise ParseError(str(exc), column, "link") from None
        return Link(item, target.url, target.xref, Pos(self.line, kw.column))

    def stmt_allow(self, kw: Token) -> Statement:
        """``allow CODE, CODE`` or ``allow CODE: item, item`` (codes checked by the
        builder, which knows them; items as in 'wrt')."""
        codes: list[tuple[str, Pos]] = []
        while True:
            tok = self.expect("word", "the name of a check, as in 'allow untrained'")
            codes.append((tok.text, Pos(self.line, tok.column)))
            if (t := self.peek()) is None or t.kind != ",":
                break
            self.take()
        items: tuple[Item, ...] = ()
        if (t := self.peek()) is not None and t.kind == ":":
            self.take()
            if self.at_end():
                raise ParseError("name the elements after ':', as in "
                                 "'allow untrained: [head]'", t.column)
            items = self.group()
        self.finish()
        return Allow(tuple(codes), items, Pos(self.line, kw.column))

    def stmt_show(self, kw: Token) -> Statement:
        tok = self.expect("word", "what to show, as in 'show problems'")
        if tok.text not in SHOWABLE:
            raise ParseError(f"cannot show '{tok.text}'{did_you_mean(tok.text, SHOWABLE, 0.6)}"
                             ": write 'show problems'", tok.column, "show")
        self.finish()
        return Show(tok.text, Pos(self.line, kw.column))

    def stmt_group(self, kw: Token) -> Statement:
        """``group LABEL ×N: members`` or ``group [module] ×N: members``."""
        header: list[Token] = []
        while (tok := self.peek()) is not None and tok.kind != ":":
            header.append(self.take())
        if self.at_end():
            raise ParseError(f"a group needs ':' before its elements, as in '{GROUP_USAGE}'",
                             self.end_column())
        self.take()  # the ':'
        if self.at_end():
            raise ParseError(f"a group needs its elements after ':', as in '{GROUP_USAGE}'",
                             self.end_column())
        members = self.group()
        self.finish()
        pos = Pos(self.line, kw.column)
        if not header:
            return Group(members, pos)
        first = header[0]
        module = None
        label = None
        quoted = False
        if first.kind == "bracket":
            module = self.module(first)
            if module.instance != 1:
                raise ParseError("a module drawn with its inside is one frame: write "
                                 f"[{module.ident}] without '@'", first.column)
            rest = header[1:]
        elif first.kind == "string":
            label, quoted, rest = first.text, True, header[1:]
            if not label.strip():
                raise ParseError("quoted name is empty: write the name between the quotes",
                                 first.column)
        else:
            rest = header
        bad = next((t for t in rest if t.kind != "word"), None)
        if bad is not None:
            shown = {"paren": f"({bad.text})", "bracket": f"[{bad.text}]",
                     "string": f'"{bad.text}"'}.get(bad.kind, bad.text)
            raise ParseError(f"a group's header is a label or a [module], then ×N: "
                             f"'{shown}' is neither, as in '{GROUP_USAGE}'", bad.column)
        text = " ".join(t.text for t in rest)
        repeat = None
        match = _REPEAT.search(text)
        if match:
            repeat = match.group("a") or match.group("b") or match.group("c")
            text = text[: match.start()].strip()
        if text and (module is not None or quoted):
            raise ParseError(f"unexpected '{text}' in a group's header: after the label or "
                             f"[module] only ×N may follow, as in '{GROUP_USAGE}'",
                             rest[0].column)
        if text:
            label = text
        return Group(members, pos, label, quoted, repeat, module)

    def stmt_direction(self, kw: Token) -> Statement:
        tok = self.expect("word", "a direction (TB, LR, BT or RL)")
        if tok.text.upper() not in DIRECTIONS:
            raise ParseError(
                f"unknown direction '{tok.text}': use TB, LR, BT or RL", tok.column, "direction"
            )
        self.finish()
        return Direction(tok.text.upper(), Pos(self.line, kw.column))


def parse(source: str) -> tuple[Program, list[Diagnostic]]:
    """Parse a diagram; bad lines become diagnostics and are skipped."""
    program = Program()
    diagnostics: list[Diagnostic] = []
    for line_no, raw in enumerate(split_lines(source.removeprefix(BOM)), start=1):
        # tabs and the other in-line separators become spaces: one character each, so
        # columns still count the characters of the line
        line = raw.translate(_SPACES) if _ODD.search(raw) else raw
        link: tuple[str | None, int] = (None, 0)
        if _LINK_LINE.match(line):
            head, target, column = split_link(line)
            text = head if target is None else line[: column - 1 + len(target)]
            link = (target, column)
        else:
            text = head = strip_comment(line)
        if not text.strip():
            continue
        bad = _BAD_CHAR.search(text)
        if bad is not None:  # reported, and the line still parsed for its other problems
            diagnostics.append(Diagnostic(line_no, bad.start() + 1, "error", "character",
                                          bad_character(bad.group())))
        try:
            tokens = tokenize(head)
            if not tokens:
                continue
            program.statements.append(LineParser(tokens, line_no, head, link).statement())
        except ParseError as exc:
            diagnostics.append(Diagnostic(line_no, exc.column, "error", exc.code, exc.message))
            program.failed |= mentioned(text)
    return program, diagnostics
