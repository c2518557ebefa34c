"""Groups: a labelled frame around elements, ×N, and a module drawn with its inside.

The statement parses in all its spellings, bad groups are located errors, frames nest,
and the drawn frame (read back from the SVG) holds exactly its elements with its label
and ×N in its lower corners.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dagnote
from dagnote.drawing.trusted import trusted
from dagnote.language.compile import compile_source
from dagnote.language.parse import parse
from dagnote.language.syntax import Group

from .geometry import PROPERTIES, read
from .test_parse import only

ROOT = Path(__file__).parents[2]
CHAIN = "x -> [a*] -> (+) -> [b*] -> y -> (ce) -> loss\nmin loss\n"


def one_group(line: str) -> Group:
    stmt = only(line)
    assert isinstance(stmt, Group)
    return stmt


@pytest.mark.parametrize("line, label, quoted, repeat", [
    ('group "Encoder" ×N: [a], (+)', "Encoder", True, "N"),
    ("group Encoder xN: [a], (+)", "Encoder", False, "N"),
    ("group Encoder layer × 6: [a], (+)", "Encoder layer", False, "6"),
    ("group N×: [a], (+)", None, False, "N"),
    ("group x12: [a], (+)", None, False, "12"),
    ("group h_t block: [a], (+)", "h_t block", False, None),
    ("group max: [a], (+)", "max", False, None),   # a word ending in x is no count
    ('group "Block xN": [a], (+)', "Block xN", True, None),  # quotes keep it text
    ("group: [a], (+)", None, False, None),
])
def test_group_header_spellings(line: str, label: str | None, quoted: bool,
                                repeat: str | None) -> None:
    stmt = one_group(line)
    assert (stmt.label, stmt.quoted, stmt.repeat, stmt.module) == (label, quoted, repeat, None)
    assert [m.kind for m in stmt.members] == ["module", "operator"]


def test_a_module_frame_names_its_module_and_star() -> None:
    stmt = one_group("group [enc*] ×L: [a], (+), y")
    assert stmt.module is not None and stmt.module.ident == "enc" and stmt.module.star
    assert stmt.repeat == "L" and [m.ident for m in stmt.members] == ["a", "+", "y"]


@pytest.mark.parametrize("line, column, words", [
    ("group Encoder", 14, "needs ':'"),
    ("group Encoder:", 15, "needs its elements"),
    ("group [enc@2]: [a]", 7, "without '@'"),
    ("group [enc] junk: [a]", 13, "only ×N may follow"),
    ('group "E" "F": [a]', 11, "is neither"),
    ("group (x): [a]", 7, "'(x)' is neither"),
    ("group E: [a] -> b", 14, "one statement per line"),
])
def test_bad_group_lines_are_located(line: str, column: int, words: str) -> None:
    _, diagnostics = parse(line)
    (d,) = diagnostics
    assert (d.line, d.column, d.code) == (1, column, "syntax"), d
    assert words in d.message, d.message


def errors(source: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.code) for d in compile_source(source).diagnostics
            if d.is_error]


def test_a_group_naming_an_unknown_element_is_a_located_error() -> None:
    assert errors(CHAIN + "group E: [a], [c]\n") == [(3, 15, "unknown-name")]


def test_an_element_in_two_groups_that_do_not_nest_is_an_error() -> None:
    found = compile_source(CHAIN + "group E: [a], (+)\ngroup F: (+), [b]\n").diagnostics
    (d,) = [d for d in found if d.is_error]
    assert (d.line, d.column, d.code) == (4, 10, "group-overlap")
    assert "'+' is also in the group on line 3" in d.message


def test_groups_that_nest_are_no_error_and_know_their_parent() -> None:
    compiled = compile_source(CHAIN + "group [blk*]: [b]\ngroup E ×N: [a], (+), [b]\n"
                              "group F: [a], (+), [b]\n")
    assert not compiled.has_errors, compiled.diagnostics
    groups = {g.label: g for g in compiled.diagram.groups}
    assert groups["E"].parent is None
    assert groups["F"].parent == groups["E"].key  # same elements: the later one inside
    assert groups["blk"].parent == groups["F"].key
    assert [g.label for g in compiled.diagram.groups] == ["E", "F", "blk"]  # outer first
    assert groups["blk"].module == "blk" and groups["blk"].trainable


def test_a_frame_module_that_is_also_a_box_is_an_error() -> None:
    assert errors(CHAIN + "group [a]: (+)\n") == [(3, 7, "group-module")]
    assert errors(CHAIN + "group [y]: (+)\n") == [(3, 7, "kind-conflict")]


def test_a_group_frames_data_sets_by_name() -> None:
    compiled = compile_source("x ~ X\n" + CHAIN + "group data: X, x\n")
    assert not compiled.has_errors
    assert compiled.diagram.groups[0].members == ["src:X", "val:x"]


TRANSFORMER = (ROOT / "docs" / "setups" / "transformer.dag").read_text(encoding="utf-8")


def test_the_transformer_frame_holds_its_layer_with_label_and_repeat_in_corners() -> None:
    result = dagnote.render_many([TRANSFORMER])[0]
    assert result.ok, result.diagnostics
    assert trusted(result.output)  # the cache accepts the frame's markup
    dg = read("transformer", TRANSFORMER, result.output)
    (frame,) = dg.frames
    layer = {"mod:W_q@1", "mod:W_k@1", "mod:W_v@1", "op:MHA@1", "op:+@1", "mod:ln1@1",
             "mod:FFN@1", "op:+@2", "mod:ln2@1"}
    assert frame.members == layer
    for prop in ("frames_hold", "frame_edges", "orthogonal", "labels_clear", "no_crossing"):
        assert not PROPERTIES[prop](dg), (prop, PROPERTIES[prop](dg))
    x, y, w, h = frame.box
    label, repeat = sorted(frame.labels, key=lambda lab: lab.box[0])
    assert (label.text, repeat.text) == ("Encoder layer", "×N")
    corner = 1.5 * 15  # the padding and a little: the texts sit in the lower corners
    assert label.box[0] - x < corner and y + h - (label.box[1] + label.box[3]) < corner
    assert x + w - (repeat.box[0] + repeat.box[2]) < corner
    assert y + h - (repeat.box[1] + repeat.box[3]) < corner
    outside = {n.key for n in dg.nodes} - layer
    assert outside == {"src:X", "mod:embed@1", "val:h_0", "val:h_N", "mod:head@1",
                       "val:y'", "op:ce@1", "val:loss"}


def test_a_module_frame_is_square_with_its_star_and_nests() -> None:
    source = CHAIN + "group E ×N: [a], (+), [b]\ngroup [blk*]: (+), [b]\n"
    result = dagnote.render_many([source])[0]
    assert result.ok, result.diagnostics
    assert trusted(result.output)
    svg = result.output.decode()
    assert svg.count('class="dn-frame dn-group"') == 1
    assert svg.count('class="dn-frame dn-frame-module dn-trainable"') == 1
    dg = read("nested", source, result.output)
    outer, inner = dg.frames
    assert inner.members < outer.members
    for prop in ("frames_hold", "frame_edges", "labels_clear", "marks_clear"):
        assert not PROPERTIES[prop](dg), (prop, PROPERTIES[prop](dg))
    frame_svg = svg[svg.index('dn-frame-module'):]
    assert "<polygon" in frame_svg.split("</g>")[0]  # the module frame's star


FORK_IN_FRAME = """\
direction RL
c, w, x ~ (T, C, X)
y, o ~ (D, S)
c -> [adapter*] -> b_{t}
w, x -> (×) -> e'
note (×): β_t
x -> (rp) -> k_{t}
note (rp): k
k_{t} -> [adapter*] from right
b_{t} -> (InfoNCE) -> loss_2
b_{t}, k_{t} -> (InfoNCE@2) -> adv loss
k_{t}, o -> (-log σ(Δ)) -> loss_{rec}
max loss_2
min adv loss
max loss_{rec}
group "block 5" ×N: (InfoNCE@2), [adapter@1], (-log σ(Δ)@1), y, (×@1)
"""


def test_a_fork_straightened_to_two_points_is_drawn() -> None:
    """Found by drawing generated programs with frames: a fork whose straightened path
    kept only two points made placement fail (zip over its first two segments)."""
    source = FORK_IN_FRAME
    result = dagnote.render_many([source])[0]
    assert result.ok, (result.engine_error, result.diagnostics)


def test_a_value_between_members_is_inside_their_frame() -> None:
    """``MHA -> a -> (+)`` with MHA and + named: ``a`` belongs to the block (left out,
    its edges had to leave the frame and come back in); a value that also feeds an
    element outside the frame stays out."""
    source = ("x -> [f*] -> a -> (+) -> y -> [g*] -> z -> (ce) -> loss\nx -> (+)\n"
              "min loss\ngroup B: [f], (+)\n")
    compiled = compile_source(source)
    assert not compiled.has_errors, compiled.diagnostics
    (frame,) = compiled.diagram.groups
    assert "val:a" in frame.members
    assert "val:x" not in frame.members and "val:y" not in frame.members
    drawn = read("between", source, dagnote.render(source).output)
    (box,) = drawn.frames
    assert "val:a" in box.members


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_a_frame_around_one_module_is_only_as_deep_as_it_needs(direction: str) -> None:
    """The frame is long enough along its band for the label and ×N, and no deeper than
    the module, padding and band: a square minimum stretched it to a tall empty frame."""
    source = (f"direction {direction}\nx ~ X\nx -> [mid*] -> y\ny -> (ce) -> loss\n"
              'min loss\ngroup "ResBlock" ×N: [mid]\n')
    drawn = read("one-module", source, dagnote.render(source).output)
    (frame,) = drawn.frames
    (mid,) = [n for n in drawn.nodes if n.key.startswith("mod:mid")]
    _, _, fw, fh = frame.box
    _, _, mw, mh = mid.box
    if direction == "TB":
        assert fh < mh + 90, (frame.box, mid.box)  # padding + the label band
        assert fw > 2 * mw  # the band holds 'ResBlock' and '×N' apart
    else:
        assert fw > 2 * mw and fh < mh + 90, (frame.box, mid.box)
