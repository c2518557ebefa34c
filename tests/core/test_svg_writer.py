"""The SVG writer: a hand-built Figure drawn as one safe, deterministic, themeable SVG."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path as FsPath

import pytest
from defusedxml.ElementTree import fromstring

from dagnote.drawing.figure import Element, Figure, Path, Run, Shape, Text
from dagnote.drawing.svg_writer import fmt, write_svg

SVG = "{http://www.w3.org/2000/svg}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
LABEL = "ema <script>alert(1)</script> & \U0001d4a9"


def _t(text: str, x: float, y: float, size: float = 14.0, **kw: object) -> Text:
    return Text((Run(text),), x, y, size, width=0.6 * size * len(text), **kw)


def make_figure() -> Figure:
    """A small VAE-like figure with every shape and edge decoration."""
    data = Element("X", "dn-data", "data set X", (60, 10, 80, 48),
                   shapes=[Shape("rect", 60, 10, 80, 48), Shape("sample", 96, 62, 8, 18)],
                   texts=[_t("X", 100, 41, 18, bold=True)])
    prior = Element("N", "dn-prior", "prior N(0, 1)", (200, 10, 80, 48),
                    shapes=[Shape("rounded", 200, 10, 80, 48), Shape("sample", 236, 62, 8, 18)],
                    texts=[_t("\U0001d4a9(0, 1)", 240, 39, 14, serif=True)])
    eps = Element("eps", "dn-value", "value epsilon", (234, 84, 12, 16),
                  texts=[_t("\u03b5", 240, 97)])
    value = Element("x", "dn-value", "value x_t^2", (92, 84, 22, 18),
                    texts=[Text((Run("x"), Run("t", "sub"), Run("2", "sup"), Run("'")),
                                100, 97, 14, width=20)])
    enc = Element("enc", "dn-module dn-trainable", "module encoder, trainable",
                  (20, 140, 80, 60),
                  shapes=[Shape("rect", 20, 140, 80, 60), Shape("star", 2, 132, 15, 15)],
                  texts=[_t("encoder", 60, 175)])
    tgt = Element("tgt", "dn-module", "module target", (300, 140, 80, 60),
                  shapes=[Shape("rect", 300, 140, 80, 60)], texts=[_t("target", 340, 175)])
    ce = Element("ce", "dn-op", "operator ce", (150, 225, 40, 24),
                 shapes=[Shape("ellipse", 150, 225, 40, 24)], texts=[_t("ce", 170, 242, 12)])
    loss = Element("loss", "dn-objective dn-min", "objective: minimise loss",
                   (140, 286, 50, 16),
                   shapes=[Shape("min", 140, 287, 16, 14)],
                   texts=[_t("loss", 162, 299, anchor="start")])
    seq = Element("s", "dn-seq", "sequence s", (300, 60, 60, 10),
                  shapes=[Shape("cell", 300 + 12 * i, 60, 12, 10, filled=i < 4)
                          for i in range(5)]
                  + [Shape("sample", 300, 80, 20, 8, vertical=False),
                     Shape("max", 330, 78, 16, 14)])
    paths = [
        # two bends, filled arrow onto the encoder's top
        Path("data", [(100, 104), (100, 118), (60, 118), (60, 140)], tail="x", head="enc"),
        # a weight copy: dashed, open arrow, with a hostile label
        Path("copy", [(100, 170), (300, 170)], arrow="open", dashed=True, tail="enc",
             head="tgt", label=_t(LABEL, 200, 164, 10, italic=True)),
        # operands: no arrowheads; one through a stop-gradient bar
        Path("data", [(60, 200), (60, 237), (150, 237)], arrow="none", tail="enc", head="ce"),
        Path("stopgrad", [(340, 200), (340, 237), (190, 237)], arrow="none",
             bar_at=(340, 215), tail="tgt", head="ce"),
        Path("data", [(170, 249), (170, 284)], tail="ce", head="loss"),
        Path("data", [(240, 104), (240, 146), (270, 146), (270, 152), (300, 152)],
             tail="eps", head="tgt"),
    ]
    return Figure(400, 330, [data, prior, eps, value, enc, tgt, ce, loss, seq], paths,
                  captions=[_t("(a)", 200, 322)])


def _svg(figure: Figure | None = None) -> bytes:
    return write_svg(figure or make_figure(), "dn-test", "A test figure", "Data: X.")


def _commands(d: str) -> list[tuple[str, list[float]]]:
    return [(c, [float(v) for v in re.findall(r"-?[\d.]+", args)])
            for c, args in re.findall(r"([MLAQCZ])([^MLAQCZ]*)", d)]


def test_document_is_well_formed_ascii_and_accessible() -> None:
    out = _svg()
    assert out.isascii()
    text = out.decode()
    assert text.startswith("<svg ") and "<?xml" not in text and "<!--" not in text
    assert "DOCTYPE" not in text
    root = fromstring(out)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "400pt" and root.get("viewBox") == "0 0 400 330"
    assert root.get("role") == "img" and root.get("class") == "dagnote"
    assert root.get("aria-labelledby") == "dn-test-title dn-test-desc"
    assert root.get("font-family") == "Arial, 'Liberation Sans', Helvetica, sans-serif"
    children = list(root)
    assert [c.tag for c in children[:4]] == [f"{SVG}{t}" for t in ("title", "desc", "style",
                                                                  "rect")]
    assert children[0].text == "A test figure" and children[1].text == "Data: X."
    assert "#dn-test [stroke=\"black\"]" in children[2].text
    assert children[3].get("class") == "dn-bg" and children[3].get("fill") == "none"


def test_ids_are_unique_and_prefixed() -> None:
    root = fromstring(_svg())
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert ids and len(ids) == len(set(ids))
    assert all(i.startswith("dn-test") for i in ids)


def test_hostile_label_round_trips_as_text() -> None:
    out = _svg()
    assert b"<script" not in out
    root = fromstring(out)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    (label,) = [el for el in root.iter(f"{SVG}text") if el.get("class") == "dn-edge-label"]
    assert "".join(label.itertext()) == LABEL
    assert label.get("font-style") == "italic"
    assert b"&#119977;" in out  # the astral character as one numeric reference


def test_output_is_deterministic() -> None:
    assert _svg() == _svg()
    assert _svg(make_figure()) == _svg(make_figure())


def test_nodes_are_titled_groups_with_their_box() -> None:
    root = fromstring(_svg())
    nodes = [g for g in root.iter(f"{SVG}g") if "dn-node" in (g.get("class") or "").split()]
    assert len(nodes) == 9
    for g in nodes:
        assert g[0].tag == f"{SVG}title" and g[0].text
    enc = next(g for g in nodes if "dn-trainable" in g.get("class"))
    assert enc.get("data-box") == "20 140 80 60"
    assert enc[0].text == "module encoder, trainable"
    star = enc.find(f"{SVG}polygon")
    assert star.get("class") == "dn-star" and star.get("fill") == "black"
    xs = [float(v) for v in star.get("points").split()[0::2]]
    ys = [float(v) for v in star.get("points").split()[1::2]]
    assert min(xs) >= 2 - 0.01 and max(xs) <= 17 + 0.01
    assert min(ys) >= 132 - 0.01 and max(ys) <= 147 + 0.01
    # the star fills its box in its longer direction
    assert max(max(xs) - min(xs), max(ys) - min(ys)) == pytest.approx(15, abs=0.02)


def test_marks_have_their_classes_and_styles() -> None:
    root = fromstring(_svg())
    by_class = {p.get("class"): p for p in root.iter(f"{SVG}path")}
    assert by_class["dn-min"].get("fill") == "none"
    assert by_class["dn-max"].get("fill") == "none"
    assert by_class["dn-sample"].get("fill") == "none"
    assert float(by_class["dn-sample"].get("stroke-width")) >= 1.6
    # '▽' points down: its lowest vertex is in the middle
    down = [(c, v) for c, v in _commands(by_class["dn-min"].get("d")) if c in "ML"]
    lowest = max(down, key=lambda cv: cv[1][1])[1]
    assert lowest[0] == pytest.approx(148, abs=0.01)
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("fill") in ("#b197d6", "white")
             and r.get("height") == "10"]
    assert [c.get("fill") for c in cells] == ["#b197d6"] * 4 + ["white"]


def test_scripts_shift_and_return_to_the_base_line() -> None:
    root = fromstring(_svg())
    value = next(t for t in root.iter(f"{SVG}text") if t.text == "x")
    spans = list(value)
    assert [s.text for s in spans] == ["t", "2", "'"]
    assert spans[0].get("font-size") == "9.8" and spans[0].get("dy") == "3.5"
    assert spans[1].get("font-size") == "9.8" and spans[1].get("dy") == "-9.1"
    assert spans[2].get("font-size") is None and spans[2].get("dy") == "5.6"
    assert sum(float(s.get("dy")) for s in spans) == pytest.approx(0)
    assert value.get("fill") == "black" and value.get("text-anchor") == "middle"
    loss = next(t for t in root.iter(f"{SVG}text") if t.text == "loss")
    assert loss.get("text-anchor") is None
    prior = next(t for t in root.iter(f"{SVG}text") if t.text.startswith("\U0001d4a9"))
    assert "serif" in prior.get("font-family") and "Times" in prior.get("font-family")
    assert next(t for t in root.iter(f"{SVG}text") if t.text == "X").get("font-weight") \
        == "bold"
    assert all(t.get(XML_SPACE) is None for t in root.iter(f"{SVG}text"))


def test_whitespace_is_preserved_only_when_it_matters() -> None:
    fig = Figure(50, 20, [Element("a", "dn-value", "a", (0, 0, 50, 20),
                                  texts=[_t(" a  b", 25, 15)])])
    (text,) = fromstring(write_svg(fig, "w", "t", "d")).iter(f"{SVG}text")
    assert text.get(XML_SPACE) == "preserve" and text.text == " a  b"


def test_control_characters_do_not_break_the_document() -> None:
    fig = Figure(50, 20, [Element("a\x01", "dn-value", "a\x00b", (0, 0, 50, 20),
                                  texts=[_t("a\x1bb", 25, 15)])])
    root = fromstring(write_svg(fig, "c", "t\x02", "d"))
    assert next(root.iter(f"{SVG}text")).text == "a\ufffdb"


def _edge_groups(root):  # type: ignore[no-untyped-def]
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "dn-edge-group"]


def test_edges_are_axis_parallel_with_rounded_bends() -> None:
    root = fromstring(_svg())
    groups = _edge_groups(root)
    edges = [p for g in groups for p in g if "dn-edge" in (p.get("class") or "").split()]
    assert len(edges) == 6
    assert len([p for p in root.iter(f"{SVG}path")
                if "dn-edge" in (p.get("class") or "").split()]) == 6
    by_head = {g.get("data-tail") + ">" + g.get("data-head"): g[0] for g in groups}
    for p in edges:
        assert p.get("fill") == "none" and p.get("stroke") == "black"
        d = p.get("d")
        assert set(re.findall(r"[A-Za-z]", d)) <= {"M", "L", "A"}
        cur = None
        for cmd, v in _commands(d):
            if cmd == "M":
                cur = (v[0], v[1])
            elif cmd == "L":
                assert v[0] == cur[0] or v[1] == cur[1], d
                cur = (v[0], v[1])
            elif cmd == "A":
                assert v[0] == v[1] and 0 < v[0] <= 4
                cur = (v[5], v[6])
    first = by_head["x>enc"]
    assert first.get("d") == "M100 104L100 114A4 4 0 0 1 96 118L64 118A4 4 0 0 0 60 122L60 134"
    copy = next(p for p in edges if "dn-copy" in p.get("class"))
    assert copy.get("stroke-dasharray") == "5 3"
    # a short middle segment: its bends' radius is half of it
    assert by_head["eps>tgt"].get("d") == (
        "M240 104L240 142A4 4 0 0 0 244 146L267 146A3 3 0 0 1 270 149"
        "A3 3 0 0 0 273 152L294 152")


def test_arrow_tip_is_the_last_point() -> None:
    fig = make_figure()
    root = fromstring(write_svg(fig, "dn-test", "t", "d"))
    groups = _edge_groups(root)
    assert len(groups) == len(fig.paths)
    for path, g in zip(fig.paths, groups, strict=True):
        arrows = g.findall(f"{SVG}path[@class='dn-arrow']")
        if path.arrow == "none":
            assert not arrows
            continue
        (arrow,) = arrows
        tip = _commands(arrow.get("d"))[0][1]
        assert tuple(tip) == path.points[-1]
        assert arrow.get("fill") == ("black" if path.arrow == "filled" else "white")
        # the line stops before the tip, on the line through the tip
        line = g.find(f"{SVG}path[@class='dn-edge dn-{path.kind}']")
        end = _commands(line.get("d"))[-1][1]
        (ax, _), (bx, by) = path.points[-2], path.points[-1]
        assert (end[0] == bx if ax == bx else end[1] == by)
        assert 0 < abs(end[0] - bx) + abs(end[1] - by) <= 8


def test_stop_gradient_bar_crosses_its_segment() -> None:
    root = fromstring(_svg())
    (bar,) = [el for el in root.iter(f"{SVG}line") if el.get("class") == "dn-stopbar"]
    # the bar sits on the vertical segment x=340: it is horizontal, 10 long
    assert bar.get("y1") == bar.get("y2") == "215"
    assert sorted([float(bar.get("x1")), float(bar.get("x2"))]) == [335, 345]
    assert bar.get("stroke-width") == "2"


def test_text_keeps_the_text_colour_over_the_line_colour() -> None:
    style = fromstring(_svg()).find(f"{SVG}style").text
    # text carries fill="black" for rsvg-convert; a later, more specific rule maps it back
    assert style.index('[fill="black"]{fill:var(--dn-line)}') \
        < style.index('text[fill="black"]{fill:var(--dn-text)}')


@pytest.mark.parametrize(("value", "text"), [(12, "12"), (12.5, "12.5"), (12.25, "12.25"),
                                             (12.256, "12.26"), (-0.001, "0"), (0.1, "0.1")])
def test_numbers(value: float, text: str) -> None:
    assert fmt(value) == text


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
def test_rsvg_convert_renders_it(tmp_path: FsPath) -> None:
    svg = tmp_path / "in.svg"
    svg.write_bytes(_svg())
    png = tmp_path / "out.png"
    subprocess.run(["rsvg-convert", "-b", "white", "-z", "2", str(svg), "-o", str(png)],
                   check=True, capture_output=True, timeout=60)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_space_after_a_subscript_is_kept() -> None:
    """'p_{u} = 0.1' writes ' = 0.1' as its own run after the subscript: rsvg strips the
    leading space of such a chunk unless the text keeps its spaces."""
    import dagnote

    svg = dagnote.render("x -> (drop) -> y\nnote (drop): p_{u} = 0.1\n").output.decode()
    text = next(t for t in re.findall(r"<text[^>]*>p<tspan.*?</text>", svg))
    assert 'xml:space="preserve"' in text, text
    assert "> = 0.1</tspan>" in text
