"""Property-based tests of the parser and checker: any text gives a model or located errors.

A docs build feeds the core whatever authors type; an exception or a hang there would
stop the whole build, so these tests throw arbitrary and adversarial text at it.
"""

from __future__ import annotations

import random
import textwrap
import time
from pathlib import Path

from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dagnote
from dagnote import Diagnostic
from dagnote.language.positions import split_lines

from .hosts import Page, build_sphinx

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
    "allow untrained", "allow untrained: [f]", "allow ", "show problems", "show ", " <- ",
    " <-/- ", " <.. ", "Q_target", "minimize ",
    " ~> ", " ~r> ", " by score", "(argmax/)", "(∇_x [f])", "(grad [g])", "straight-through ",
    " to ", "Q(s, a)", "γ(x_i)", "U(t_n, t_f)",
    "group ", "group [blk*] ", '"Encoder" ', "×N", " xN", "N× ", ": ", "\ngroup E: ",
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
    assert_drawn_or_refused(source, dagnote.render_many([source])[0])


def assert_drawn_or_refused(source: str, rendered: dagnote.Rendered) -> None:
    """A diagram with errors draws nothing; any other is drawn, as SVG that parses."""
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
    "many groups": "x -> y\n" + "group: x, y\n" * 1500,
    "groups crossing": " -> ".join(f"v{i}" for i in range(300)) + "\n"
    + "".join(f"group: v{i}, v{i + 1}\n" for i in range(299)),
}


def test_frames_nested_fifty_deep_are_drawn() -> None:
    """The most frames a diagram may have, each inside the next: ELK's hierarchy lays
    them out in one run and every frame holds the ones inside it."""
    chain = " -> ".join(f"v{i}" for i in range(50))
    source = chain + "\n" + "".join(
        "group: " + ", ".join(f"v{j}" for j in range(i, 50)) + "\n" for i in range(50))
    rendered = dagnote.render_many([source])[0]
    assert rendered.ok, (rendered.engine_error, rendered.diagnostics)
    root = fromstring(rendered.output)
    frames = [g for g in root if "dn-frame" in (g.get("class") or "")]
    assert len(frames) == 50
    boxes = [[float(v) for v in g.get("data-box").split()] for g in frames]
    for (x, y, w, h), (x2, y2, w2, h2) in zip(boxes, boxes[1:], strict=False):
        assert x <= x2 and y <= y2 and x2 + w2 <= x + w and y2 + h2 <= y + h


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


# -- odd Unicode through the core and both hosts (issue 17: BOM, surrogates, controls,
# separators); few examples each, a share of CI's time budget

ODD = ["\ud800", "\udfff", "\udc80", "\x00", "\x01", "\x08", "\x1b", "\x1c", "\x7f",
       "\x85", "\x9b", "\x0b", "\x0c", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff",
       "\U0001fffe", "\r", "\n", "\t", "\u200b", "\u0301", "\U0001f600"]  # CRLF: in PIECES
# any code point, surrogates included, with the odd ones and the language's pieces often
odd_char = st.one_of(st.characters(exclude_categories=()), st.sampled_from(ODD))
odd_text = st.lists(st.one_of(st.sampled_from(PIECES), odd_char), max_size=30).map("".join)
ODD_FUZZ = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# a well-formed diagram with odd characters in its names and notes: often drawn
drawable = st.tuples(st.text(odd_char, min_size=1, max_size=3),
                     st.text(odd_char, max_size=3)).map(
    lambda t: f'\ufeffx ~ X\nx -> [f{t[0]}*] -> "y{t[1]}"\nmin "y{t[1]}"\nnote x: {t[0]}{t[1]}\n')


@ODD_FUZZ
@given(st.one_of(odd_text, drawable))
def test_any_unicode_gives_located_errors(source: str) -> None:
    checked = check(source)
    assert_located(source, checked.diagnostics)
    assert checked.summary.text()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(odd_text, drawable), min_size=1, max_size=4))
def test_any_unicode_renders_or_gives_errors_never_an_exception(sources: list[str]) -> None:
    for source, rendered in zip(sources, dagnote.render_many(sources), strict=True):
        assert_drawn_or_refused(source, rendered)


def _markdown_page(sources: list[str]) -> str:
    fences = "".join(f"```dagnote\n{s}\n```\n\n" for s in sources)
    nested = "".join(f"!!! note\n\n    ```dagnote\n{textwrap.indent(s, '    ')}\n    ```\n\n"
                     for s in sources)
    return f"# T\u2028\n\n{fences}{nested}"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(odd_text, drawable), min_size=1, max_size=3))
def test_any_unicode_through_the_markdown_hosts(sources: list[str]) -> None:
    """The plain extension and SuperFences, as the plugin runs them (the page's fences
    scanned first to locate them), in process: a page with lone surrogates can only
    come from another plugin, not from a file, and must not break the build either."""
    import markdown

    from dagnote.documents.fences import scan
    from mkdocs_dagnote.extension import DagnoteExtension
    from mkdocs_dagnote.renderer import PageContext, Settings, SiteRenderer
    from mkdocs_dagnote.superfences import fence_format, fence_validator

    text = _markdown_page(sources)
    renderer = SiteRenderer(Settings())
    superfences = {"pymdownx.superfences": {"custom_fences": [
        {"name": "dagnote", "class": "dagnote", "validator": fence_validator,
         "format": fence_format}]}}
    for extensions, configs in (([DagnoteExtension(renderer=renderer)], {}),
                                (["admonition", "pymdownx.superfences",
                                  DagnoteExtension(renderer=renderer, fences=False)],
                                 superfences)):
        renderer.page = PageContext(path="docs/page.md", fences=scan(text))
        html = markdown.Markdown(extensions=extensions, extension_configs=configs).convert(text)
        Page(html)  # an HTML parser reads it
    renderer.finish()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(odd_text, drawable), min_size=1, max_size=4))
def test_any_unicode_through_a_sphinx_build(sources: list[str]) -> None:
    """Every diagram as a directive's content in one page (a file cannot hold a lone
    surrogate: those become U+FFFD here); the build ends and writes the page."""
    import tempfile

    blocks = "".join(".. dagnote::\n\n" + textwrap.indent(s, "   ", lambda _: True) + "\n\n"
                     for s in sources)
    page = "T\n=\n\n" + blocks
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        (src / "index.rst").write_bytes(page.encode("utf-8", "replace"))
        html, _ = build_sphinx(src)
    Page(html)
