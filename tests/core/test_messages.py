"""Messages that lead to the fix (issue 15, items 5 and 6): no cascades from a failed line,
positions a message names count in the host file, "did you mean", reversed arrows named,
braces for long scripts, the stop-gradient that leaves a module untrained."""

from __future__ import annotations

import pytest

import dagnote
from dagnote import Diagnostic


def problems(source: str) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.column, d.code, d.message) for d in dagnote.check(source).diagnostics]


def codes(source: str) -> list[str]:
    return [d.code for d in dagnote.check(source).diagnostics]


# -- no cascades -------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    # the line defining 'loss' fails: no "'loss' is not in the diagram", no "untrained"
    "x ~ X\nx -> [f*] -> y\ny, t -> (ce -> loss\nmin loss\nnote loss: cross-entropy\n",
    # a failed line in the middle of the only path: no "trains nothing", no "untrained"
    "x ~ X\nx -> [f*] -> h\nh -> [g* -> y\ny -> (mse) -> loss\nmin loss\n",
    # a reversed arrow fails its line the same way
    "x ~ X\nx -> [f*] -> h\n(ce) <- h\nmin ce\n",
])
def test_a_failed_line_is_the_only_error_reported(source: str) -> None:
    assert len(codes(source)) == 1, problems(source)
    assert dagnote.check(source).diagnostics[0].is_error


def test_problems_away_from_the_failed_line_are_still_reported() -> None:
    source = ("x ~ X\nx -> [f*] -> y\ny -> (ce) -> loss\nmin loss\n"
              "z ~ Z\nz -> [g*] -> w\n"  # g trains nothing: unrelated to the bad line
              "q -> [h* -> r\n")
    assert codes(source) == ["untrained", "syntax"]


# -- positions named in a message are translated --------------------------------------

def test_a_position_named_in_a_message_moves_with_the_block() -> None:
    d = next(d for d in dagnote.check("x ~ X\nx -> [f*] -> y\ny -> [x]\n").diagnostics
             if d.code == "kind-conflict")
    assert "value on line 1" in d.message
    moved = d.shifted(20)
    assert (moved.line, moved.message) == (23, d.message.replace("line 1", "line 21"))
    relocated = d.relocated(lambda line, column: (line + 9, column + 3))
    assert relocated.related == ((10, 4),) and "line 10" in relocated.message


def test_a_name_with_braces_is_kept_when_the_message_is_relocated() -> None:
    d = next(d for d in dagnote.check("y_{0..n} ~ X\nz -> [y_{0..n}]\n").diagnostics
             if d.code == "dataset-as-value" or d.code == "kind-conflict")
    assert "y_{0..n}" in d.shifted(3).message


# -- did you mean ---------------------------------------------------------------------

@pytest.mark.parametrize(("line", "keyword"), [
    ("minimize loss", "min"), ("maximise loss", "max"), ("dirction LR", "direction"),
    ("minimise loss wrt f", "min"), ("gven x", "given"),
])
def test_a_misspelt_keyword_gets_a_suggestion(line: str, keyword: str) -> None:
    source = f"x ~ X\nx -> [f*] -> loss\n{line}\n"
    found = [p for p in problems(source) if p[2] == "unknown-statement"]
    assert found and f"did you mean '{keyword}'?" in found[0][3], problems(source)


def test_an_unknown_name_gets_the_closest_name_of_the_diagram() -> None:
    source = "x ~ X\nx -> [encoder*] -> loss\nmin los\nnote [encodr]: a CNN\n"
    messages = [p[3] for p in problems(source) if p[2] == "unknown-name"]
    assert "did you mean 'loss'?" in messages[0]
    assert "did you mean 'encoder'?" in messages[1]


# -- reversed arrows ------------------------------------------------------------------

@pytest.mark.parametrize(("line", "column", "fix"), [
    ("y <- (ce)", 3, "write '(ce) -> y'"),
    ("t <-/- [f]", 3, "write '[f] -/-> t'"),
    ("[g] <.. [f*]", 5, "write '[f*] ..> [g]'"),
    ("a -> b <- c", 8, "as in 'a -> b'"),
])
def test_a_reversed_arrow_is_named_at_its_column(line: str, column: int, fix: str) -> None:
    (got,) = problems(line + "\n")
    assert got[:3] == (1, column, "reversed-arrow")
    assert fix in got[3] and "point forward" in got[3]


def test_a_backward_arrow_in_free_text_is_text() -> None:
    assert codes("x ~ X\nx -> [f] -> y: a <- b\nnote y: y <- x\n") == []


# -- sub/superscripts without braces --------------------------------------------------

def test_a_long_subscript_without_braces_is_a_warning_with_the_fix() -> None:
    source = "s ~ S\ns -> [Q_target] -> q\nx_{t} -> [f] -> q\n"
    (found,) = [p for p in problems(source) if p[2] == "script-braces"]
    assert found[:2] == (2, 6)
    assert "write 'Q_{target}'" in found[3] and "quote" in found[3]
    assert codes('s ~ S\ns -> [f] -> "Q_target"\n') == []
    assert codes("s ~ S\ns -> [f] -> σ^2\n") == []



def test_a_script_inside_a_braced_script_is_a_warning() -> None:
    """``softmax_{τ_s}`` draws 'τ_s' with its underscore: scripts do not nest."""
    source = "s ~ S\ns -> [f] -> softmax_{τ_s}\n"
    (found,) = [p for p in problems(source) if p[2] == "script-braces"]
    assert found[:2] == (2, 13)
    assert "'τ_s'" in found[3] and "do not nest" in found[3]
    assert codes("s ~ S\ns -> [f] -> softmax_{τs}\n") == []

# -- the stop-gradient that leaves a module untrained ---------------------------------

def test_untrained_names_the_stop_gradient_that_cuts_its_path() -> None:
    source = "x ~ X\nx -> [f*] -> h\n   h -/-> [g] -> y\ny -> (mse) -> loss\nmin loss\n"
    (d,) = [d for d in dagnote.check(source).diagnostics if d.code == "untrained"]
    assert "stop-gradient '-/->' at line 3, column 6 cuts its path to 'loss'" in d.message
    assert d.related == ((3, 6),)
    assert "line 13, column 10" in d.relocated(lambda a, c: (a + 10, c + 4)).message


def test_untrained_without_a_cut_says_no_path() -> None:
    source = "x ~ X\nx -> [f*] -> h\nx -> [g] -> y\ny -> (mse) -> loss\nmin loss\n"
    (d,) = [d for d in dagnote.check(source).diagnostics if d.code == "untrained"]
    assert "gradient-carrying path" in d.message and not d.related


def test_diagnostics_keep_their_new_fields_through_the_cache(tmp_path) -> None:
    source = "x ~ X\nx -> [f*] -> y\ny -> [x]\n"
    first = dagnote.check(source).diagnostics
    assert all(isinstance(d, Diagnostic) for d in first)
    good = "x ~ X\nx -> [f*] -/-> h\nh -> (mse) -> loss\nmin loss\n"
    cache = dagnote.Cache(tmp_path)
    drawn = dagnote.render(good, cache=cache)
    again = dagnote.render(good, cache=cache)
    assert again.from_cache and again.diagnostics == drawn.diagnostics
    assert again.diagnostics[0].related == ((2, 11),)
