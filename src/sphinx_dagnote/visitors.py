"""Writers: inline SVG or <img> for HTML builders, a TikZ picture for LaTeX."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

import dagnote as core
from dagnote.documents.page import natural_width

from . import collect, links
from .nodes import dagnote

if TYPE_CHECKING:  # annotations only: an HTML build need not import the LaTeX writer
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator


def image_name(node: dagnote, ext: str) -> str:
    """A content-addressed file name: identical in every build and every worker."""
    digest = hashlib.sha256(
        f"{node['direction']}\0{node['source']}".encode()).hexdigest()[:16]
    return f"dagnote-{digest}.{ext}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file so parallel writers never expose half an image."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return
    core.write_atomic(path, data)


def _css_length(value: str) -> str:
    return value + "px" if re.fullmatch(r"[0-9.]+", value) else value


def _div_attrs(node: dagnote, svg: str) -> str:
    """The wrapper's classes and style: ``:width:``, ``:height:`` (the figure fits in
    both) and ``:scale:`` (a share of the SVG's own width) as CSS sizes."""
    classes = list(node["classes"])
    if node["align"] and not isinstance(node.parent, nodes.figure):  # the figure aligns
        classes.append(f"align-{node['align']}")
    styles = []
    width = node["width"]
    natural = natural_width(svg)
    if not width and node.get("scale") and natural:
        width = f"{natural * node['scale'] / 100:.2f}pt"
    if width:
        classes.append("dagnote-sized")
        styles.append(f"width: {_css_length(width)}")
    if node.get("height"):
        classes.append("dagnote-height")
        styles.append(f"height: {_css_length(node['height'])}")
    style = f' style="{html.escape("; ".join(styles))}"' if styles else ""
    return f'class="{html.escape(" ".join(classes))}"{style}'


def _error_html(message: str, where: str) -> str:
    return ('<div class="admonition error dagnote-error" role="alert">'
            '<p class="admonition-title">dagnote: this diagram was not rendered</p>'
            f"<pre>{html.escape(where)}: {html.escape(message)}</pre></div>")


def _copy_number(self: HTML5Translator, svg: str) -> int:
    """How many times this diagram has appeared on the page so far (ids must not repeat)."""
    prefix = core.root_id(svg)
    seen: dict[str, int] = self.__dict__.setdefault("_dagnote_ids", {})
    if prefix is None:
        return 1
    seen[prefix] = seen.get(prefix, 0) + 1
    return seen[prefix]


def visit_html(self: HTML5Translator, node: dagnote) -> None:
    """Embed the SVG (or link it) with the alt text; an engine failure shows a box."""
    result = collect.rendered(self.builder, node, "svg")
    if result.output is None:
        self.body.append(_error_html(result.engine_error or "no image", node["location"]))
        raise nodes.SkipNode
    svg = result.output.decode("utf-8")
    alt = html.escape(node["alt"], quote=True)
    if node["html_format"] == "img" and core.has_links(svg):
        inner = _object(self, node, links.for_html(self.builder, node, svg, embedded=True), alt)
    elif node["html_format"] == "img":
        name = image_name(node, "svg")
        write_atomic(Path(self.builder.outdir) / self.builder.imagedir / name, result.output)
        src = html.escape(f"{self.builder.imgpath}/{name}", quote=True)
        inner = f'<img src="{src}" alt="{alt}" />'
    else:
        inner = core.for_page(links.for_html(self.builder, node, svg),
                              node["alt"] if node["explicit_alt"] else None,
                              _copy_number(self, svg))
    self.body.append(f"<div {_div_attrs(node, svg)}>{inner}</div>\n")
    raise nodes.SkipNode


def _object(self: HTML5Translator, node: dagnote, svg: str, alt: str) -> str:
    """A linked figure as a file: links in an ``<img>`` cannot be clicked, so it is an
    ``<object>`` (the ``<img>`` inside is its fallback). Named by content: its links
    depend on the page."""
    data = svg.encode("utf-8")
    name = f"dagnote-{hashlib.sha256(data).hexdigest()[:16]}.svg"
    write_atomic(Path(self.builder.outdir) / self.builder.imagedir / name, data)
    src = html.escape(f"{self.builder.imgpath}/{name}", quote=True)
    return (f'<object data="{src}" type="image/svg+xml" aria-label="{alt}">'
            f'<img src="{src}" alt="{alt}" /></object>')


def _latex_height(self: LaTeXTranslator, value: str) -> str | None:
    """A height as LaTeX: a percentage of the text height, other units as Sphinx's."""
    if value.endswith("%"):
        return f"{float(value[:-1]) / 100:.3f}\\textheight"
    return self.latex_image_length(value)


def _latex_link(self: LaTeXTranslator, url: str | None) -> tuple[str, str] | None:
    """The LaTeX around a linked box for a resolved URL, as Sphinx links a reference:
    ``#id`` and ``%doc#id`` (the LaTeX builder's own pages) as ``\\hyperref``, anything
    else as ``\\sphinxhref``."""
    if not url:
        return None
    if url.startswith("#"):
        return self.hyperlink(f"{self.curfilestack[-1]}:{url[1:]}"), "}}"
    if url.startswith("%"):
        target = url[1:].replace("#", ":") if "#" in url else f"{url[1:]}::doc"
        return self.hyperlink(target), "}}"
    return f"\\sphinxhref{{{self.encode_uri(url)}}}{{", "}"


def visit_latex(self: LaTeXTranslator, node: dagnote) -> None:
    """The figure as TikZ (drawn from the same layout as the SVG), sized to fit the line
    and a share of the page (or ``:width:``/``:height:``/``:scale:``); no file, no tool."""
    result = collect.rendered(self.builder, node, "tikz")
    if result.output is None:
        self.body.append(self.encode(node["alt"]))
        raise nodes.SkipNode
    width = self.latex_image_length(node["width"]) if node["width"] else None
    height = _latex_height(self, node["height"]) if node.get("height") else None
    scale = node["scale"] / 100 if node.get("scale") else None
    picture = result.output.decode("ascii")
    if node.get("xrefs"):  # resolved by Sphinx for this page, as a role's would be
        hrefs = links.resolved(node)
        picture = core.tikz_with_xrefs(picture, lambda xref: _latex_link(self, hrefs.get(xref)))
    picture = core.fit_tikz(picture, width, height, scale)
    align = node["align"] or "center"
    if isinstance(node.parent, nodes.figure):  # the figure environment centres it
        self.body.append(f"\n{picture}")
    else:  # not a float: it stays where it is written
        pre = {"left": "", "center": "\\hfill", "right": "\\hfill"}[align]
        post = {"left": "\\hspace*{\\fill}", "center": "\\hspace*{\\fill}",
                "right": ""}[align]
        self.body.append(f"\n\n\\noindent{{{pre}{picture}{post}}}\n\n")
    raise nodes.SkipNode


def depart_noop(self: object, node: dagnote) -> None:
    """Never reached: every visitor raises SkipNode."""
