"""Whether an SVG is one dagnote's writer could have made, before it goes into a page.

The cache is a file anyone with write access to the build directory can change: a row
with a matching key would otherwise put whatever it holds (a script, an event handler, a
link, CSS that loads a URL) into every page that shows the diagram. An image read from
the cache is embedded only if it passes this check; one that fails is drawn again.

The check is the writer's own vocabulary: its elements, its attributes, its colours and
fonts, numbers where it writes numbers, and exactly the style sheet it writes for the
diagram's id. Text content is free: it is character data, which cannot become markup.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from ..language.links import safe_url
from .svg_writer import FONT, SERIF
from .theme import ROOT_STYLE, SVG_NS, XLINK_NS, style_sheet

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
ELEMENTS = frozenset({"svg", "title", "desc", "style", "g", "rect", "circle", "ellipse",
                      "line", "path", "polygon", "text", "tspan", "a"})
_HREF = f"{{{XLINK_NS}}}href"
_XREF = re.compile(r"[A-Za-z0-9_-]*:[A-Za-z0-9_-]+:[^\x00-\x1f]+")
_NUMBERS = re.compile(r"[-+0-9.eE ,]*")
_PATH = re.compile(r"[-+0-9.eE ,MLAQCZmlaqcz]*")
_ID = re.compile(r"dagnote-[0-9a-f]{1,64}(?:-[0-9a-z-]{1,40})?")
_CLASSES = re.compile(r"[a-z][a-z0-9 -]*")
# attribute -> the values the writer uses (a set) or the pattern they match
ATTRIBUTES: dict[str, frozenset[str] | re.Pattern[str]] = {
    "class": _CLASSES, "role": frozenset({"img", "group"}), "style": frozenset({ROOT_STYLE}),
    "fill": frozenset({"black", "white", "none", "#b197d6"}),
    "stroke": frozenset({"black", "none"}),
    "font-family": frozenset({FONT, SERIF}),
    "font-style": frozenset({"italic"}), "font-weight": frozenset({"bold"}),
    "text-anchor": frozenset({"middle", "start", "end"}),
    "d": _PATH, "points": _NUMBERS, "viewBox": _NUMBERS, "stroke-dasharray": _NUMBERS,
    "width": re.compile(r"[0-9.]+(pt)?"), "height": re.compile(r"[0-9.]+(pt)?"),
    **{name: _NUMBERS for name in ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx",
                                   "ry", "dy", "font-size", "stroke-width")},
    _XML_SPACE: frozenset({"preserve"}),
}
# free text, inert in an attribute (element keys, readable box geometry)
INERT = frozenset({"data-key", "data-tail", "data-head", "data-box", "data-members"})


def trusted(svg: bytes) -> bool:
    """Whether ``svg`` holds only what the writer writes (see the module docstring)."""
    # no DOCTYPE (so no entity can be declared, let alone expanded), CDATA, comment or
    # processing instruction: what is left is elements, attributes and character data
    if b"<!" in svg or b"<?" in svg:
        return False
    try:
        root = etree.fromstring(svg)
    except etree.ParseError:
        return False
    root_id = root.get("id", "")
    if root.tag != f"{{{SVG_NS}}}svg" or not _ID.fullmatch(root_id):
        return False
    styles = 0
    links = any(el.tag == f"{{{SVG_NS}}}a" for el in root.iter())
    for el in root.iter():
        if not el.tag.startswith(f"{{{SVG_NS}}}"):
            return False
        tag = el.tag[len(SVG_NS) + 2:]
        if tag not in ELEMENTS:
            return False
        if tag == "style":
            styles += 1
            if el.text != style_sheet(root_id, links) or len(el):
                return False
        if tag == "a" and not _safe_link(el):
            return False
        for name, value in el.attrib.items():
            if not _allowed(el, name, value, root_id, el is root):
                return False
    return styles == 1


def _safe_link(el: etree.Element) -> bool:
    """An anchor as the writer makes it: a safe URL in ``href`` and ``xlink:href`` alike,
    or a cross-reference target waiting for its host, and nothing else."""
    href, xref = el.get("href"), el.get("data-xref")
    if set(el.attrib) - {"class", "href", _HREF, "data-xref"} or el.get("class") != "dn-link":
        return False
    if href is not None:
        return xref is None and el.get(_HREF) == href and safe_url(href)
    return el.get(_HREF) is None and xref is not None and bool(_XREF.fullmatch(xref))


def _allowed(el: etree.Element, name: str, value: str, root_id: str, is_root: bool) -> bool:
    if name in INERT:
        return True
    if name in (_HREF, "href", "data-xref"):  # on anchors only, checked by _safe_link
        return el.tag == f"{{{SVG_NS}}}a"
    if name == "id":
        return value.startswith(root_id) and bool(_ID.fullmatch(value.replace("-title", "")
                                                                 .replace("-desc", "")))
    if name == "aria-labelledby":
        return value == f"{root_id}-title {root_id}-desc"
    if name == "style" and not is_root:
        return False
    allowed = ATTRIBUTES.get(name)
    if allowed is None:
        return False
    if isinstance(allowed, frozenset):
        return value in allowed
    return bool(allowed.fullmatch(value))
