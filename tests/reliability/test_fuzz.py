"""Property-based tests of the parser and checker: any text gives a model or located errors.

A docs build feeds the core whatever authors type; an exception or a hang there would
stop the whole build, so these tests throw arbitrary and adversarial text at it.
"""

from __future__ import annotations

import random
import time

from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dagnote
from dagnote import Diagnostic
from dagnote.positions import split_lines

check = dagnote.check

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# pieces of the language, so random text often parses far enough to reach the checker
PIECES = [
    "x", "y'", "z", "loss", "x_t", "y_{0..n-1}", "σ^2", "ε", "posterior loss", "X", "(X, Y)",
    "N(0, 1)", "[f*]", "[f]", "[enc*@2]", "[g: d]", "(ce)", "(+)", "(‖ ‖^2)", '"quoted"',
    " -> ", " -/-> ", " ..> ", ", ", " ~ ", ": ", "*", "min ", "max ", "given ", "seq ",
    "note ", "phase (a): ", "direction LR", " wrt ", " from left", " = x[1:]", "\n", "\n",
    "#", "[", "]", "(", ")", "{", "}", '"', "\t", " ", "@0", "\r\n", "<script>", "&amp;",
]
statements = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
anything = st.text(max_size=300)


def assert_located(source: str, diagnostics: list[Diagnostic]) -> None:
    """Every diagnostic is a dagnote problem at a real line and column of the source
    (lines as a file has them: split at CR and LF only; a leading BOM takes no column)."""
    lines = split_lines(source.removeprefix("\ufeff")) or [""]
    for d in diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.severity in ("error", "warning")
        assert d.code and d.message
        assert 1 <= d.line <= len(lines), (d, source)
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1, (d, source)


@FUZZ
@given(anything)
def test_any_text_gives_a_model_or_located_errors(source: str) -> None:
    checked = check(source)
    assert_located(source, checked.diagnostics)
    assert checked.summary.text()  # the summary (alt text) always exists


@FUZZ
@given(statements)
def test_language_like_text_gives_a_model_or_located_errors(source: str) -> None:
    checked = check(source)
    assert_located(source, checked.diagnostics)
    assert checked.diagnostics == sorted(checked.diagnostics)  # reported in source order


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements)
def test_every_clean_diagram_renders_to_parseable_svg(source: str) -> None:
    """What the checker accepts, the layout and the SVG writer must draw (no escaping gaps)."""
    rendered = dagnote.render_many([source])[0]
    if rendered.errors:
        assert rendered.output is None
        return
    assert rendered.engine_error is None, (source, rendered.engine_error)
    assert rendered.output is not None
    fromstring(rendered.output)


def _ten_kb(line: str) -> str:
    return (line + "\n") * (10 * 1024 // (len(line) + 1))


ADVERSARIAL = {
    # 'a, b, ... -> c, d, ...' joins every left to every right
    "cross product": ", ".join(f"a{i}" for i in range(150)) + " -> "
    + ", ".join(f"b{i}" for i in range(150)) + "\n",
    "many modules": _ten_kb(" -> ".join(f"[m{i}]" for i in range(20))),
    "many values": "\n".join(f"v{i} -> w{i}" for i in range(900)),
    "nested brackets": "x -> " + "[" * 1500 + "f" + "]" * 1500 + "\n",
    "unclosed brackets": "[" * 1999 + "\n" + "(" * 1999 + "\n" + "{" * 1999 + "\n",
    "spaces before from": "x -> y : " + " " * 1900 + "fro\n",
    "spaces in a slice": "seq y = x" + " " * 1900 + "[\n",
    "module at signs": "x -> [f" + " @" * 900 + "] -> y\n",
    "quotes": '"' * 1999 + "\n",
    "many phases": "z ~ N(0, 1)\nz -> [g*] -> loss\n"
    + "".join(f"phase (p{i}): min loss\n" for i in range(450)),
    "many objectives": "x ~ X\nx -> [f*] -> loss\n" + "min loss\n" * 1500,
    "long chain": "x ~ X\n" + "".join(f"v{i} -> [f{i}*] -> v{i + 1}\n" for i in range(240))
    + "min v240\n",
}


def test_ten_kilobyte_inputs_finish_in_bounded_time() -> None:
    """Each hostile 10 KB-class input is checked in well under a second (bound: 10 s)."""
    for name, source in ADVERSARIAL.items():
        assert len(source.encode()) < 64 * 1024, name
        started = time.perf_counter()
        checked = check(source)
        elapsed = time.perf_counter() - started
        assert elapsed < 10, f"{name}: {elapsed:.1f} s"
        assert_located(source, checked.diagnostics)


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_random_ten_kilobyte_text_finishes_in_bounded_time(seed: int) -> None:
    """10 KB of language pieces in random order (built from a seed: Hypothesis shrinks it)."""
    rng = random.Random(seed)
    source = "".join(rng.choice(PIECES) for _ in range(2800))
    assert len(source.encode()) > 10 * 1024
    started = time.perf_counter()
    assert_located(source, check(source).diagnostics)
    assert time.perf_counter() - started < 10
