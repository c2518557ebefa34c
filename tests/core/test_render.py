"""Rendering with the real layout (ELK in worker processes): SVG shape, determinism,
escaping, batching, cache."""

from __future__ import annotations

import math
import shutil
import sqlite3
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

import dagnote
from dagnote import Cache, RenderOptions, render, render_many
from dagnote.build.options import MAX_TIMEOUT

SEED = sorted((Path(__file__).parents[2] / "examples" / "seed").glob("*.dag"))
SVG = "{http://www.w3.org/2000/svg}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: every element the SVG writer draws with; nothing else may appear
DRAWING_TAGS = {"svg", "g", "title", "desc", "style", "rect", "circle", "ellipse", "polygon",
                "path", "line", "text", "tspan"}


def nodes_of(root) -> list:  # type: ignore[no-untyped-def]
    return [g for g in root.iter(f"{SVG}g") if "dn-node" in (g.get("class") or "").split()]


def test_every_seed_figure_renders() -> None:
    results = render_many([p.read_text() for p in SEED], RenderOptions())
    assert len(SEED) == 9
    for path, result in zip(SEED, results, strict=True):
        assert result.ok, (path.name, result.engine_error, result.diagnostics)
        text = result.output.decode()
        assert not text.startswith("<?xml") and "<!--" not in text and "DOCTYPE" not in text
        root = fromstring(result.output)
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        assert root.find(f"{SVG}title").get("id") == title_id
        desc = root.find(f"{SVG}desc")
        assert desc.get("id") == desc_id and desc.text.startswith("Data:")
        ids = [el.get("id") for el in root.iter() if el.get("id")]
        assert len(ids) == len(set(ids))
        assert all(i.startswith(root.get("id")) for i in ids)
        assert root.get("class") == "dagnote"
        assert {el.tag.removeprefix(SVG) for el in root.iter()} <= DRAWING_TAGS
        elements = nodes_of(root)
        assert elements, path.name
        for g in elements:  # every element: a titled group with its key and box
            assert g[0].tag == f"{SVG}title" and g[0].text, path.name
            assert g.get("data-key")
            x, y, w, h = (float(v) for v in g.get("data-box").split())
            assert w > 0 and h > 0
        edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "dn-edge-group"]
        assert edges, path.name
        for g in edges:
            assert g.get("data-tail") and g.get("data-head")
            assert any("dn-edge" in (p.get("class") or "").split() for p in g), path.name


def test_same_source_gives_the_same_bytes_and_other_sources_other_ids() -> None:
    a = render(SEED[0].read_text()).output
    b = render(SEED[0].read_text()).output
    c = render(SEED[1].read_text()).output
    assert a == b
    assert fromstring(a).get("id") != fromstring(c).get("id")


def test_elements_carry_css_classes_by_kind() -> None:
    svg = render((Path(SEED[0]).parent / "vae.dag").read_text()).output.decode()
    for cls in ("dn-prior", "dn-dataset", "dn-module dn-trainable", "dn-operator",
                "dn-objective", "dn-edge dn-data"):
        assert cls in svg, cls


def test_node_titles_are_readable_labels() -> None:
    root = fromstring(render("x ~ X\nx -> [encoder*] -> y_t\nmin y_t").output)
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert "encoder (trained)" in titles and "yt" in titles


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", '"]; a -> b [', "&amp;",
                                   "<svg onload=alert(1)>", "]]> x"])
def test_labels_are_literal_text(label: str) -> None:
    quoted = '"' + label.replace('"', "'") + '"' if '"' in label else f'"{label}"'
    source = f"x ~ X\nx -> [f*] -> {quoted}\n{quoted} -> (ce) -> loss\nmin loss"
    result = render(source)
    assert result.ok, result.diagnostics
    root = fromstring(result.output)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= DRAWING_TAGS
    assert not any(a.startswith("on") for el in root.iter() for a in el.attrib)
    texts = "".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))
    expected = label.replace('"', "'")
    assert expected.replace(" ", "") in texts.replace(" ", "").replace("\xa0", "")


def test_batch_uses_far_fewer_layout_requests() -> None:
    from dagnote.build import pipeline

    # modules of different widths (all wider than the narrowest box): 30 different graphs
    sources = [f"x ~ X\nx -> [{'m' * (i + 10)}*] -> y\ny, x -> (ce) -> loss\nmin loss"
               for i in range(30)]
    before = dagnote.engine_runs()
    results = render_many(sources)
    runs = dagnote.engine_runs() - before
    assert all(r.ok for r in results)
    # one request per batch of BATCH_SIZE diagrams
    assert runs == -(-30 // pipeline.BATCH_SIZE)
    assert runs < 30


def test_the_panels_of_phases_are_laid_out_once_and_drawn_alike() -> None:
    """Each panel keeps room for the star or triangle another panel draws beside an
    element, so the panels are one ELK graph, laid out once, with the same boxes."""
    from dagnote.drawing import elk_runner

    gan = (SEED[0].parent / "gan.dag").read_text(encoding="utf-8")
    done = elk_runner.layouts_done()
    result = render(gan)
    assert result.ok
    assert elk_runner.layouts_done() - done == 1
    root = fromstring(result.output)
    boxes: dict[str, list[list[float]]] = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if "dn-node" in g.get("class", ""):
            boxes.setdefault(g.get("data-key"), []).append(
                [float(v) for v in g.get("data-box").split()])
    width = float(root.get("viewBox").split()[2])
    assert boxes and all(len(b) == 2 for b in boxes.values()), boxes
    shift = {round(b[1][0] - b[0][0], 3) for b in boxes.values()}
    assert len(shift) == 1 and 0 < shift.pop() < width  # panel (b) is panel (a), moved
    assert {b[1][1] - b[0][1] for b in boxes.values()} == {0.0}
    stars = [g for g in root.iter("{http://www.w3.org/2000/svg}polygon")
             if "dn-star" in g.get("class", "")]
    assert len(stars) == 2  # d's in (a), g's in (b): the room kept for the other is empty


def test_diagram_with_errors_is_not_rendered() -> None:
    before = dagnote.engine_runs()
    result = render("x ~ X\nx -> -> y")
    assert result.output is None and result.errors
    assert dagnote.engine_runs() == before


@pytest.mark.parametrize("timeout", [1e10, 1e300, math.inf, 10**400],
                         ids=["1e10", "1e300", "inf", "10**400"])
def test_a_huge_or_infinite_timeout_is_capped_and_draws(timeout: float) -> None:
    """More than MAX_TIMEOUT, infinity included, means "no limit": capped, never a failure
    (it used to overflow the worker's watchdog and fail every diagram)."""
    options = RenderOptions(timeout=timeout)
    assert options.timeout == MAX_TIMEOUT
    result = render("x ~ X\nx -> [f*] -> y\nmin y\n", options)
    assert result.output is not None, result.engine_error


@pytest.mark.parametrize("timeout", [0, -1, -math.inf, math.nan, "30", True, None])
def test_a_timeout_that_is_not_a_positive_number_is_refused_when_the_options_are_made(
        timeout: object) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds, not "):
        RenderOptions(timeout=timeout)  # type: ignore[arg-type]


def test_a_layout_worker_that_cannot_start_is_a_clear_error(unstartable_layout: str) -> None:
    result = render("x -> [f] -> y")
    assert result.output is None and not result.errors
    assert "cannot start the ELK layout worker" in result.engine_error
    assert unstartable_layout in result.engine_error


def test_cache_hits_and_corrupt_entries(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    first = render(SEED[0].read_text(), cache=cache)
    assert first.ok and not first.from_cache
    before = dagnote.engine_runs()
    second = render(SEED[0].read_text(), cache=Cache(tmp_path / "c"))
    assert second.from_cache and second.output == first.output
    assert dagnote.engine_runs() == before
    db = sqlite3.connect(tmp_path / "c" / "cache.sqlite3")
    with db:  # truncate the stored image
        db.execute("UPDATE entries SET data = substr(data, 1, length(data) - 20)")
    db.close()
    third = render(SEED[0].read_text(), cache=Cache(tmp_path / "c"))
    assert not third.from_cache and third.output == first.output


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_other_formats(fmt: str, magic: bytes) -> None:
    if shutil.which("rsvg-convert") is None:
        pytest.skip("PNG and PDF need rsvg-convert")
    result = render(SEED[0].read_text(), RenderOptions(format=fmt))  # type: ignore[arg-type]
    assert result.ok, result.engine_error
    assert result.output.startswith(magic)


def test_direction_option_changes_the_layout() -> None:
    source = "x ~ X\nx -> [f*] -> y\nmin y"
    tall = fromstring(render(source).output)
    wide = fromstring(render(source, RenderOptions(direction="LR")).output)
    def size(root) -> tuple[float, float]:
        return float(root.get("width")[:-2]), float(root.get("height")[:-2])
    assert size(tall)[1] > size(tall)[0]
    assert size(wide)[0] > size(wide)[1]


def test_a_default_direction_yields_to_the_diagrams_own_but_an_override_does_not() -> None:
    def wide(source: str, **options: str) -> bool:
        root = fromstring(render(source, RenderOptions(**options)).output)  # type: ignore[arg-type]
        return float(root.get("width")[:-2]) > float(root.get("height")[:-2])

    plain = "x ~ X\nx -> [f*] -> y\nmin y"
    own = "direction TB\n" + plain
    assert wide(plain, default_direction="LR")
    assert not wide(own, default_direction="LR")
    assert wide(own, direction="LR")


def test_notes_are_drawn_beside_modules_values_and_operators() -> None:
    source = ("x ~ X\nx -> [f*] -> y\ny, x -> (ce) -> loss\nmin loss\n"
              "note [f]: lr 0.1\nnote y: logits\nnote (ce): label smoothing")
    texts = "".join("".join(t.itertext()) for t in fromstring(render(source).output)
                    .iter(f"{SVG}text"))
    for note in ("lr 0.1", "logits", "label smoothing"):
        assert note in texts.replace("\xa0", " ")


def test_svg_writes_what_matters_and_no_defaults() -> None:
    """No ids but the root's, its title's and desc's; no ``text-anchor="start"``;
    ``xml:space`` only on a label whose spaces matter; every module box is outlined and
    filled, and the trained one carries its star (geometry, not a glyph)."""
    source = 'x ~ X\nx -> [" lead"] -> y\ny -> [net*] -> z\nmin z\n'
    svg = render(source).output
    assert svg is not None
    text = svg.decode()
    root = fromstring(svg)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    prefix = root.get("id")
    assert ids == {prefix, f"{prefix}-title", f"{prefix}-desc"}
    assert 'text-anchor="start"' not in text
    spaced = [el for el in root.iter(f"{SVG}text") if el.text == " lead"]
    assert spaced and spaced[0].get(XML_SPACE) == "preserve"
    assert all(el.get(XML_SPACE) is None
               for el in root.iter(f"{SVG}text") if el.text == "net")
    for group in root.iter(f"{SVG}g"):
        kids = list(group)
        for a, b in zip(kids, kids[1:], strict=False):
            assert not (a.tag == b.tag and a.attrib == b.attrib), "a shape repeats itself"
    modules = [g for g in nodes_of(root) if "dn-module" in g.get("class").split()]
    assert len(modules) == 2
    for g in modules:
        (box,) = g.findall(f"{SVG}rect")
        assert box.get("fill") == "white" and box.get("stroke") == "black", "a box lost its outline"
    net = next(g for g in modules if "dn-trainable" in g.get("class").split())
    assert net.find(f"{SVG}title").text == "net (trained)"
    assert net.find(f"{SVG}polygon").get("class") == "dn-star"
    lead = next(g for g in modules if g is not net)
    assert "dn-frozen" in lead.get("class").split() and lead.find(f"{SVG}polygon") is None


def test_svg_is_ascii_with_other_characters_as_references() -> None:
    """A host decodes the image into its page: ASCII keeps Python's page string at one
    byte per character (an astral 𝒩 would make it four); the text itself is unchanged."""
    source = "z ~ 𝒩(0, I)\nz -> [décodeur*] -> x̂\nx̂ -> (‖·‖²) -> loss\nmin loss\n"
    result = render(source)
    assert result.ok and result.output is not None
    assert result.output.isascii()
    root = fromstring(result.output)
    texts = "".join("".join(el.itertext()) for el in root.iter())
    for word in ("𝒩", "décodeur", "‖", "x̂"):
        assert word in texts, word
    # the objective's '▽' is drawn, not written: it needs no font
    assert [p for p in root.iter(f"{SVG}path") if p.get("class") == "dn-min"]
