"""The doctree node of one diagram; only plain data, so doctrees pickle and merge."""

from __future__ import annotations

from docutils import nodes


class dagnote(nodes.General, nodes.Inline, nodes.Element):  # noqa: N801 (docutils style)
    """A checked diagram waiting for its image.

    Attributes: ``source`` (the diagram text), ``direction`` (render override or None),
    ``alt``, ``summary`` (list of three lines), ``show_summary``, ``html_format``,
    ``width``, ``height``, ``scale`` (percent or None), ``align``, ``location``
    ("path:line" for write-time warnings).
    """
