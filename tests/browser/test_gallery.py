"""The gallery figures in a real browser: every label's text box stays inside its shape."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from cdp import Browser

import dagnote

ROOT = Path(__file__).resolve().parents[2]  # the repository
SEEDS = sorted((ROOT / "examples" / "seed").glob("*.dag"))

# For each text of an element, compare its getBBox (what Chromium measures with the real
# font) with what dagnote sized for it: the outline it is anchored in (a box, a circle or an
# ellipse), or else the element's data-box, which for a value is the extent its label was
# measured at. Texts anchored outside both (notes, the trainable star's neighbours) are not
# labels of that shape; the marks (star, sampling mark, triangles) are never hosts.
MEASURE = """
(() => {
  const out = [];
  const inside = (b, x, y) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height;
  for (const svg of document.querySelectorAll('svg.dagnote')) {
    const figure = svg.closest('section').id;
    for (const node of svg.querySelectorAll('g.dn-node')) {
      const shapes = [...node.querySelectorAll(':scope > rect, :scope > circle, :scope > ellipse')]
        .filter(s => s.getAttribute('stroke') === 'black').map(s => s.getBBox());
      const [bx, by, bw, bh] = node.getAttribute('data-box').split(' ').map(parseFloat);
      const box = {x: bx, y: by, width: bw, height: bh};
      for (const text of node.querySelectorAll('text')) {
        const t = text.getBBox();
        const size = parseFloat(text.getAttribute('font-size'));
        const ax = parseFloat(text.getAttribute('x')), ay = parseFloat(text.getAttribute('y'));
        const cy = ay - 0.35 * size;
        let host = shapes.find(b => inside(b, ax, cy)), kind = 'shape';
        let x0 = t.x, x1 = t.x + t.width;  // the ink: it must stay inside an outline
        if (!host && inside(box, ax, cy)) {
          host = box; kind = 'data-box';
          // the advance: what the metrics measured (a glyph's ink may overhang it a little)
          const advance = text.getComputedTextLength();
          x0 = text.getAttribute('text-anchor') === 'middle' ? ax - advance / 2 : ax;
          x1 = x0 + advance;
        }
        if (!host) continue;
        out.push({figure, node: node.querySelector('title').textContent,
                  text: text.textContent, kind,
                  left: x0 - host.x, right: host.x + host.width - x1,
                  top: t.y - host.y, bottom: host.y + host.height - (t.y + t.height)});
      }
    }
  }
  return out;
})()
"""



def gallery_page(directory: Path) -> Path:
    """One HTML page with the nine seed figures inline, as a host would emit them."""
    rendered = dagnote.render_many([seed.read_text(encoding="utf-8") for seed in SEEDS])
    parts = [f'<!doctype html><meta charset="utf-8"><link rel="stylesheet" '
             f'href="{dagnote.stylesheet_path().as_uri()}"><body>']
    for seed, result in zip(SEEDS, rendered, strict=True):
        assert result.output is not None, (seed.name, result.errors, result.engine_error)
        parts.append(f'<section id="{seed.stem}"><h2>{html.escape(seed.stem)}</h2>'
                     f'{result.output.decode()}</section>')
    page = directory / "gallery.html"
    page.write_text("\n".join(parts) + "</body>", encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gallery page, written once for this module."""
    return gallery_page(tmp_path_factory.mktemp("gallery"))


def test_labels_fit_their_shapes(browser: Browser, gallery: Path) -> None:
    """No label's text bounding box leaves its box, circle or ellipse, or the extent the
    font metrics gave it, in any gallery figure."""
    browser.open(gallery.as_uri(), width=1000, height=800)
    boxes = browser.evaluate(MEASURE)
    figures = {box["figure"] for box in boxes}
    assert figures >= {"simple-classification", "vae", "transformer-layer"}, figures
    assert len(boxes) >= 40, "too few labels measured: is the gallery rendered?"
    kinds = {box["kind"] for box in boxes}
    assert kinds == {"shape", "data-box"}, kinds  # boxed labels and bare values both
    overflowing = [box for box in boxes
                   if min(box["left"], box["right"], box["top"], box["bottom"]) < -0.5]
    assert not overflowing, "\n".join(
        f"{b['figure']}: {b['node']!r} text {b['text']!r} overflows its {b['kind']} "
        f"(left {b['left']:.1f}, right {b['right']:.1f}, top {b['top']:.1f}, "
        f"bottom {b['bottom']:.1f})" for b in overflowing)


def test_gallery_is_accessible(browser: Browser, gallery: Path) -> None:
    """role=img, a name and description from <title>/<desc>, a <title> per node."""
    browser.open(gallery.as_uri(), width=1000, height=800)
    checks = browser.evaluate("""
      [...document.querySelectorAll('svg.dagnote')].map(svg => {
        const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
        const named = ids.map(id => document.getElementById(id));
        return {role: svg.getAttribute('role'),
                tags: named.map(el => el && el.tagName),
                inside: named.every(el => el && el.parentNode === svg),
                summary: named[1] ? named[1].textContent : '',
                nodes: svg.querySelectorAll('g.dn-node').length,
                untitled: [...svg.querySelectorAll('g.dn-node')]
                  .filter(g => !(g.querySelector(':scope > title') || {}).textContent).length};
      })""")
    assert len(checks) == len(SEEDS)
    for check in checks:
        assert check["role"] == "img"
        assert check["tags"] == ["title", "desc"] and check["inside"], check
        assert check["summary"].startswith("Data:") or "Weights:" in check["summary"], check
        assert check["nodes"] > 0 and check["untitled"] == 0, check


def test_screen_readers_get_the_summary(browser: Browser, gallery: Path) -> None:
    """Chromium's accessibility tree names each figure with its title and summary."""
    browser.open(gallery.as_uri(), width=1000, height=800)
    browser.call("Accessibility.enable")
    tree = browser.call("Accessibility.getFullAXTree")["nodes"]
    names = [node.get("name", {}).get("value", "") for node in tree
             if node.get("role", {}).get("value") == "image"]
    assert len(names) == len(SEEDS), names
    for name in names:
        assert "Weights:" in name and "Objectives:" in name, name
