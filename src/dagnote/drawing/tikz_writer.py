"""Draw a laid-out :class:`~dagnote.drawing.figure.Figure` as a TikZ picture for LaTeX.

The same figure the SVG writer draws, with the same geometry (:mod:`.outlines`), as one
``tikzpicture`` that pdflatex, xelatex and lualatex compile with ``\\usepackage{tikz}``.
Labels are set in the document's own font and current size: the picture's unit is
chosen in TeX so that a label takes the width the layout measured for it (in Arial),
and lines, arrowheads and marks scale with it. Text is never given a font or size
command, only ``\\textbf``/``\\textit``/``\\textrm`` where the SVG is bold, italic or
serif (the document's own families), and scripts as ``\\textsubscript``/``\\textsuperscript``.

Every label goes through :func:`.latex_text.latex_text`, so the output is ASCII and no
label can open a group, start math or run a command. :func:`fit_tikz` wraps a picture in an
``adjustbox`` that fits it to the line and a share of the page, or to given sizes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from . import outlines
from .figure import Element, Figure, Frame, Path, Point, Shape, Text
from .latex_text import latex_text
from .metrics import text_width

#: The sequence cells' lavender, as in the SVG.
ACCENT = "{rgb,255:red,177;green,151;blue,214}"
#: 1 bp in pt: the figure is in PostScript points, TeX sizes in printer's points.
BP = 72.27 / 72
#: Default largest height: with a caption and the summary, a figure still fits a page.
MAX_HEIGHT = r"0.6\textheight"
#: Text whose width in the document's font, over its width in the layout's, sets the scale.
SAMPLE = "abcdefghijklmnopqrstuvwxyz"
n = outlines.fmt  # a coordinate with at most two decimals

def _at(p: Point) -> str:
    return f"({n(p[0])},{n(p[1])})"


def _width(w: float) -> str:
    """A line width in figure units (the picture's ``\\dagnoteu`` bp)."""
    return f"line width={n(w)}*\\dagnoteu bp"


def _dash(pattern: tuple[float, float]) -> str:
    """A dash pattern (dash and gap lengths) in figure units."""
    on, off = pattern
    return f"dash pattern=on {n(on)}*\\dagnoteu bp off {n(off)}*\\dagnoteu bp"


# --- text -------------------------------------------------------------------------------

def _label(text: Text) -> str:
    parts = []
    for run in text.runs:
        body = latex_text(run.text)
        if not body:
            continue
        if run.script == "sub":
            body = f"\\textsubscript{{{body}}}"
        elif run.script == "sup":
            body = f"\\textsuperscript{{{body}}}"
        parts.append(body)
    out = "".join(parts)
    if text.bold:
        out = f"\\textbf{{{out}}}"
    if text.italic:
        out = f"\\textit{{{out}}}"
    if text.serif:  # priors: the document's roman family, as the SVG's serif
        out = f"\\textrm{{{out}}}"
    return out


def _text(text: Text, base: float) -> str:
    """A node whose base line sits at the text's, at the left end or centred."""
    body = _label(text)
    if not body:
        return ""
    anchor = "base" if text.anchor == "middle" else "base west"
    opts = f"anchor={anchor},inner sep=0pt"
    if abs(text.size - base) > 1e-6:
        opts += f",scale={text.size / base:.3f}"
    return f"\\node[{opts}] at {_at((text.x, text.y))} {{{body}}};"


# --- shapes -----------------------------------------------------------------------------

def _polygon(points: list[Point]) -> str:
    return " -- ".join(_at(p) for p in points) + " -- cycle"


def _shape(shape: Shape) -> str:
    x, y, w, h = shape.x, shape.y, shape.w, shape.h
    box = f"{_at((x, y))} rectangle {_at((x + w, y + h))}"
    kind = shape.kind
    if kind in ("rect", "cell"):
        fill = ACCENT if kind == "cell" and shape.filled else "white"
        return f"\\filldraw[fill={fill}] {box};"
    if kind == "rounded":
        r = min(outlines.BOX_RADIUS, w / 2, h / 2)
        return f"\\filldraw[fill=white,rounded corners={n(r)}*\\dagnoteu bp] {box};"
    if kind == "frame":  # a group's frame: not filled (drawn behind edges and elements)
        r = min(outlines.FRAME_RADIUS, w / 2, h / 2)
        return f"\\draw[rounded corners={n(r)}*\\dagnoteu bp] {box};"
    if kind in ("circle", "ellipse"):
        rx, ry = (min(w, h) / 2,) * 2 if kind == "circle" else (w / 2, h / 2)
        dash = f",{_dash(outlines.NONDIFF_DASH)}" if shape.dashed else ""
        return (f"\\filldraw[fill=white{dash}] {_at((x + w / 2, y + h / 2))} "
                f"ellipse[x radius={n(rx)},y radius={n(ry)}];")
    if kind == "star":
        return f"\\fill {_polygon(outlines.star(shape))};"
    if kind == "sample":
        width = outlines.mark_stroke(shape)
        p = [_at(q) for q in outlines.sample(shape, width)]
        return (f"\\draw[{_width(width)}] {p[0]} .. controls {p[1]} and {p[2]} .. {p[3]}"
                f" .. controls {p[4]} and {p[5]} .. {p[6]};")
    if kind in ("min", "max"):
        width = outlines.triangle_stroke(shape)
        points = outlines.triangle(shape, width, kind == "min")
        return f"\\draw[{_width(width)},line join=miter] {_polygon(points)};"
    if kind == "problem":  # a check's warning: a dashed outline (show problems)
        return f"\\draw[{_width(1.2)},{_dash((4.0, 3.0))}] {box};"
    if kind == "badge":  # the circle of a problem's number
        return (f"\\filldraw[fill=white,{_width(1.2)}] {_at((x + w / 2, y + h / 2))} "
                f"circle[radius={n(min(w, h) / 2)}];")
    raise ValueError(f"unknown shape kind {kind!r}")  # pragma: no cover


def _url(url: str) -> str:
    """A URL for hyperref's ``\\href`` (never inside another command's argument here):
    characters outside the URL syntax, braces and backslashes percent-encoded; ``%`` and
    ``#`` escaped as hyperref reads them."""
    safe = re.sub(r"[^A-Za-z0-9._:/?#@!$&'()*+,;=%-]",
                  lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
    return safe.replace("%", "\\%").replace("#", "\\#")


def link_box(opener: str, closer: str, box: tuple[float, float, float, float]) -> str:
    """A node over the element's box whose (empty) content is wrapped in a link:
    ``opener`` + box + ``closer`` (``\\href{url}{`` and ``}``)."""
    x, y, w, h = box
    return (f"\\node[anchor=north west,inner sep=0pt] at {_at((x, y))} "
            f"{{{opener}\\phantom{{\\rule{{{n(w)}\\dimexpr\\dagnoteu bp\\relax}}"
            f"{{{n(h)}\\dimexpr\\dagnoteu bp\\relax}}}}{closer}}};")


#: A cross-reference (``py:class:pkg.Enc``) waits in a comment for its host, which alone
#: can resolve it (:func:`tikz_with_xrefs`): ``% dagnote-xref x,y,w,h target`` (target quoted).
_XREF = re.compile(r"^% dagnote-xref ([-0-9.]+),([-0-9.]+),([-0-9.]+),([-0-9.]+) (\S+)$",
                   re.M)


def _element(element: Element, base: float) -> list[str]:
    lines = [_shape(s) for s in element.shapes]
    lines += [t for t in (_text(t, base) for t in element.texts) if t]
    if element.link:  # a document without hyperref gets the figure without the link
        box = link_box(f"\\href{{{_url(element.link)}}}{{", "}", element.box)
        lines.append(f"\\ifdefined\\href{box}\\fi")
    elif element.xref:
        x, y, w, h = element.box
        target = quote(element.xref, safe=":/._-+~()")
        lines.append(f"% dagnote-xref {n(x)},{n(y)},{n(w)},{n(h)} {target}")
    return lines


def _frame(frame: Frame, base: float) -> list[str]:
    """A group's frame: its outline (rounded, or square for a module), star and texts."""
    title = re.sub(r"[^\x20-\x7e]", "?", frame.title)  # a comment: one line, ASCII
    lines = [f"% frame: {title}", *(_shape(s) for s in frame.shapes)]
    return lines + [t for t in (_text(t, base) for t in frame.texts) if t]


def tikz_with_xrefs(picture: str, link: Callable[[str], tuple[str, str] | None]) -> str:
    """The picture with each cross-reference resolved: ``link(target)`` gives the LaTeX
    around the linked box (``("\\hyperref[label]{", "}")``), or None (no link)."""

    def resolve(m: re.Match[str]) -> str:
        found = link(unquote(m.group(5)))
        if found is None:
            return ""
        box = (float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)))
        return link_box(found[0], found[1], box)

    return _XREF.sub(resolve, picture)


# --- edges ------------------------------------------------------------------------------

def _line(points: list[Point]) -> str:
    """Straight segments with each bend rounded by a quarter circle as one cubic."""
    k = 0.5523  # control-point distance of a cubic quarter circle, times the radius
    out = [_at(points[0])]
    here = points[0]
    for bend in outlines.bends(points):
        if n(bend.start[0]) != n(here[0]) or n(bend.start[1]) != n(here[1]):
            out.append(f" -- {_at(bend.start)}")
        (cx, cy), (sx, sy), (ex, ey) = bend.corner, bend.start, bend.end
        c1 = (sx + (cx - sx) * k, sy + (cy - sy) * k)
        c2 = (ex + (cx - ex) * k, ey + (cy - ey) * k)
        out.append(f" .. controls {_at(c1)} and {_at(c2)} .. {_at(bend.end)}")
        here = bend.end
    if n(points[-1][0]) != n(here[0]) or n(points[-1][1]) != n(here[1]):
        out.append(f" -- {_at(points[-1])}")
    return "".join(out)


def _path(path: Path, base: float) -> list[str]:
    outline = outlines.edge(path)
    if outline is None:
        return []
    lines = []
    if len(outline.line) >= 2:
        style = ""
        if path.dashed:  # straight-through links dotted, other links dashed
            style = f"[{_dash(outlines.DOTS if path.kind == 'straight' else outlines.DASH)}]"
        lines.append(f"\\draw{style} {_line(outline.line)};")
    if outline.head is not None:
        if path.arrow == "filled":
            lines.append(f"\\fill {_polygon(outline.head)};")
        else:
            lines.append(f"\\filldraw[fill=white] {_polygon(outline.head)};")
    if outline.bar is not None:
        a, b = outline.bar
        lines.append(f"\\draw[{_width(outlines.STOPBAR_WIDTH)}] {_at(a)} -- {_at(b)};")
    if path.mark is not None:  # a sample: the line broken under the sampling mark
        m = path.mark
        lines.append(f"\\fill[white] {_at((m.x, m.y))} rectangle {_at((m.x + m.w, m.y + m.h))};")
        lines.append(_shape(m))
    if path.label is not None:
        lines.append(_text(path.label, base))
    return [line for line in lines if line]


# --- document ---------------------------------------------------------------------------

def write_tikz(figure: Figure, font_size: float, title: str = "") -> bytes:
    """The figure as one ``tikzpicture`` in a group (ASCII; see the module docstring).

    ``\\dagnoteu`` (local to the group) is the size of one figure unit: the width of
    :data:`SAMPLE` in the current font over its width in the font the layout measured
    (Arial at ``font_size``), so labels take the room the layout gave them, at the
    text's size; ``title`` becomes a comment.
    """
    sample = text_width(SAMPLE, font_size)
    comment = re.sub(r"[^\x20-\x7e]", "?", title)  # a comment: one line, ASCII
    lines = [
        f"% dagnote figure: {comment}" if comment else "% dagnote figure",
        "% preamble: \\usepackage{tikz}, \\usepackage{amssymb} (some symbols),",
        "% \\usepackage{adjustbox} (for the box that sizes it)",
        "\\begingroup%",
        f"\\setbox0=\\hbox{{{SAMPLE}}}%",
        f"\\pgfmathsetmacro\\dagnoteu{{\\the\\wd0/{sample * BP:.4f}}}%",
        "\\begin{tikzpicture}[x=\\dagnoteu bp,y=-\\dagnoteu bp,line width=\\dagnoteu bp,"
        "line cap=butt,line join=round,baseline=(current bounding box.south)]",
        # the figure's own extent, so its margins are kept as in the SVG
        f"\\useasboundingbox (0,0) rectangle {_at((figure.width, figure.height))};",
    ]
    # frames behind everything, outer ones first; then edges: a node's white fill hides
    # any end that overshoots its outline
    for frame in figure.frames:
        lines += _frame(frame, font_size)
    for path in figure.paths:
        lines += _path(path, font_size)
    for element in figure.elements:
        lines += _element(element, font_size)
    for caption in figure.captions:
        text = _text(caption, font_size)
        if text:
            lines.append(text)
    lines += ["\\end{tikzpicture}%", "\\endgroup%"]
    return ("\n".join(lines) + "\n").encode("ascii")


@dataclass(frozen=True)
class Size:
    """How large a picture is set: LaTeX lengths (``width``, ``height``) and a
    ``scale`` factor of its natural size (labels at the text's size)."""

    width: str | None = None
    height: str | None = None
    scale: float | None = None

    def keys(self) -> str:
        """The ``adjustbox`` keys: fit inside the given width and height (keeping the
        aspect ratio); by default, or after ``scale``, no wider than the line and no
        taller than :data:`MAX_HEIGHT`."""
        keys = []
        if self.scale is not None:
            keys.append(f"scale={self.scale:g}")
        if self.width:
            keys.append(f"width={self.width}")
        if self.height:
            keys.append(f"{'max totalheight' if self.width else 'totalheight'}={self.height}")
        if not (self.width or self.height):
            keys += [r"max width=\linewidth", f"max totalheight={MAX_HEIGHT}"]
        return ",".join(keys)


def fit_tikz(picture: str, width: str | None = None, height: str | None = None,
             scale: float | None = None) -> str:
    """The picture in an ``adjustbox`` environment that sets its size (``\\usepackage
    {adjustbox}``): ``width``/``height`` are LaTeX lengths, ``scale`` a factor (see
    :meth:`Size.keys`)."""
    keys = Size(width, height, scale).keys()
    return f"\\begin{{adjustbox}}{{{keys}}}\n{picture.rstrip()}\n\\end{{adjustbox}}\n"
