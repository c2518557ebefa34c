"""Odd text: a byte order mark, lone surrogates, control characters, line separators inside
a line and diagrams with nothing in them each give a located answer, never an exception,
a stray element or a blank figure.
"""

from __future__ import annotations

import pytest

import dagnote
from dagnote.language.compile import compile_source

GOOD = "x ~ X\nx -> [f*] -> y\nmin y\n"


def located(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.code) for d in dagnote.check(source).diagnostics]


def test_a_byte_order_mark_at_the_start_is_not_part_of_the_first_name() -> None:
    diagram = compile_source("\ufeff" + GOOD).diagram
    assert sorted(n.label for n in diagram.nodes.values()) == ["X", "f", "x", "y"]
    # columns count what an editor shows: the mark takes no column
    assert located("\ufeffx -> ]") == [(1, 6, "syntax")]
    with_mark, without = (dagnote.render(s).output.decode() for s in ("\ufeff" + GOOD, GOOD))
    assert with_mark.replace(dagnote.root_id(with_mark), "") == without.replace(
        dagnote.root_id(without), "")  # the same drawing (the ids hash the text)


@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff", "\udc80"])
def test_lone_surrogates_are_located_errors_not_exceptions(surrogate: str) -> None:
    source = f'x ~ X\nx -> [f*] -> "a{surrogate}"\nmin "a{surrogate}"\n'
    checked = dagnote.check(source)
    assert (2, 16, "character") in [(d.line, d.column, d.code) for d in checked.errors]
    assert f"U+{ord(surrogate):04X}" in checked.errors[0].message
    rendered = dagnote.render(source)
    assert rendered.output is None and rendered.engine_error is None and rendered.errors


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x1b", "\x1f", "\x7f", "\x9b",
                                  "\ufffe", "\uffff", "\ufdd0", "\U0001fffe"])
def test_control_characters_and_noncharacters_are_located_errors(char: str) -> None:
    source = f"x ~ X\nx -> [f{char}*] -> y\nmin y\nnote y: a{char}b\n"
    assert located(source) == [(2, 8, "character"), (4, 10, "character")]
    message = dagnote.check(source).errors[0].message
    assert f"U+{ord(char):04X}" in message and "remove it" in message
    rendered = dagnote.render(source)
    assert rendered.output is None and rendered.engine_error is None


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x0c", "\x0b", "\x85"])
def test_separators_inside_a_line_do_not_start_a_new_line(separator: str) -> None:
    """Only CR and LF end a line, as in every editor and host file; the others are spaces."""
    # 'w' is named on no failed line, so its unknown-name is reported (issue 15: 'y' would
    # be an echo of line 2's error, and is not)
    source = f"x ~ X{separator}\nx -> [f*]{separator}-> y ]\nmin w\n"
    assert located(source) == [(2, 16, "syntax"), (3, 5, "unknown-name")]
    drawn = f"x ~ X\nx -> [f*]{separator}-> y\nmin y{separator}\nnote y: a{separator}b\n"
    assert located(drawn) == []
    assert dagnote.render(drawn).output is not None


def test_a_carriage_return_alone_ends_a_line() -> None:
    assert located("x ~ X\rx -> ]\r\nmin w") == [(2, 6, "syntax"), (3, 5, "unknown-name")]


@pytest.mark.parametrize("source", ["", "\n", "   \n\t\n", "# only a comment\n",
                                    "\n# one\n  # two\n", "\ufeff"])
def test_an_empty_diagram_is_a_located_error_and_draws_nothing(source: str) -> None:
    checked = dagnote.check(source)
    assert [(d.line, d.column, d.code, d.severity) for d in checked.diagnostics] == [
        (1, 1, "empty", "error")]
    assert "write" in checked.diagnostics[0].message
    rendered = dagnote.render(source)
    assert rendered.output is None and rendered.engine_error is None


def test_a_diagram_that_draws_nothing_is_empty_where_its_statement_is() -> None:
    assert located("# setup\n  direction LR\n") == [(2, 3, "empty")]
