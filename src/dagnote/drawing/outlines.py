"""The geometry of the notation's marks and of edges, shared by the SVG and TikZ writers.

Each function turns a shape or a path of a :class:`~dagnote.drawing.figure.Figure` into
points (figure coordinates: points, y downwards), so both writers draw exactly the same
star, sampling mark, triangles, arrowheads, bends and stop-gradient bars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .figure import Path, Point, Shape

#: Corner radius of rounded boxes (priors) and the largest radius of an edge's bends.
BOX_RADIUS = 8.0
#: Corner radius of a group's frame (a module drawn with its inside has square corners).
FRAME_RADIUS = 10.0
BEND_RADIUS = 4.0
#: Filled arrowhead, measured on the reference figures (drawn at 2x: 17 px long and
#: wide, notched 3 px): length along the line, half its width, depth of the notch.
ARROW_LENGTH = 8.0
ARROW_HALF_WIDTH = 3.5
ARROW_NOTCH = 1.5
#: Open arrowhead (weight copies): a plain triangle outline, white inside.
OPEN_LENGTH = 8.0
OPEN_HALF_WIDTH = 3.5
#: Dashed links: dash and gap lengths.
DASH = (5.0, 3.0)
#: Straight-through links (a gradient, not data): dotted.
DOTS = (1.5, 2.5)
#: The outline of a non-differentiable operator.
NONDIFF_DASH = (3.0, 2.0)
STOPBAR_LENGTH = 10.0
STOPBAR_WIDTH = 2.0
#: The trainable mark: a bold five-armed asterisk like the reference's (Arial Bold '*'):
#: arm thickness relative to the arm length from the centre.
STAR_ARMS = 5
STAR_THICKNESS = 0.55
#: Scripts: size factor and base-line shift (times the text's size).
SCRIPT_SIZE = 0.7
SUB_SHIFT = 0.25
SUP_SHIFT = -0.4


def fmt(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: 12, 12.5, 12.25."""
    s = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# --- marks ------------------------------------------------------------------------------

def _star_outline() -> list[Point]:
    """The asterisk as one polygon around the origin, arm length 1, first arm upwards."""
    half = STAR_THICKNESS / 2
    step = 2 * math.pi / STAR_ARMS
    inner = half / math.sin(step / 2)  # where the edges of neighbouring arms meet
    points: list[Point] = []
    for i in range(STAR_ARMS):
        a = i * step
        dx, dy = math.sin(a), -math.cos(a)  # arm direction (y grows downwards)
        nx, ny = math.cos(a), math.sin(a)   # its right-hand normal
        points.append((dx - half * nx, dy - half * ny))
        points.append((dx + half * nx, dy + half * ny))
        b = a + step / 2
        points.append((inner * math.sin(b), -inner * math.cos(b)))
    return points


_STAR = _star_outline()


def star(shape: Shape) -> list[Point]:
    """The star's outline scaled (evenly) to fill its box and centred in it."""
    xs = [p[0] for p in _STAR]
    ys = [p[1] for p in _STAR]
    w0, h0 = max(xs) - min(xs), max(ys) - min(ys)
    k = min(shape.w / w0, shape.h / h0)
    ox = shape.x + (shape.w - k * w0) / 2 - k * min(xs)
    oy = shape.y + (shape.h - k * h0) / 2 - k * min(ys)
    return [(ox + k * x, oy + k * y) for x, y in _STAR]


def mark_stroke(shape: Shape) -> float:
    """Line width of the sampling mark."""
    along = shape.h if shape.vertical else shape.w
    return min(2.4, max(1.4, 0.09 * along))


def triangle_stroke(shape: Shape) -> float:
    """Line width of the objective triangles."""
    return min(3.0, max(1.3, 0.11 * shape.w))


def sample(shape: Shape, width: float) -> list[Point]:
    """One period of a sine: '≀' top to bottom (first bulge right), or '~' left to right
    (first bulge up), spanning the box's length: start, then two cubics (two control
    points and an end each), the control points 4/3 of the bulge out, so each half peaks
    at exactly the bulge."""
    if shape.vertical:
        length, across = shape.h, shape.w
    else:
        length, across = shape.w, shape.h
    bulge = max(0.0, min(0.08 * length, (across - width) / 2))
    c = 4 * bulge / 3
    pts = [(0.0, 0.0), (c, length / 6), (c, length / 3), (0.0, length / 2),
           (-c, 2 * length / 3), (-c, 5 * length / 6), (0.0, length)]
    if shape.vertical:
        cx = shape.x + shape.w / 2
        return [(cx + a, shape.y + t) for a, t in pts]
    cy = shape.y + shape.h / 2
    return [(shape.x + t, cy - a) for a, t in pts]


def triangle(shape: Shape, width: float, down: bool) -> list[Point]:
    """'▽' or '△' whose outer (mitred) outline is the box's triangle: the stroke's centre
    line is that triangle shrunk about its incentre by half the stroke width."""
    x, y, w, h = shape.x, shape.y, shape.w, shape.h
    if down:
        v = [(x, y), (x + w, y), (x + w / 2, y + h)]
    else:
        v = [(x + w / 2, y), (x + w, y + h), (x, y + h)]
    sides = [math.dist(v[1], v[2]), math.dist(v[2], v[0]), math.dist(v[0], v[1])]
    per = sum(sides)
    ix = sum(s * p[0] for s, p in zip(sides, v, strict=True)) / per
    iy = sum(s * p[1] for s, p in zip(sides, v, strict=True)) / per
    area = abs((v[1][0] - v[0][0]) * (v[2][1] - v[0][1])
               - (v[2][0] - v[0][0]) * (v[1][1] - v[0][1])) / 2
    r = 2 * area / per
    k = max(0.0, (r - width / 2) / r) if r > 0 else 0.0
    return [(ix + (px - ix) * k, iy + (py - iy) * k) for px, py in v]


# --- edges ------------------------------------------------------------------------------

def simplify(points: Sequence[Point]) -> list[Point]:
    """Drop repeated points and the middle of three collinear ones."""
    out: list[Point] = []
    for p in points:
        p = (float(p[0]), float(p[1]))
        if out and math.isclose(p[0], out[-1][0], abs_tol=1e-6) \
                and math.isclose(p[1], out[-1][1], abs_tol=1e-6):
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            cross = (b[0] - a[0]) * (p[1] - b[1]) - (b[1] - a[1]) * (p[0] - b[0])
            dot = (b[0] - a[0]) * (p[0] - b[0]) + (b[1] - a[1]) * (p[1] - b[1])
            if abs(cross) < 1e-6 and dot > 0:
                out[-1] = p
                continue
        out.append(p)
    return out


def unit(a: Point, b: Point) -> tuple[float, float, float]:
    """The direction from a to b and its length."""
    length = math.dist(a, b)
    return (b[0] - a[0]) / length, (b[1] - a[1]) / length, length


@dataclass(frozen=True)
class Bend:
    """A rounded corner: the line arrives at ``start``, turns around ``corner`` with
    ``radius`` (clockwise on screen when ``clockwise``) and leaves at ``end``."""

    start: Point
    corner: Point
    end: Point
    radius: float
    clockwise: bool


def bends(points: Sequence[Point]) -> list[Bend]:
    """Each inner point's bend, with radius min(BEND_RADIUS, half the shorter of its two
    segments)."""
    out = []
    for i in range(1, len(points) - 1):
        a, p, b = points[i - 1], points[i], points[i + 1]
        ux, uy, la = unit(a, p)
        vx, vy, lb = unit(p, b)
        r = min(BEND_RADIUS, la / 2, lb / 2)
        out.append(Bend((p[0] - ux * r, p[1] - uy * r), p, (p[0] + vx * r, p[1] + vy * r),
                        r, ux * vy - uy * vx > 0))
    return out


def arrowhead(tip: Point, ux: float, uy: float, filled: bool) -> list[Point]:
    """The head pointing along (ux, uy) with its tip on ``tip``: tip, left, [notch,] right."""
    nx, ny = -uy, ux
    if filled:
        length, half, notch = ARROW_LENGTH, ARROW_HALF_WIDTH, ARROW_NOTCH
    else:
        length, half, notch = OPEN_LENGTH, OPEN_HALF_WIDTH, 0.0
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    left = (bx + nx * half, by + ny * half)
    right = (bx - nx * half, by - ny * half)
    back = (bx + ux * notch, by + uy * notch)
    if filled:
        return [tip, left, back, right]
    return [tip, left, right]


def _on_segment(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment ab."""
    ux, uy, length = unit(a, b)
    t = max(0.0, min(length, (p[0] - a[0]) * ux + (p[1] - a[1]) * uy))
    return math.dist(p, (a[0] + ux * t, a[1] + uy * t))


@dataclass(frozen=True)
class EdgeOutline:
    """What a writer draws for one edge: the line (shortened into its arrowhead), the
    head's polygon, and the stop-gradient bar's two ends."""

    line: list[Point]
    head: list[Point] | None
    bar: tuple[Point, Point] | None


def edge(path: Path) -> EdgeOutline | None:
    """The outline of ``path``; None when it has fewer than two distinct points."""
    points = simplify(path.points)
    if len(points) < 2:
        return None
    head = None
    line = list(points)
    if path.arrow != "none":
        tip = points[-1]
        ux, uy, last = unit(points[-2], tip)
        head = arrowhead(tip, ux, uy, path.arrow == "filled")
        # the line stops inside the head (just past a filled head's notch, at an open
        # head's base) so it never pokes through the tip or shows inside an open head
        if path.arrow == "filled":
            cut = ARROW_LENGTH - ARROW_NOTCH - 0.5
        else:
            cut = OPEN_LENGTH
        cut = min(cut, last)
        line[-1] = (tip[0] - ux * cut, tip[1] - uy * cut)
        line = simplify(line)
    bar = None
    if path.bar_at is not None:
        p = path.bar_at
        a, b = min(zip(points, points[1:], strict=False),
                   key=lambda s: _on_segment(p, s[0], s[1]))
        ux, uy, _ = unit(a, b)
        h = STOPBAR_LENGTH / 2
        bar = ((p[0] + uy * h, p[1] - ux * h), (p[0] - uy * h, p[1] + ux * h))
    return EdgeOutline(line, head, bar)
