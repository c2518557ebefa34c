"""Links in a rendered SVG, as a host puts it into a page.

The cached SVG carries URL links as written and cross-references unresolved
(``<a data-xref="py:class:pkg.Enc">``): what a cross-reference points at, and where a
relative URL leads, depend on the page and the host, not on the drawing. A host lists the
targets (:func:`xref_targets`), resolves them its own way and calls :func:`with_links`;
a target it could not resolve leaves the element drawn without a link.

Only a figure that has links is parsed (with the standard library's ElementTree).
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

from ..language.links import safe_url

_XREF = re.compile(r'\sdata-xref="([^"]*)"')
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
# ElementTree reads prefixed names as {uri}name; the figure is written back with the
# prefixes the SVG writer uses (see _as_written)
_PREFIXES = {f"{{{_XLINK_NS}}}": "xlink:", "{http://www.w3.org/XML/1998/namespace}": "xml:",
             f"{{{_SVG_NS}}}": ""}


def has_links(svg: str) -> bool:
    """Whether the figure has a linked element (resolved or not)."""
    return 'class="dn-link"' in svg


def xref_targets(svg: str) -> list[str]:
    """The cross-reference targets (``domain:role:target``) of a figure, each once."""
    return list(dict.fromkeys(html.unescape(m) for m in _XREF.findall(svg)))


def with_links(svg: str, hrefs: Mapping[str, str | None] | None = None,
               rebase: Callable[[str], str] | None = None, top: bool = False) -> str:
    """The SVG with each cross-reference replaced by its URL in ``hrefs`` (an element whose
    target is missing, or resolved to an unsafe URL, loses its link), every URL passed
    through ``rebase`` (for an SVG shown from another directory than its page), and
    ``target="_top"`` with ``top`` (a link in an ``<object>`` opens in the page, not in
    the object's frame)."""
    if not has_links(svg):
        return svg
    root = etree.fromstring(svg.encode("utf-8"))  # the writer's own output: no DTD
    parents = {child: parent for parent in root.iter() for child in parent}
    for a in list(root.iter(f"{{{_SVG_NS}}}a")):
        xref = a.attrib.pop("data-xref", None)
        url = a.get("href") if xref is None else (hrefs or {}).get(xref)
        if url is not None and rebase is not None and safe_url(url):
            url = rebase(url)
        if url is None or not safe_url(url):
            _unwrap(a, parents[a])
            continue
        a.set("href", url)
        a.set(f"{{{_XLINK_NS}}}href", url)
        if top:
            a.set("target", "_top")
    _as_written(root)
    return etree.tostring(root, encoding="us-ascii", xml_declaration=False).decode("ascii") + "\n"


def rebase(url: str, page: str, image_dir: str) -> str:
    """A URL written for ``page`` as seen from a file in ``image_dir`` (both relative to
    the output directory): an SVG shown by ``<object>`` resolves its links against its
    own address."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return url
    full = urlsplit(urljoin(f"http://site/{page}", url))
    path = posixpath.relpath(full.path, f"/{image_dir}")
    if full.path.endswith("/") and not path.endswith("/"):
        path += "/"
    return urlunsplit(("", "", path, full.query, full.fragment))


def _unwrap(a: etree.Element, parent: etree.Element) -> None:
    """Put the anchor's element group in its place (the anchor's own title goes)."""
    index = list(parent).index(a)
    groups = [child for child in a if child.tag != f"{{{_SVG_NS}}}title"]
    for offset, child in enumerate(groups):
        parent.insert(index + offset, child)
    tail = a.tail
    parent.remove(a)
    if groups:
        groups[-1].tail = tail


def _as_written(root: etree.Element) -> None:
    """Give the parsed tree back the writer's names and namespace declarations."""
    for el in root.iter():
        el.tag = _unprefixed(el.tag)
        el.attrib = {_unprefixed(name): value for name, value in el.attrib.items()}
    root.attrib = {"xmlns": _SVG_NS, "xmlns:xlink": _XLINK_NS, **root.attrib}


def _unprefixed(name: str) -> str:
    for uri, prefix in _PREFIXES.items():
        if name.startswith(uri):
            return prefix + name[len(uri):]
    return name
