"""``.. dagnote::``: read the source, check it now (read time), locate every problem."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import dagnote as core
from dagnote.build.options import DIRECTIONS
from dagnote.documents.includes import IncludeError, confine, is_diagram_file, read_file
from dagnote.documents.quoting import WITHHELD_NOTE, listed, withheld
from dagnote.documents.widths import scale_problem, width_problem

from . import collect, links
from .config import HTML_FORMATS
from .locate import Locator, file_locator, inline_locator
from .nodes import dagnote

logger = logging.getLogger(__name__)


def _align(argument: str) -> str:
    return directives.choice(argument, ("left", "center", "right"))


def _direction(argument: str) -> str:
    value = (argument or "").strip().upper()
    if value not in DIRECTIONS:
        raise ValueError(f"{argument!r} unknown; choose from {', '.join(DIRECTIONS)}")
    return value


def _html_format(argument: str) -> str:
    return directives.choice(argument, HTML_FORMATS)


def _width(argument: str) -> str:
    """A length, percentage or number of pixels, no wider than a page can sensibly be."""
    value = directives.length_or_percentage_or_unitless(argument)
    problem = width_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _height(argument: str) -> str:
    """Like :func:`_width`: a length or percentage (of the text height in LaTeX)."""
    value = directives.length_or_percentage_or_unitless(argument)
    problem = width_problem(value, "height")
    if problem:
        raise ValueError(problem)
    return value


def _scale(argument: str) -> float:
    """A percentage of the natural size (``50`` or ``50%``), as in ``.. image::``."""
    value = float(directives.percentage(argument))
    problem = scale_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class DagnoteDirective(SphinxDirective):
    """A diagram from inline content or from a file next to the document."""

    has_content = True
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = False
    option_spec: ClassVar[dict[str, object]] = {  # type: ignore[misc]
        "caption": directives.unchanged,
        "name": directives.unchanged,
        "alt": directives.unchanged,
        "align": _align,
        "class": directives.class_option,
        "width": _width,
        "height": _height,
        "scale": _scale,
        "summary": directives.flag,
        "no-summary": directives.flag,
        "show-source": directives.flag,
        "no-show-source": directives.flag,
        "direction": _direction,
        "html-format": _html_format,
        "show-problems": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        loaded = self._load()
        if loaded is None:
            return []
        source, locate = loaded
        if "show-problems" in self.options:  # as if the diagram said so: lines stay put
            source = core.with_problems_shown(source)
        checked = core.check(source)
        strict = bool(self.config.dagnote_strict)
        broken = []
        used_in = f" (used in {self.env.docname}, line {self.lineno})" if self.arguments else ""
        # a file that is not a diagram source (conf.py) is located on the page, not quoted
        quoted = not self.arguments or is_diagram_file(self.arguments[0])
        for diag in checked.diagnostics:
            path, line, column = locate(diag.line, diag.column)  # of the file, as written
            diag = diag.relocated(lambda at, col: locate(at, col)[1:])  # its message too
            logger.warning("%s%s", diag.message, used_in, type="dagnote", subtype=diag.code,
                           location=f"{path}:{line}")
            if diag.is_error or strict:
                shown = os.path.relpath(path, self.env.srcdir)
                broken.append(f"{shown}:{line}:{column}: {diag.severity}: "
                              f"{diag.message} [{diag.code}]" if quoted else
                              withheld(shown, line, column, diag.severity, diag.code))
        if broken:
            box = self._error_box([*listed(broken), *([] if quoted else [WITHHELD_NOTE])])
            return [box, *self._source(source, quoted)]
        path, line, _ = locate(1, 1)
        figure = self._figure(source, checked.summary.lines(), f"{path}:{line}")
        if checked.xrefs:
            node = next(iter(figure.findall(dagnote)))
            links.pending_xrefs(self, node, checked.xrefs, locate)
        return [figure, *self._source(source, quoted)]

    # -- reading -------------------------------------------------------------------

    def _load(self) -> tuple[str, Locator] | None:
        """The diagram text and a function from its line and column to the file's."""
        if self.arguments and self.content:
            self._warn("give a file argument or inline content, not both", "usage")
            return None
        if self.arguments:
            return self._load_file(self.arguments[0])
        if not self.content:
            self._warn("empty diagram: give inline content or a file argument", "usage")
            return None
        return "\n".join(self.content), inline_locator(self)

    def _load_file(self, argument: str) -> tuple[str, Locator] | None:
        """Read a diagram file of the source directory (dagnote.documents.includes: only regular,
        visible files inside it, within the size limit; a refusal is a located warning)."""
        # as env.relfn2path (absolute: from the source directory), without its resolve(),
        # which raises on a symlink loop or a NUL byte
        srcdir = Path(self.env.srcdir)
        name = Path(argument)
        if name.parts[:1] in {("/",), ("\\",)}:
            candidate = srcdir.joinpath(*name.parts[1:])
        else:
            candidate = srcdir / self.env.doc2path(self.env.docname, base=False).parent / name
        try:
            path = confine(candidate, srcdir, repr(argument), where="the source directory")
        except IncludeError as exc:
            if "\x00" not in argument:  # a later build stats it: rebuild once it is there
                self.env.note_dependency(os.path.relpath(candidate, srcdir))
            self._refuse(argument, exc)
            return None
        self.env.note_dependency(os.path.relpath(path, srcdir.resolve()))
        try:
            text = read_file(path, repr(argument))
        except IncludeError as exc:
            self._refuse(argument, exc)
            return None
        return text, file_locator(str(path))

    def _refuse(self, argument: str, exc: IncludeError) -> None:
        verb = "refusing" if exc.refused else "cannot read"
        self._warn(f"{verb} {argument!r}: {exc.reason}", "path")

    def _warn(self, message: str, subtype: str) -> None:
        logger.warning(message, type="dagnote", subtype=subtype,
                       location=self.get_location())

    # -- building nodes ------------------------------------------------------------

    def _error_box(self, problems: list[str]) -> nodes.Node:
        """A visible box in place of the figure, so no old image hides the problem."""
        box = nodes.admonition(classes=["dagnote-error", "error"])
        box += nodes.title(text="dagnote: this diagram was not rendered")
        text = "\n".join(problems)
        box += nodes.literal_block(text, text, language="none")
        self.set_source_info(box)
        return box

    def _source(self, source: str, quoted: bool) -> list[nodes.Node]:
        """The diagram's text under it, highlighted by dagnote's Pygments lexer, when
        asked for (``:show-source:`` or ``dagnote_show_source``); never a file that is
        not a diagram source."""
        wanted = "show-source" in self.options or (
            bool(self.config.dagnote_show_source) and "no-show-source" not in self.options)
        if not wanted or not quoted:
            return []
        block = nodes.literal_block(source, source, language="dagnote",
                                    classes=["dagnote-source"])
        self.set_source_info(block)
        return [block]

    def _figure(self, source: str, summary: list[str], location: str) -> nodes.Node:
        opts = self.options
        show_summary = "summary" in opts or (
            bool(self.config.dagnote_show_summary) and "no-summary" not in opts)
        node = dagnote()
        node["source"] = source
        node["direction"] = opts.get("direction")  # the conf default goes to default_direction
        node["alt"] = opts.get("alt") or " ".join(summary)
        node["explicit_alt"] = "alt" in opts
        node["summary"] = summary
        node["show_summary"] = show_summary
        node["html_format"] = opts.get("html-format") or self.config.dagnote_html_format
        node["width"] = opts.get("width")
        node["height"] = opts.get("height")
        node["scale"] = opts.get("scale")
        node["align"] = opts.get("align")
        node["location"] = location
        node["classes"] += ["dagnote-diagram", *opts.get("class", [])]
        self.set_source_info(node)
        collect.note(self.env, node)

        caption = opts.get("caption")
        if not caption and not show_summary:
            self.add_name(node)
            return node
        figure = nodes.figure(classes=["dagnote-figure"])
        if node["align"]:
            figure["align"] = node["align"]
        self.set_source_info(figure)
        figure += node
        if caption:
            inline, messages = self.state.inline_text(caption, self.lineno)
            figure += nodes.caption(caption, "", *inline)
            figure += messages
        if show_summary:
            legend = nodes.legend(classes=["dagnote-summary"])
            for line in summary:
                legend += nodes.paragraph(line, line)
            figure += legend
        self.add_name(figure)
        return figure
