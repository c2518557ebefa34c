"""A ``pymdownx.superfences`` custom fence for dagnote.

Sites that use SuperFences (most Material sites) cannot use the plain extension for
fences inside admonitions, tabs or lists. In ``mkdocs.yml``::

    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - name: dagnote
              class: dagnote
              validator: !!python/name:mkdocs_dagnote.superfences.fence_validator
              format: !!python/name:mkdocs_dagnote.superfences.fence_format

(the plugin adds this entry itself). Problems raise ``SuperFencesException`` so that a
broken diagram is never silently shown as a code block; under the plugin they become an
error box plus a warning instead (``--strict`` still fails).
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown
from pymdownx.superfences import RE_NESTED_FENCE_START, SuperFencesException

from dagnote.documents.fences import scan
from dagnote.language.positions import split_lines

from .fence import FenceError, parse_header, validate
from .renderer import DiagramFailure, Settings, SiteRenderer

_fallback: SiteRenderer | None = None
_OPENING = re.compile(r"^([ \t>]*(?:`{3,}|~{3,})[ \t]*)\{?[ \t]*\.?dagnote\b")


class DagnoteFenceError(SuperFencesException, DiagramFailure):
    """SuperFences re-raises it (never a silent code block); MkDocs prints it cleanly."""


def _renderer(md: Markdown) -> SiteRenderer:
    """The plugin's renderer if it installed one on ``md``, else a raising default."""
    global _fallback
    shared = getattr(md, "dagnote_renderer", None)
    if isinstance(shared, SiteRenderer):
        return shared
    if _fallback is None:
        _fallback = SiteRenderer(Settings(on_error="raise"))
    return _fallback


def superfences_accepts(header: str) -> bool:
    """Whether SuperFences reads this header (unquoted ``key=value`` makes it plain text)."""
    m = RE_NESTED_FENCE_START.match(f"```dagnote {header}".rstrip())
    return m is not None and m.group("unrecognized") is None


def quoted_header(header: str) -> str | None:
    """The header in the form SuperFences reads (``{#id .class key="value"}``), or None
    when it cannot be written so (a value with both kinds of quotes, a broken header)."""
    try:
        values, classes, ident = parse_header(header)
    except FenceError:
        return None
    parts = [f"#{ident}"] if ident else []
    parts += [f".{c}" for c in classes]
    for key, value in values.items():
        quote = next((q for q in "\"'" if q not in value), None)
        if quote is None:
            return None
        parts.append(f"{key}={quote}{value}{quote}")
    quoted = "{" + " ".join(parts) + "}"
    return quoted if superfences_accepts(quoted) else None


def readable_headers(markdown: str) -> tuple[str, list[tuple[int, str, str | None]]]:
    """The page with every dagnote fence header SuperFences cannot read rewritten into
    one it reads (or, failing that, dropped), and (line, header, rewritten header or None)
    for each. Unread, such a header makes SuperFences take the fence's closing line for
    the opening of a code block, so the next fence on the page silently became code."""
    bad = [f for f in scan(markdown) if not superfences_accepts(f.header)]
    if not bad:
        return markdown, []
    lines = split_lines(markdown)
    done = []
    for fence in bad:
        at = fence.line - 2  # the opening line, 0-based
        opening = _OPENING.match(lines[at])
        if opening is None:
            continue
        quoted = quoted_header(fence.header)
        lines[at] = f"{opening.group(1)}dagnote{' ' + quoted if quoted else ''}"
        done.append((at + 1, fence.header, quoted))
    return "\n".join(lines), done


def fence_validator(
    language: str,
    inputs: dict[str, str],
    options: dict[str, Any],
    attrs: dict[str, str],
    md: Markdown,
) -> bool:
    """Accept the fence and keep its attributes; never let a bad one fall back to code."""
    try:
        options["dagnote"] = validate(inputs)
    except FenceError as exc:
        if _renderer(md).settings.on_error == "raise":
            raise DagnoteFenceError(f"dagnote fence: {exc}") from exc
        options["dagnote"] = exc  # shown as an error box (located) by the formatter
    return True


def fence_format(
    src: str,
    language: str,
    class_name: str,
    options: dict[str, Any],
    md: Markdown,
    **kwargs: Any,
) -> str:
    """Render one fence; ``{#id .class}`` from the brace form are merged in."""
    opts = options.get("dagnote")
    if opts is None:
        opts = validate({})
    classes = [c for c in kwargs.get("classes", []) if c != class_name]
    if not isinstance(opts, FenceError) and (classes or kwargs.get("id_value")):
        try:
            merged = dict(_as_values(opts))
            opts = validate(merged, classes, kwargs.get("id_value") or None)
        except FenceError as exc:
            opts = exc
    try:
        return _renderer(md).html(src, opts)
    except DiagramFailure as exc:
        raise DagnoteFenceError(str(exc)) from exc


def _as_values(opts: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for key in ("caption", "alt", "id", "width", "height", "file", "direction"):
        if getattr(opts, key) is not None:
            values[key] = getattr(opts, key)
    if opts.scale is not None:
        values["scale"] = f"{opts.scale:g}"
    if opts.classes:
        values["class"] = " ".join(opts.classes)
    for key in ("summary", "show_source"):
        if getattr(opts, key) is not None:
            values[key] = "true" if getattr(opts, key) else "false"
    if not opts.render:
        values["render"] = "false"
    if opts.show_problems:
        values["show-problems"] = "true"
    return values
