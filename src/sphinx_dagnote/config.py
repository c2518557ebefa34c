"""The ``conf.py`` settings: declared with types and checked once, so typos fail early."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import ENUM, Config
from sphinx.util import logging

from dagnote.build.options import (
    DIRECTIONS,
    FONT_FAMILIES,
    MAX_TIMEOUT,
    RenderOptions,
    valid_timeout,
)

logger = logging.getLogger(__name__)

HTML_FORMATS = ("inline", "img")
MAX_FONT_SIZE = 200.0  # points: larger labels would make every box a page wide


def _number(value: float) -> Callable[[Config], float]:
    """A number's default as Sphinx's callable form: ``-D dagnote_font_size=10`` then
    reaches :func:`validate` as text, where it is read as a number (Sphinx itself refuses
    to override a float setting: "unsupported type")."""
    return lambda config: value


@dataclass(frozen=True)
class Setting:
    """One ``conf.py`` value; ``rebuild`` says which outputs go stale when it changes."""

    name: str
    default: object
    rebuild: str
    types: object
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "dagnote_html_format", "inline", "env", ENUM(*HTML_FORMATS),
        '"inline" embeds the SVG in the page (default); "img" writes _images/*.svg '
        "and links it with <img alt=...>.",
    ),
    Setting(
        "dagnote_cache_dir", None, "", frozenset({str, type(None)}),
        "Directory of the render cache shared by all builders; relative paths are "
        "taken from the directory of conf.py. Default: dagnote-cache in the doctree "
        "directory.",
    ),
    Setting(
        "dagnote_strict", False, "env", frozenset({bool}),
        "Treat diagram warnings (lint) like errors: the block shows the error box "
        "instead of a figure.",
    ),
    Setting(
        "dagnote_direction", None, "env", frozenset({str, type(None)}),
        'Default layout direction for every diagram ("TB", "LR", "BT", "RL"); the '
        "directive option and the diagram's own direction statement take precedence.",
    ),
    Setting(
        "dagnote_show_summary", False, "env", frozenset({bool}),
        "Show the three-element summary under every figure (the :summary: option per block).",
    ),
    Setting(
        "dagnote_show_source", False, "env", frozenset({bool}),
        "Show each diagram's source, highlighted, under its figure (the :show-source: "
        "option per block).",
    ),
    Setting(
        "dagnote_show_problems", False, "html", frozenset({bool}),
        "Mark in every figure what the checks warn about (an untrained module, an "
        "objective that trains nothing), explained under it (the :show-problems: option "
        "per block, the 'show problems' statement per diagram).",
    ),
    Setting(
        "dagnote_font_size", _number(RenderOptions().font_size), "html",
        frozenset({float, int}),
        "Label font size in points.",
    ),
    Setting(
        "dagnote_font_family", "sans-serif", "html", ENUM(*FONT_FAMILIES),
        'Label font of SVG figures: "sans-serif" (Arial, Liberation Sans, Helvetica; '
        'default) or "serif" (Times New Roman, Liberation Serif). LaTeX output always '
        "uses the document's own font.",
    ),
    Setting(
        "dagnote_timeout", _number(30.0), "", frozenset({float, int}),
        "Seconds the layout of one graph may take before it is reported as an engine "
        f"error; larger values, inf included, mean {MAX_TIMEOUT:g} s.",
    ),
)


def register(app: Sphinx) -> None:
    """Declare every setting with its type and a description."""
    for s in SETTINGS:
        app.add_config_value(s.name, s.default, s.rebuild, types=s.types,  # type: ignore[arg-type]
                             description=s.doc)
    app.connect("config-inited", validate)


def validate(app: Sphinx, config: Config) -> None:
    """Reject values the types cannot express; fall back to the default with a warning."""
    if config.dagnote_direction is not None and config.dagnote_direction not in DIRECTIONS:
        logger.warning("dagnote_direction must be one of %s, not %r; using the default",
                       ", ".join(DIRECTIONS), config.dagnote_direction,
                       type="dagnote", subtype="config")
        config.dagnote_direction = None
    try:  # inf (no limit) and anything past MAX_TIMEOUT become MAX_TIMEOUT
        config.dagnote_timeout = valid_timeout(_from_text(config.dagnote_timeout))
    except ValueError as exc:
        logger.warning("dagnote_%s; using 30", exc, type="dagnote", subtype="config")
        config.dagnote_timeout = 30.0
    size = _from_text(config.dagnote_font_size)
    if (isinstance(size, bool) or not isinstance(size, (int, float))
            or not 0 < size < MAX_FONT_SIZE):
        default = RenderOptions().font_size
        logger.warning("dagnote_font_size must be a number of points above 0 and below "
                       "%g, not %r; using %g", MAX_FONT_SIZE, config.dagnote_font_size,
                       default, type="dagnote", subtype="config")
        size = default
    config.dagnote_font_size = float(size)


def _from_text(value: object) -> object:
    """A number given as text (``-D dagnote_timeout=60``) as a float; anything else as is."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def cache_dir(builder: Builder) -> Path:
    """Where rendered images are cached: in the doctree directory by default.

    Like Sphinx's own caches (the pickled environment and doctrees), so sphinx-autobuild,
    which ignores that directory, does not rebuild again when a build writes the cache
    (next to the output directory it did: ``docs/_build/.dagnote-cache`` is inside the
    watched source directory). Builders sharing a doctree directory (``sphinx-build -M``,
    ``make html latexpdf``) share the cache.
    """
    configured = builder.config.dagnote_cache_dir
    if configured:
        return (Path(builder.confdir) / configured).resolve()
    return (Path(builder.doctreedir) / "dagnote-cache").resolve()
