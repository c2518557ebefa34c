"""The ``dagnote`` command: ``render`` and ``check`` for .dag, .rst and .md files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .. import __version__
from ..documents.extract import Block, blocks_in
from ..documents.includes import (
    MAX_DOCUMENT_BYTES,
    MAX_FILE_BYTES,
    IncludeError,
    read_file,
    resolve_include,
)
from ..documents.page import resized
from ..documents.widths import latex_length, scale_problem, width_problem
from ..language.diagnostics import Diagnostic
from ..language.positions import split_lines
from .atomic import write_atomic
from .cache import Cache
from .excerpt import excerpt
from .options import (
    DIRECTIONS,
    FONT_FAMILIES,
    FORMATS,
    MAX_TIMEOUT,
    RenderOptions,
    valid_timeout,
)
from .pipeline import check as check_source
from .pipeline import start_render
from .progress import Tally


def _error(where: str, message: str) -> None:
    click.echo(f"{where}: error: {message}", err=True)


def _include(path: str, block: Block, root: str | None) -> Path:
    """The file a block includes, resolved as the hosts do and confined to ``root``.

    reST argument and Markdown ``file=`` alike: relative to the document, ``/x.dag``
    relative to the root (Sphinx's srcdir, MkDocs' docs_dir). The root defaults to the
    document's directory. Refused or unreadable: :class:`IncludeError`.
    """
    base = Path(root or Path(path).parent)
    label = (f"file={block.argument!r}" if path.lower().endswith((".md", ".markdown"))
             else repr(block.argument))
    return resolve_include(block.argument, base, Path(path).parent, label=label,
                           where=f"{base.resolve()} (set --root)")


def _include_problem(exc: IncludeError, block: Block, path: str) -> str:
    """As the host would say it: Markdown ``file='x': reason``, reST ``refusing 'x': …``."""
    if path.lower().endswith((".md", ".markdown")):
        return str(exc)
    verb = "refusing" if exc.refused else "cannot read"
    return f"{verb} {block.argument!r}: {exc.reason}"


STDIN = "-"  # a file argument that means standard input (one diagram, as a .dag file)
STDIN_NAME = "<stdin>"  # how diagnostics name it


def _read_stdin() -> str:
    """Standard input as one diagram's text, bounded like a file (UTF-8, size limit)."""
    data = click.get_binary_stream("stdin").read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise IncludeError(STDIN_NAME, f"it is over {MAX_FILE_BYTES} bytes; the limit for a "
                           "diagram is that: split it into smaller diagrams", refused=True)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IncludeError(STDIN_NAME, f"not UTF-8 text (byte {exc.start + 1})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blocks(paths: tuple[str, ...], root: str | None,
            report: Callable[[str, str], None] = _error,
            ) -> tuple[list[tuple[str, int, Block]], int]:
    """Every diagram in the named files: (file, index in file, block), and how many files
    or included files could not be read (each reported, the others still checked).
    ``-`` is standard input, read as one diagram named ``<stdin>``."""
    found: list[tuple[str, int, Block]] = []
    failed = 0
    for path in paths:
        try:
            if path == STDIN:
                found.append((STDIN_NAME, 0, Block(_read_stdin(), 0)))
                continue
            text = read_file(path, repr(path), limit=MAX_DOCUMENT_BYTES)
        except IncludeError as exc:
            report(STDIN_NAME if path == STDIN else path, exc.reason)
            failed += 1
            continue
        for index, block in enumerate(blocks_in(path, text)):
            if block.argument and not block.source.strip():
                try:
                    target = _include(path, block, root)
                    included = read_file(target, repr(block.argument))
                except IncludeError as exc:
                    report(f"{path}:{block.line}", _include_problem(exc, block, path))
                    failed += 1
                    continue
                found.append((str(target), 0, Block(included, 0)))
                continue
            found.append((path, index, block))
    return found, failed


def _timeout(value: float) -> float:
    try:
        return valid_timeout(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _length(value: str | None, what: str) -> str | None:
    problem = width_problem(value, what) if value else None
    if problem:
        raise click.BadParameter(problem)
    return value


def _scale(value: float | None) -> float | None:
    problem = scale_problem(value) if value is not None else None
    if problem:
        raise click.BadParameter(problem)
    return value


def _sized(output: bytes, fmt: str, width: str | None, height: str | None,
           scale: float | None) -> bytes:
    """The image at the size asked for: SVG attributes, or TikZ in its adjustbox."""
    factor = scale / 100 if scale else None
    if fmt == "svg":
        return resized(output.decode("ascii"), width, height, factor).encode("ascii")
    if fmt == "tikz":
        from ..drawing.tikz_writer import fit_tikz

        return fit_tikz(output.decode("ascii"),
                        latex_length(width) if width else None,
                        latex_length(height, "\\textheight") if height else None,
                        factor).encode("ascii")
    return output


def _echo(path: str, diag: Diagnostic, block: Block) -> None:
    """A diagnostic at its line and column of the file (the block's indentation undone),
    then that line of the file with a caret under the column."""
    located = diag.relocated(block.locate)
    click.echo(located.format(path), err=True)
    lines = block.lines or tuple(split_lines(block.source))
    index = located.line - block.offset - 1
    if 0 <= index < len(lines):
        for text in excerpt(lines[index], located.line, located.column):
            click.echo(text, err=True)


@click.group()
@click.version_option(__version__, prog_name="dagnote")
def main() -> None:
    """Check and draw deep-learning training setups written in the dagnote language."""


_ROOT = click.option("--root", type=click.Path(file_okay=False, exists=True), default=None,
                     help="Docs source directory that included files resolve in and must "
                          "stay inside (default: each document's directory).")


# FILES are not checked by click (exists=True would stop at the first missing one):
# each file that cannot be read is reported, and the others are still checked
@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_ROOT
@click.option("--warnings-as-errors", "-W", "strict", is_flag=True,
              help="Exit with status 1 on warnings too (to gate CI or a commit on them).")
def check(files: tuple[str, ...], root: str | None, strict: bool) -> None:
    """Report errors and warnings as path:line:col with the line and a caret; exit status
    1 if any error (or, with --warnings-as-errors, any warning) or any file that cannot be
    read."""
    blocks, errors = _blocks(files, root)
    for path, _, block in blocks:
        result = check_source(block.source)
        for diag in result.diagnostics:
            _echo(path, diag, block)
        errors += len(result.diagnostics if strict else result.errors)
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "outdir", required=True, type=click.Path(),
              help="Directory for the images, or - to write the one image to standard "
                   "output.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="svg",
              show_default=True)
@click.option("--direction", type=click.Choice(DIRECTIONS), default=None,
              help="Override the diagrams' direction.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Reuse renders across runs.")
@click.option("--timeout", type=float, default=30.0, show_default=True,
              callback=lambda ctx, param, value: _timeout(value),
              help=f"Seconds one layout may take; inf, or more than {MAX_TIMEOUT:g}, "
                   f"means {MAX_TIMEOUT:g}.")
@click.option("--show-problems", is_flag=True,
              help="Mark what the checks warn about in the figures (as 'show problems').")
@click.option("--font", type=click.Choice(FONT_FAMILIES), default="sans-serif",
              show_default=True, help="Label font of SVG, PNG and PDF figures (TikZ uses "
                                      "the LaTeX document's font).")
@click.option("--width", callback=lambda ctx, param, value: _length(value, "width"),
              help="svg, tikz: figure width (300px, 8cm, 50%: of the line in LaTeX).")
@click.option("--height", callback=lambda ctx, param, value: _length(value, "height"),
              help="svg, tikz: figure height (the figure fits in width and height).")
@click.option("--scale", type=float, default=None,
              callback=lambda ctx, param, value: _scale(value),
              help="svg, tikz: percent of the natural size (tikz: labels at the text's "
                   "size, still no wider than the line).")
@_ROOT
def render(files: tuple[str, ...], outdir: str, fmt: str, direction: str | None,
           cache_dir: str | None, timeout: float, show_problems: bool, font: str,
           width: str | None, height: str | None, scale: float | None,
           root: str | None) -> None:
    """Render every diagram in FILES into OUTDIR (NAME.svg, or NAME-2.svg for later blocks;
    --format tikz writes NAME.tex for \\input in a LaTeX document).

    A FILE of - reads one diagram from standard input; -o - writes the image to standard
    output (then FILES must hold exactly one diagram). A summary line goes to standard
    error.
    """
    if fmt in ("png", "pdf") and (width or height or scale):
        raise click.UsageError("--width, --height and --scale apply to svg and tikz output")
    to_stdout = outdir == STDIN
    if to_stdout and len(files) > 1:
        raise click.UsageError("-o - writes one image to standard output: give one input")
    options = RenderOptions(format=fmt, direction=direction,  # type: ignore[arg-type]
                            timeout=timeout, show_problems=show_problems, font_family=font)
    blocks, failed = _blocks(files, root)
    if to_stdout and len(blocks) > 1:
        _error(files[0], f"it holds {len(blocks)} diagrams; -o - writes one: give a "
               "directory instead")
        sys.exit(1)
    out = Path(outdir)
    if not to_stdout:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            click.echo(f"error: cannot create {out}: {exc.strerror or exc}", err=True)
            sys.exit(1)
    cache = Cache(cache_dir) if cache_dir else None
    job = start_render([b.source for _, _, b in blocks], options, cache)
    results = job.results()
    tally = Tally()
    tally.timed(job)
    written: dict[Path, str] = {}
    for (path, index, block), result in zip(blocks, results, strict=True):
        tally.count(result)
        for diag in result.diagnostics:
            _echo(path, diag, block)
        if result.output is None:
            failed += 1
            if result.engine_error:
                click.echo(f"{path}:{block.line}:1: error: {result.engine_error}", err=True)
            continue
        if to_stdout:
            stream = click.get_binary_stream("stdout")
            stream.write(_sized(result.output, fmt, width, height, scale))
            stream.flush()
            continue
        stem = Path(path).stem + (f"-{index + 1}" if index else "")
        if path == STDIN_NAME:
            stem = "stdin"
        target = out / f"{stem}.{'tex' if fmt == 'tikz' else fmt}"
        if written.get(target) == path:  # the same included file, named by two documents
            continue
        if target in written:  # a/doc.dag and b/doc.dag: never overwrite one with the other
            click.echo(f"{path}: error: {target} is already written for {written[target]}; "
                       "render these files into separate directories", err=True)
            failed += 1
            continue
        try:
            write_atomic(target, _sized(result.output, fmt, width, height, scale))
        except OSError as exc:  # read-only, full disk, a directory in the way
            _error(path, f"cannot write {target}: {exc.strerror or exc}")
            failed += 1
            continue
        written[target] = path
        click.echo(str(target))
    click.echo(tally.line(), err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("file", type=click.Path())
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; if it is taken (or 0), any free one.")
@click.option("--direction", type=click.Choice(DIRECTIONS), default=None,
              help="Override the diagrams' direction.")
@_ROOT
def preview(file: str, port: int, direction: str | None, root: str | None) -> None:
    """Serve FILE's diagrams on http://127.0.0.1:PORT/ and redraw them on every save.

    The page reloads itself after a change; problems are listed at file:line:col.
    Only the loopback address is served. Ctrl-C stops it.
    """
    from .preview import serve

    if file == STDIN:
        raise click.UsageError("preview watches a file; standard input cannot be saved again")

    def load() -> tuple[list[tuple[str, Block]], list[str]]:
        problems: list[str] = []
        blocks, _ = _blocks((file,), root,
                            lambda where, message: problems.append(f"{where}: error: {message}"))
        return [(path, block) for path, _, block in blocks], problems

    serve(Path(file), load, RenderOptions(direction=direction), port,
          lambda text: click.echo(text, err=True))
