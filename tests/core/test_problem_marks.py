"""Lint marks in the figure (issue 15, item 7) and the stop-gradient label (item 5)."""

from __future__ import annotations

from lxml import etree

import dagnote
from dagnote.build.cache import cache_key
from dagnote.build.pipeline import DRAWING_VERSION, ENGINE
from dagnote.drawing.trusted import trusted

SVG = "{http://www.w3.org/2000/svg}"
TWO_PROBLEMS = ("x ~ X\nx -> [f*] -> h\nh -/-> [head*] -> y\nh -> (ce) -> loss\n"
                "x -> [g] -> y2\ny2 -> (mse) -> l2\nmin loss\nmin l2\n")


def drawn(source: str, **options: object) -> etree._Element:
    result = dagnote.render(source, dagnote.RenderOptions(**options))  # type: ignore[arg-type]
    assert result.output is not None, result.diagnostics or result.engine_error
    assert trusted(result.output)  # the marks are in the writer's vocabulary
    return etree.fromstring(result.output)


def texts(root: etree._Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_show_problems_outlines_and_numbers_each_element_and_explains_it() -> None:
    root = drawn(TWO_PROBLEMS + "show problems\n")
    marked = {g.get("data-key"): g for g in root.iter(f"{SVG}g")
              if "dn-problem" in (g.get("class") or "").split()}
    assert set(marked) == {"mod:head@1", "val:l2"}
    for group in marked.values():
        outline = group.find(f"{SVG}rect[@class='dn-problem']")
        assert outline is not None and outline.get("stroke-dasharray")
        assert group.find(f"{SVG}circle[@class='dn-badge']") is not None
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("data-key") == "legend")
    lines = ["".join(t.itertext()) for t in legend.iter(f"{SVG}text")]
    assert lines == ["1", "trainable module 'head' is never updated",
                     "2", "objective 'l2' trains nothing"]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "Problems: (1) trainable module 'head'" in (desc.text or "")
    # the legend lies inside the figure, under everything else
    height = float(root.get("viewBox", "").split()[3])
    box = [float(v) for v in legend.get("data-box", "").split()]
    assert box[1] + box[3] <= height
    others = [float(g.get("data-box", "0 0 0 0").split()[1]) + float(
        g.get("data-box", "0 0 0 0").split()[3]) for g in root.iter(f"{SVG}g")
        if g.get("data-key") not in (None, "legend")]
    assert max(others) <= box[1]


def test_the_render_option_marks_the_same_and_is_part_of_the_cache_key() -> None:
    by_option = drawn(TWO_PROBLEMS, show_problems=True)
    assert "trainable module 'head' is never updated" in texts(by_option)
    plain = drawn(TWO_PROBLEMS)
    assert not any("never updated" in t for t in texts(plain))
    assert cache_key(TWO_PROBLEMS, dagnote.RenderOptions(show_problems=True), ENGINE,
                     DRAWING_VERSION) != cache_key(TWO_PROBLEMS, dagnote.RenderOptions(),
                                                   ENGINE, DRAWING_VERSION)


def test_an_allowed_warning_is_not_reported_but_still_marked() -> None:
    """A teaching figure shows a mistake on purpose, in a build that fails on warnings."""
    source = TWO_PROBLEMS + "show problems\nallow untrained: [head]\n"
    assert [d.code for d in dagnote.check(source).diagnostics] == ["objective-trains-nothing"]
    legend = [t for t in texts(drawn(source)) if "never" in t or "nothing" in t]
    assert legend == ["trainable module 'head' is never updated",
                      "objective 'l2' trains nothing"]


def test_a_labelled_stop_gradient_still_says_stop_grad() -> None:
    root = drawn("x ~ X\nx -> [f*] -> h\nh -> [g*] -/-> t: EMA target\nt, h -> (mse) -> loss\n"
                 "min loss\n")
    assert "stop-grad: EMA target" in texts(root)
    assert len(list(root.iter(f"{SVG}line"))) == 1  # the bar across the cut edge
    assert root.find(f".//{SVG}line[@class='dn-stopbar']") is not None
