"""The ``dagnote`` command: ``render`` and ``check`` for .dag, .rst and .md files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .cache import Cache
from .diagnostics import Diagnostic
from .extract import Block, blocks_in
from .includes import IncludeError, resolve_include
from .options import DIRECTIONS, FORMATS, MAX_TIMEOUT, RenderOptions, valid_timeout
from .pipeline import check as check_source
from .pipeline import render_many


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot read: {exc}") from exc


def _include(path: str, block: Block, root: str | None) -> Path:
    """The file a block includes, resolved as the hosts do and confined to ``root``.

    reST: relative to the document, ``/x.dag`` relative to the root (Sphinx's srcdir);
    Markdown ``file=``: relative to the root (MkDocs' docs_dir). The root defaults to the
    document's directory.
    """
    base = Path(root or Path(path).parent).resolve()
    name = block.argument
    if path.lower().endswith((".md", ".markdown")):
        try:
            return resolve_include(name, base)
        except IncludeError as exc:
            raise click.ClickException(f"{path}:{block.line}: {exc}") from exc
    target = (base / name.lstrip("/")) if name.startswith("/") else (Path(path).parent / name)
    target = target.resolve()
    if not target.is_relative_to(base):
        raise click.ClickException(f"{path}:{block.line}: refusing {name!r}: it resolves "
                                   f"outside {base} (set --root)")
    return target


def _blocks(paths: tuple[str, ...], root: str | None) -> list[tuple[str, int, Block]]:
    """Every diagram in the named files: (file, index in file, block)."""
    found: list[tuple[str, int, Block]] = []
    for path in paths:
        for index, block in enumerate(blocks_in(path, _read(path))):
            if block.argument and not block.source.strip():
                target = _include(path, block, root)
                try:
                    text = target.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise click.ClickException(f"{path}:{block.line}: cannot read "
                                               f"{block.argument}: {exc}") from exc
                found.append((str(target), 0, Block(text, 0)))
                continue
            found.append((path, index, block))
    return found


def _timeout(value: float) -> float:
    try:
        return valid_timeout(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _echo(path: str, diag: Diagnostic, offset: int) -> None:
    click.echo(diag.shifted(offset).format(path), err=True)


@click.group()
@click.version_option(__version__, prog_name="dagnote")
def main() -> None:
    """Check and draw deep-learning training setups written in the dagnote language."""


_ROOT = click.option("--root", type=click.Path(file_okay=False, exists=True), default=None,
                     help="Docs source directory that included files resolve in and must "
                          "stay inside (default: each document's directory).")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_ROOT
def check(files: tuple[str, ...], root: str | None) -> None:
    """Report errors and warnings as path:line:col; exit status 1 if any error."""
    errors = 0
    for path, _, block in _blocks(files, root):
        result = check_source(block.source)
        for diag in result.diagnostics:
            _echo(path, diag, block.offset)
        errors += len(result.errors)
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Directory for the images.")
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
@_ROOT
def render(files: tuple[str, ...], outdir: str, fmt: str, direction: str | None,
           cache_dir: str | None, timeout: float, root: str | None) -> None:
    """Render every diagram in FILES into OUTDIR (NAME.svg, or NAME-2.svg for later blocks)."""
    options = RenderOptions(format=fmt, direction=direction,  # type: ignore[arg-type]
                            timeout=timeout)
    blocks = _blocks(files, root)
    cache = Cache(cache_dir) if cache_dir else None
    results = render_many([b.source for _, _, b in blocks], options, cache)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    written: dict[Path, str] = {}
    for (path, index, block), result in zip(blocks, results, strict=True):
        for diag in result.diagnostics:
            _echo(path, diag, block.offset)
        if result.output is None:
            failed += 1
            if result.engine_error:
                click.echo(f"{path}:{block.line}:1: error: {result.engine_error}", err=True)
            continue
        stem = Path(path).stem + (f"-{index + 1}" if index else "")
        target = out / f"{stem}.{fmt}"
        if written.get(target) == path:  # the same included file, named by two documents
            continue
        if target in written:  # a/doc.dag and b/doc.dag: never overwrite one with the other
            click.echo(f"{path}: error: {target} is already written for {written[target]}; "
                       "render these files into separate directories", err=True)
            failed += 1
            continue
        written[target] = path
        target.write_bytes(result.output)
        click.echo(str(target))
    sys.exit(1 if failed else 0)
