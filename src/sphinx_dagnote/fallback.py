"""Builders without images (text, man, texinfo, and any unknown one) get words, never a crash."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from .collect import image_format
from .nodes import dagnote

SUMMARY_FORMATS = ("text", "man", "texinfo")


def replace_for_builder(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: swap diagrams for the summary (or the alt text) in plain nodes."""
    if image_format(app.builder) is not None:
        return
    for node in list(doctree.findall(dagnote)):
        words = _words(app.builder.format, node)
        if words is None:
            node.parent.remove(node)
        else:
            node.replace_self(words)  # one element: keeps ids (:name:) and classes


def _words(fmt: str, node: dagnote) -> nodes.Element | None:
    if fmt not in SUMMARY_FORMATS:
        return nodes.paragraph(node["alt"], node["alt"])
    if node["show_summary"]:  # the figure legend already carries it
        return None
    block = nodes.line_block()
    for line in node["summary"]:
        block += nodes.line(line, line)
    return block
