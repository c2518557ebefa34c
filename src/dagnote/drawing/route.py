"""Orthogonal routes around boxes, for the links ELK does not route (weight copies,
shared weights): they must never cross an element, or they read as one more taking part.

The search runs on a sparse grid: the lines just outside every box (half a gap away) and
the lines through the two ends. Between neighbouring grid lines nothing changes, so a grid
segment is blocked exactly when it runs inside a box. The cheapest route (length plus a
penalty per bend) out of a side of one box into a side of the other wins.
"""

from __future__ import annotations

import bisect
import heapq
import itertools

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x, y, w, h
Side = str  # "left", "right", "top", "bottom"

BEND_COST = 40.0  # a bend costs as much as this many points of length
STEP = {"left": (-1, 0), "right": (1, 0), "top": (0, -1), "bottom": (0, 1)}


def _middle(box: Box, side: Side) -> Point:
    x, y, w, h = box
    return {"left": (x, y + h / 2), "right": (x + w, y + h / 2),
            "top": (x + w / 2, y), "bottom": (x + w / 2, y + h)}[side]


def _port(box: Box, side: Side, busy: frozenset[Point] = frozenset(),
          toward: Point | None = None) -> Point:
    """The middle of the side or, where another link already leaves or enters there, a
    quarter of the side off it, on the side of ``toward`` (the other end): two links out
    of one point would read as one."""
    x, y, w, h = box
    middle = _middle(box, side)
    if middle not in busy:
        return middle
    if side in ("left", "right"):
        after = toward is not None and toward[1] > middle[1]
        return (middle[0], y + h * (3 / 4 if after else 1 / 4))
    after = toward is not None and toward[0] > middle[0]
    return (x + w * (3 / 4 if after else 1 / 4), middle[1])


def _stub(box: Box, side: Side, gap: float, busy: frozenset[Point] = frozenset(),
          toward: Point | None = None) -> Point:
    """The point a gap out of the side's port, where a route turns: the last straight
    run is long enough for an arrowhead. Out of a shifted port it runs further, so its
    turn does not meet the other link's."""
    px, py = _port(box, side, busy, toward)
    reach = gap if (px, py) == _middle(box, side) else gap * 1.6
    dx, dy = STEP[side]
    return (px + dx * reach, py + dy * reach)


def _centre(box: Box) -> Point:
    x, y, w, h = box
    return (x + w / 2, y + h / 2)


class Grid:
    """Grid lines around ``boxes``; which grid segments run inside one."""

    def __init__(self, boxes: list[Box], extra: list[Point], gap: float) -> None:
        half = gap / 2
        xs = {p[0] for p in extra}
        ys = {p[1] for p in extra}
        for x, y, w, h in boxes:
            xs.update((x - half, x + w + half))
            ys.update((y - half, y + h + half))
        left, right = min(xs) - gap, max(xs) + gap
        top, bottom = min(ys) - gap, max(ys) + gap
        self.xs = sorted(xs | {left, right})
        self.ys = sorted(ys | {top, bottom})
        self.blocked_h: set[tuple[int, int]] = set()  # (i, j): x_i..x_i+1 on line y_j
        self.blocked_v: set[tuple[int, int]] = set()  # (i, j): y_j..y_j+1 on line x_i
        for x, y, w, h in boxes:
            i0, i1 = self._inside(self.xs, x, x + w)
            j0, j1 = self._inside(self.ys, y, y + h)
            # horizontal segments on a line strictly inside the box, across its width
            for j in range(j0, j1):
                for i in range(max(i0 - 1, 0), i1):
                    self.blocked_h.add((i, j))
            for i in range(i0, i1):
                for j in range(max(j0 - 1, 0), j1):
                    self.blocked_v.add((i, j))

    @staticmethod
    def _inside(lines: list[float], lo: float, hi: float) -> tuple[int, int]:
        """Indices [start, stop) of the lines strictly between lo and hi."""
        return bisect.bisect_right(lines, lo), bisect.bisect_left(lines, hi)

    def index(self, p: Point) -> tuple[int, int]:
        return self.xs.index(p[0]), self.ys.index(p[1])

    def neighbours(self, i: int, j: int) -> list[tuple[int, int, str]]:
        out = []
        if i + 1 < len(self.xs) and (i, j) not in self.blocked_h:
            out.append((i + 1, j, "right"))
        if i > 0 and (i - 1, j) not in self.blocked_h:
            out.append((i - 1, j, "left"))
        if j + 1 < len(self.ys) and (i, j) not in self.blocked_v:
            out.append((i, j + 1, "bottom"))
        if j > 0 and (i, j - 1) not in self.blocked_v:
            out.append((i, j - 1, "top"))
        return out


def _search(grid: Grid, start: Point, start_dir: str, goal: Point,
            goal_dir: str) -> tuple[float, list[Point]] | None:
    """Cheapest grid path from start (leaving towards start_dir) to goal (arriving
    towards goal_dir), by Dijkstra over (point, heading)."""
    s, g = grid.index(start), grid.index(goal)
    counter = itertools.count()
    queue: list[tuple[float, int, tuple[int, int], str]] = [(0.0, next(counter), s, start_dir)]
    best: dict[tuple[tuple[int, int], str], float] = {(s, start_dir): 0.0}
    came: dict[tuple[tuple[int, int], str], tuple[tuple[int, int], str] | None] = {
        (s, start_dir): None}
    while queue:
        cost, _, (i, j), heading = heapq.heappop(queue)
        if (i, j) == g:
            total = cost + (BEND_COST if heading != goal_dir else 0.0)
            path = [(grid.xs[i], grid.ys[j])]
            state: tuple[tuple[int, int], str] | None = came[((i, j), heading)]
            while state is not None:
                (pi, pj), _ = state
                path.append((grid.xs[pi], grid.ys[pj]))
                state = came[state]
            return total, path[::-1]
        if cost > best.get(((i, j), heading), float("inf")):
            continue
        for ni, nj, step in grid.neighbours(i, j):
            length = abs(grid.xs[ni] - grid.xs[i]) + abs(grid.ys[nj] - grid.ys[j])
            new = cost + length + (BEND_COST if step != heading else 0.0)
            key = ((ni, nj), step)
            if new < best.get(key, float("inf")):
                best[key] = new
                came[key] = ((i, j), heading)
                heapq.heappush(queue, (new, next(counter), (ni, nj), step))
    return None


OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}


def route(a: Box, b: Box, others: list[Box], gap: float,
          sides: tuple[Side, ...] = ("left", "right"),
          busy: frozenset[Point] = frozenset()) -> list[Point]:
    """An orthogonal route from a side of box ``a`` to a side of box ``b`` that runs
    inside no box of ``others`` nor through ``a`` or ``b``; its last segment is
    perpendicular to the side it ends on. ``busy``: ports earlier links use."""
    best: tuple[float, list[Point]] | None = None
    ends = [(sa, sb) for sa in sides for sb in sides]
    ca, cb = _centre(a), _centre(b)
    extra = ([_stub(a, s, gap, busy, cb) for s in sides]
             + [_stub(b, s, gap, busy, ca) for s in sides])
    grid = Grid(others + [a, b], extra, gap)
    for side_a, side_b in ends:
        found = _search(grid, _stub(a, side_a, gap, busy, cb), side_a,
                        _stub(b, side_b, gap, busy, ca), OPPOSITE[side_b])
        if found is None:
            continue
        cost = found[0] + gap  # the two stubs
        if best is None or cost < best[0]:
            best = (cost, [_port(a, side_a, busy, cb), *found[1],
                           _port(b, side_b, busy, ca)])
    if best is None:  # boxed in on every side: a straight line is the honest answer
        return [_port(a, sides[-1], busy, cb), _port(b, sides[0], busy, ca)]
    return simplify(best[1])


def simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (a[0] == b[0] == p[0]) or (a[1] == b[1] == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out
