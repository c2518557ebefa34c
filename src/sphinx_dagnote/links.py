"""Links of a figure in Sphinx: cross-references resolved as a role resolves them.

At read time each cross-reference target of a diagram (``link [enc]: py:class:pkg.Enc``)
becomes a ``pending_xref`` child of the diagram's node, as ``:py:class:`pkg.Enc``` would.
Sphinx resolves them with the rest of the page when it is written (its domains, and
intersphinx through ``missing-reference``), so the URL is right for the builder and the
page (html, dirhtml, singlehtml). The HTML visitor reads each resolved URL back and puts
it into the SVG; a target nobody resolved is a located warning, and the element is drawn
without a link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

import dagnote as core
from dagnote.language.links import split_xref
from sphinx import addnodes

from .nodes import dagnote

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.util.docutils import SphinxDirective

    from .locate import Locator

logger = logging.getLogger(__name__)
# roles whose targets Sphinx lower-cases (their XRefRole has lowercase=True)
_LOWERCASE = {("std", "ref"), ("std", "term"), ("std", "keyword"), ("std", "numref")}


def pending_xrefs(directive: SphinxDirective, node: dagnote,
                  xrefs: dict[str, tuple[int, int]], locate: Locator) -> None:
    """Add one ``pending_xref`` per cross-reference target to ``node`` (in order; the
    node's ``xrefs`` and ``xref_locations`` name them for the writer)."""
    env = directive.env
    node["xrefs"], node["xref_locations"] = [], []
    for xref, (line, column) in xrefs.items():
        path, at, _ = locate(line, column)
        location = f"{path}:{at}"
        domain, role, target = split_xref(xref)
        if not domain:  # :role:`x`: the default domain's role, else the standard domain's
            primary = env.config.primary_domain or "py"
            domain = primary if role in _roles(env, primary) else "std"
        if role not in _roles(env, domain):
            logger.warning("unknown cross-reference role '%s:%s' in a link: the element "
                           "is drawn without a link", domain, role, type="dagnote",
                           subtype="link", location=location)
            continue
        if (domain, role) in _LOWERCASE:
            target = target.lower()
        content = nodes.inline(target, target, classes=["dagnote-link"])
        ref = addnodes.pending_xref(target, content, refdomain=domain, reftype=role,
                                    reftarget=target, refexplicit=False, refwarn=False,
                                    refdoc=env.docname)
        ref.source, ref.line = path, at
        node += ref
        node["xrefs"].append(xref)
        node["xref_locations"].append(location)


def _roles(env: object, domain: str) -> dict[str, object]:
    try:
        return env.get_domain(domain).roles  # type: ignore[attr-defined,no-any-return]
    except Exception:  # noqa: BLE001 - an unknown domain (sphinx.errors.ExtensionError)
        return {}


def resolved(node: dagnote) -> dict[str, str | None]:
    """Each cross-reference target of the node and the URL Sphinx resolved it to (a
    pending_xref becomes a reference, or its content when unresolved); warns for each
    target left unresolved."""
    hrefs: dict[str, str | None] = {}
    children = [c for c in node.children if isinstance(c, (nodes.reference, nodes.inline))]
    for xref, location, child in zip(node.get("xrefs", []), node.get("xref_locations", []),
                                     children, strict=False):
        url = None
        if isinstance(child, nodes.reference):
            url = child.get("refuri") or (f"#{child['refid']}" if child.get("refid") else None)
        if url is None:
            logger.warning("link target '%s' not found: the element is drawn without a "
                           "link", xref.lstrip(":"), type="dagnote", subtype="link",
                           location=location)
        hrefs[xref] = url
    return hrefs


def page_uri(builder: StandaloneHTMLBuilder) -> str:
    """The written page's path in the output directory as a URL (for dirhtml, its
    directory with a slash)."""
    docname = builder.current_docname
    uri = builder.get_target_uri(docname).split("#")[0]
    if not uri and builder.name == "singlehtml":
        return f"{docname}{builder.out_suffix}"
    return uri


def for_html(builder: StandaloneHTMLBuilder, node: dagnote, svg: str,
             embedded: bool = False) -> str:
    """The SVG with its links for this page; ``embedded``: shown by ``<object>`` from the
    image directory (links rebased there and opened in the page, not the object)."""
    if not core.has_links(svg):
        return svg
    hrefs = resolved(node)
    if not embedded:
        return core.with_links(svg, hrefs)
    page = page_uri(builder)
    return core.with_links(svg, hrefs, lambda url: core.rebase(url, page, builder.imagedir),
                           top=True)
