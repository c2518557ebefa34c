"""The language: every statement form parses, and bad lines are located."""

from __future__ import annotations

import pytest

from dagnote.language.parse import parse
from dagnote.language.syntax import Chain, Direction, Given, Note, Objective, Sample, Seq


def only(source: str):
    program, diagnostics = parse(source)
    assert diagnostics == []
    assert len(program.statements) == 1
    return program.statements[0]


def test_sample_from_tuple_data_set() -> None:
    stmt = only("x, y ~ (X, Y)")
    assert isinstance(stmt, Sample)
    assert [t.ident for t in stmt.targets] == ["x", "y"]
    assert stmt.source.kind == "dataset" and stmt.source.label == "(X, Y)"


def test_sample_from_prior_is_a_prior() -> None:
    stmt = only("z ~ N(0,1)")
    assert isinstance(stmt, Sample)
    assert stmt.source.kind == "prior" and stmt.source.label == "N(0, 1)"


def test_chain_with_modules_operators_and_multiword_names() -> None:
    stmt = only("x', x -> (‖ ‖^2) -> posterior loss")
    assert isinstance(stmt, Chain)
    assert [i.ident for i in stmt.groups[0]] == ["x'", "x"]
    assert stmt.groups[1][0].kind == "operator"
    assert stmt.groups[2][0].ident == "posterior loss"


def test_module_star_instance_and_id_label() -> None:
    stmt = only("a -> [enc*@2] -> [ln1: LN*] -> (add: +@3)")
    assert isinstance(stmt, Chain)
    enc, ln, add = stmt.groups[1][0], stmt.groups[2][0], stmt.groups[3][0]
    assert (enc.kind, enc.ident, enc.star, enc.instance) == ("module", "enc", True, 2)
    assert (ln.ident, ln.label, ln.star) == ("ln1", "LN", True)
    assert (add.kind, add.ident, add.label, add.instance) == ("operator", "add", "+", 3)


def test_a_star_inside_quotes_is_part_of_the_label() -> None:
    stmt = only('x -> [g: "a*b"*] -> ["c*d"] -> ["e*"*] -> [*"f*g"] -> y')
    assert isinstance(stmt, Chain)
    got = [(m.ident, m.label, m.star) for (m,) in stmt.groups[1:5]]
    assert got == [("g", "a*b", True), ("c*d", "c*d", False), ("e*", "e*", True),
                   ("f*g", "f*g", True)]
    # outside quotes a '*' still belongs at the end only
    for source in ("x -> [g: a*b] -> y", "x -> [a*b] -> y", 'x -> [g: "a"*b] -> y'):
        _, diagnostics = parse(source)
        assert [(d.column, d.code) for d in diagnostics] == [(6, "syntax")], source


def test_edge_kinds_labels_and_side_entry() -> None:
    stmt = only("[f*] ..> [f_ema] : ema")
    assert isinstance(stmt, Chain)
    assert stmt.hops[0].kind == "copy" and stmt.hops[0].label == "ema"
    stmt = only("p -/-> [g] from right")
    assert isinstance(stmt, Chain)
    assert stmt.hops[0].kind == "stopgrad" and stmt.side == "right"


def test_keywords() -> None:
    assert isinstance(only("given *z', x"), Given)
    seq = only("seq y_{1..n} = y[1:]")
    assert isinstance(seq, Seq) and seq.blank == "start" and seq.parent is not None
    assert only("seq y_{0..n-1} = y[:-1]").blank == "end"
    obj = only("phase (a): max loss wrt d, g")
    assert isinstance(obj, Objective)
    assert (obj.direction, obj.phase, [w.ident for w in obj.wrt]) == ("max", "(a)", ["d", "g"])
    note = only("note (×): σ")
    assert isinstance(note, Note) and note.text == "σ"
    assert isinstance(only("direction lr"), Direction)


def test_comments_quotes_and_unicode() -> None:
    stmt = only('"a # b" -> [f] -> ε  # trailing comment')
    assert isinstance(stmt, Chain)
    assert stmt.groups[0][0].label == "a # b"
    assert stmt.groups[2][0].label == "ε"


@pytest.mark.parametrize(
    ("source", "line", "column", "code"),
    [
        ("x ~ X\nfoo bar", 2, 1, "unknown-statement"),
        ("x -> [f", 1, 6, "syntax"),
        ("x -> ", 1, 5, "syntax"),
        ("x ~ ", 1, 4, "sample"),
        ("direction up", 1, 11, "direction"),
        ("x -> (ce*) -> y", 1, 6, "kind"),
        ("\n\n  [f] ~ X", 3, 3, "kind"),
        ('x -> "open', 1, 6, "syntax"),
        ("min loss wrt *", 1, 14, "syntax"),  # a lone '*' ends the line (was a crash)
        ("min loss wrt f, *", 1, 17, "syntax"),
        ("min loss wrt *, f", 1, 14, "syntax"),
    ],
)
def test_errors_are_located(source: str, line: int, column: int, code: str) -> None:
    _, diagnostics = parse(source)
    assert len(diagnostics) == 1
    d = diagnostics[0]
    assert (d.line, d.column, d.code, d.severity) == (line, column, code, "error")


def test_parsing_goes_on_after_a_bad_line() -> None:
    program, diagnostics = parse("x ~ X\n???\nx -> [f*] -> y\nmin y")
    assert [d.line for d in diagnostics] == [2]
    assert len(program.statements) == 3
