"""The HTML of a dagnote figure and of an error box.

Everything an author wrote (caption, alt, ids, classes, messages) is escaped here, in
one place; the SVG comes from the core and is inserted as is (it is made inline-ready
there: no prolog, unique ids, role="img").
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from .fence import FenceOptions


def inline_svg(svg: str) -> Markup:
    """Mark the core's SVG (labels escaped there, alt set by ``dagnote.for_page``) as safe."""
    return Markup(svg)  # noqa: S704 - the core's sanitised SVG output


def img_tag(url: str, alt: str) -> Markup:
    """An ``<img>`` for diagrams written to files (``output: file``)."""
    return Markup('<img src="{}" alt="{}" loading="lazy">').format(url, alt)


def object_tag(url: str, alt: str) -> Markup:
    """A linked diagram written to a file: an ``<object>``, so its links can be clicked,
    with the ``<img>`` as its fallback."""
    return Markup('<object data="{}" type="image/svg+xml" aria-label="{}">{}</object>').format(
        url, alt, img_tag(url, alt))


def figure_html(
    image: Markup, opts: FenceOptions, summary_lines: Sequence[str], show_summary: bool
) -> str:
    """``<figure class="dagnote-figure">`` (the core's CSS) with image, caption, summary."""
    classes = " ".join(["dagnote-figure", *opts.classes])
    attrs = Markup(' class="{}"').format(classes)
    if opts.id:
        attrs += Markup(' id="{}"').format(opts.id)
    sizes = [f"width: {opts.width}"] if opts.width else []
    sizes += [f"height: {opts.height}"] if opts.height else []
    style = Markup(' style="{}"').format("; ".join(sizes)) if sizes else Markup("")
    image_class = "dagnote-image dagnote-height" if opts.height else "dagnote-image"
    parts = [Markup("<figure{}>").format(attrs)]
    parts.append(Markup('<div class="{}"{}>{}</div>').format(image_class, style, image))
    if opts.caption:
        parts.append(Markup("<figcaption>{}</figcaption>").format(opts.caption))
    if show_summary and summary_lines:
        items = Markup("").join(Markup("<li>{}</li>").format(line) for line in summary_lines)
        parts.append(Markup('<ul class="dagnote-summary">{}</ul>').format(items))
    parts.append(Markup("</figure>"))
    return str(Markup("").join(parts))


def source_html(source: str) -> str:
    """A diagram's source as a code block highlighted by dagnote's Pygments lexer (its
    spans use Pygments' short classes, styled by the site's highlight stylesheet, such as
    Material's); Pygments escapes the text."""
    from pygments import highlight  # only for pages that show a source
    from pygments.formatters import HtmlFormatter

    from dagnote.lexer import DagnoteLexer

    spans = highlight(source, DagnoteLexer(), HtmlFormatter(nowrap=True))
    return ('<div class="language-dagnote highlight dagnote-listing"><pre><span></span>'
            f"<code>{spans}</code></pre></div>")


def error_html(messages: Sequence[str], source: str | None = None) -> str:
    """A visible box in place of a diagram that could not be drawn.

    Uses Material's ``admonition failure`` classes so it looks native there, and the
    plugin's own CSS elsewhere.
    """
    items = Markup("").join(Markup("<li><code>{}</code></li>").format(m) for m in messages)
    body = Markup(
        '<div class="dagnote-error admonition failure" role="alert">'
        '<p class="admonition-title">dagnote: this diagram could not be drawn</p>'
        "<ul>{}</ul>"
    ).format(items)
    if source:
        body += Markup('<pre class="dagnote-source"><code>{}</code></pre>').format(source)
    return str(body + Markup("</div>"))
