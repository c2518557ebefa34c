"""Fence attributes: what an author may write after ```` ```dagnote ````.

One parser for both hosts, so ``caption="…"`` means the same with and without
SuperFences, and anything unsafe (ids, classes, widths) is refused before it reaches HTML.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from dagnote.build.options import DIRECTIONS
from dagnote.documents.widths import scale_problem, width_problem

KNOWN_KEYS = ("caption", "alt", "id", "class", "width", "height", "scale", "summary", "file",
              "render", "show_source", "show-problems", "direction")

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]*$")
_CLASS_RE = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
_WIDTH_RE = re.compile(r"^\d+(?:\.\d+)?(?:px|em|rem|%|ch|vw|pt|cm|mm|in)?$")
_TRUE = {"", "true", "yes", "on", "1", "summary", "show_source", "show-problems"}
_FALSE = {"false", "no", "off", "0"}


class FenceError(ValueError):
    """An attribute the author wrote cannot be used; the message says which and why."""


@dataclass(frozen=True)
class FenceOptions:
    """Validated attributes of one dagnote fence (all text still unescaped)."""

    caption: str | None = None
    alt: str | None = None
    id: str | None = None
    classes: tuple[str, ...] = ()
    width: str | None = None
    height: str | None = None
    scale: float | None = None  # percent of the SVG's own size
    summary: bool | None = None  # None: the site default
    file: str | None = None
    render: bool = True  # False: show the source, highlighted, instead of a figure
    show_source: bool | None = None  # the source under the figure; None: the site default
    show_problems: bool = False  # True: as the diagram's 'show problems' statement
    direction: str | None = None  # overrides the diagram's own, like Sphinx's :direction:


def parse_header(header: str) -> tuple[dict[str, str], list[str], str | None]:
    """Split the text after ``dagnote`` into key/values, ``.classes`` and ``#id``.

    Accepts both ``caption="A" width=300`` and ``{#fig .wide caption="A"}``.
    """
    text = header.strip()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise FenceError("attribute list opened with '{' is not closed with '}'")
        text = text[1:-1]
    try:
        words = shlex.split(text, posix=True)
    except ValueError as exc:
        raise FenceError(f"cannot read fence attributes: {exc}") from None
    values: dict[str, str] = {}
    classes: list[str] = []
    ident: str | None = None
    for word in words:
        if word.startswith("."):
            classes.append(word[1:])
        elif word.startswith("#"):
            ident = word[1:]
        elif "=" in word:
            key, _, value = word.partition("=")
            values[key.strip()] = value
        else:
            values[word] = ""  # a bare flag such as ``summary``
    return values, classes, ident


def _flag(key: str, value: str) -> bool:
    low = value.strip().lower()
    if low in _TRUE or low == key:
        return True
    if low in _FALSE:
        return False
    raise FenceError(f"{key} must be true or false, not {value!r}")


def _length(value: str | None, what: str) -> str | None:
    """A CSS width or height, bounded (no page tens of millions of pixels wide)."""
    if value is None:
        return None
    value = value.strip()
    if not _WIDTH_RE.match(value):
        raise FenceError(f"invalid {what} {value!r}: use a number with px, em, rem or %")
    problem = width_problem(value, what)
    if problem:
        raise FenceError(problem)
    return value + "px" if value[-1].isdigit() else value


def _scale(value: str) -> float:
    """A percentage of the figure's own size: ``50`` or ``50%``."""
    try:
        number = float(value.strip().removesuffix("%"))
    except ValueError:
        raise FenceError(f"invalid scale {value!r}: use a percentage such as 50") from None
    problem = scale_problem(number)
    if problem:
        raise FenceError(problem)
    return number


def validate(
    values: dict[str, str], classes: list[str] | tuple[str, ...] = (), ident: str | None = None
) -> FenceOptions:
    """Check every attribute; unknown keys are errors so typos do not pass silently."""
    unknown = sorted(k for k in values if k not in KNOWN_KEYS)
    if unknown:
        known = ", ".join(KNOWN_KEYS)
        raise FenceError(f"unknown fence attribute {unknown[0]!r} (known: {known})")
    all_classes = list(classes)
    if values.get("class"):
        all_classes += values["class"].split()
    for cls in all_classes:
        if not _CLASS_RE.match(cls):
            raise FenceError(f"invalid class name {cls!r}")
    ident = values.get("id", ident)
    if ident is not None and not _ID_RE.match(ident):
        raise FenceError(f"invalid id {ident!r}: use letters, digits, '-', '_', ':', '.'")
    width = _length(values.get("width"), "width")
    height = _length(values.get("height"), "height")
    scale = _scale(values["scale"]) if "scale" in values else None
    summary, show_source = (_flag(key, values[key]) if key in values else None
                            for key in ("summary", "show_source"))
    file = values.get("file")
    if file is not None and not file.strip():
        raise FenceError("file= needs a path")
    direction = values.get("direction")
    if direction is not None:
        direction = direction.strip().upper()
        if direction not in DIRECTIONS:
            raise FenceError(f"direction must be one of {', '.join(DIRECTIONS)}, "
                             f"not {values['direction']!r}")
    return FenceOptions(
        caption=values.get("caption"),
        alt=values.get("alt"),
        id=ident,
        classes=tuple(all_classes),
        width=width,
        height=height,
        scale=scale,
        summary=summary,
        file=file.strip() if file else None,
        render=_flag("render", values["render"]) if "render" in values else True,
        show_source=show_source,
        show_problems=_flag("show-problems", values["show-problems"])
        if "show-problems" in values else False,
        direction=direction,
    )

