"""The ``dagnote`` command: ``render`` and ``check`` for .dag, .rst and .md files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .cache import Cache
from .diagnostics import Diagnostic
from .extract import Block, blocks_in
from .options import DIRECTIONS, FORMATS, RenderOptions
from .pipeline import check as check_source
from .pipeline import render_many


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot read: {exc}") from exc


def _blocks(paths: tuple[str, ...]) -> list[tuple[str, int, Block]]:
    """Every diagram in the named files: (file, index in file, block)."""
    found: list[tuple[str, int, Block]] = []
    for path in paths:
        for index, block in enumerate(blocks_in(path, _read(path))):
            if block.argument and not block.source.strip() and path.endswith(".rst"):
                target = (Path(path).parent / block.argument).resolve()
                try:
                    text = target.read_text(encoding="utf-8")
                except OSError as exc:
                    raise click.ClickException(f"{path}:{block.offset}: cannot read "
                                               f"{block.argument}: {exc}") from exc
                found.append((str(target), 0, Block(text, 0)))
                continue
            found.append((path, index, block))
    return found


def _echo(path: str, diag: Diagnostic, offset: int) -> None:
    click.echo(diag.shifted(offset).format(path), err=True)


@click.group()
@click.version_option(__version__, prog_name="dagnote")
def main() -> None:
    """Check and draw deep-learning training setups written in the dagnote language."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def check(files: tuple[str, ...]) -> None:
    """Report errors and warnings as path:line:col; exit status 1 if any error."""
    errors = 0
    for path, _, block in _blocks(files):
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
@click.option("--engine", default="graphviz-pure", show_default=True,
              help="graphviz-pure (embedded), dot (system Graphviz) or a path.")
@click.option("--direction", type=click.Choice(DIRECTIONS), default=None,
              help="Override the diagrams' direction.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Reuse renders across runs.")
@click.option("--timeout", type=float, default=30.0, show_default=True)
def render(files: tuple[str, ...], outdir: str, fmt: str, engine: str, direction: str | None,
           cache_dir: str | None, timeout: float) -> None:
    """Render every diagram in FILES into OUTDIR (NAME.svg, or NAME-2.svg for later blocks)."""
    options = RenderOptions(engine=engine, format=fmt, direction=direction,  # type: ignore[arg-type]
                            timeout=timeout)
    blocks = _blocks(files)
    cache = Cache(cache_dir) if cache_dir else None
    results = render_many([b.source for _, _, b in blocks], options, cache)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for (path, index, block), result in zip(blocks, results, strict=True):
        for diag in result.diagnostics:
            _echo(path, diag, block.offset)
        if result.output is None:
            failed += 1
            if result.engine_error:
                click.echo(f"{path}:{block.offset + 1}:1: error: {result.engine_error}", err=True)
            continue
        stem = Path(path).stem + (f"-{index + 1}" if index else "")
        target = out / f"{stem}.{fmt}"
        target.write_bytes(result.output)
        click.echo(str(target))
    sys.exit(1 if failed else 0)
