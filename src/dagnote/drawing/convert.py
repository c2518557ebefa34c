"""PNG and PDF from dagnote's own SVG, through ``rsvg-convert`` (librsvg) or, for PNG,
the ``resvg-py`` wheel.

SVG is dagnote's output; raster and PDF copies are for hosts that cannot take SVG (the
LaTeX builder, the command line). Every mark of the notation (star, sampling mark,
triangles) is drawn as geometry, so only label text depends on the fonts installed.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Callable

from ..language.diagnostics import EngineError

MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF"}
PNG_ZOOM = 2  # pixels per point: sharp on high-density screens


def convert(svg: bytes, fmt: str, timeout: float,
            plain: Callable[[], bytes] | None = None) -> bytes:
    """``svg`` as ``fmt`` ("png" or "pdf"); EngineError when that cannot be done here.

    ``rsvg-convert`` when it is installed; otherwise a PNG comes from the ``resvg-py``
    wheel (``pip install dagnote[png]``), which draws ``plain()`` (the figure without its
    theme style sheet, which resvg would paint black).
    """
    tool = shutil.which("rsvg-convert")
    if tool is None:
        if fmt == "png" and plain is not None:
            with contextlib.suppress(ImportError):
                return _resvg(plain())
        raise EngineError(
            f"{fmt.upper()} output needs 'rsvg-convert' (Debian/Ubuntu: apt-get install "
            "librsvg2-bin; macOS: brew install librsvg)"
            + ("" if fmt != "png" else " or 'pip install dagnote[png]'")
            + "; SVG needs nothing"
        )
    argv = [tool, "-f", fmt] + (["-z", str(PNG_ZOOM)] if fmt == "png" else [])
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            argv, input=svg, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"rsvg-convert failed: {exc}") from exc
    if proc.returncode != 0 or not proc.stdout.startswith(MAGIC[fmt]):
        raise EngineError("rsvg-convert failed: " + proc.stderr.decode("utf-8", "replace")[:200])
    return proc.stdout


def _resvg(plain_svg: bytes) -> bytes:
    """PNG from resvg (the plain SVG is in user units: points, hence the 4/3 for pixels)."""
    import resvg_py

    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=plain_svg.decode("ascii"),
                                          background="white", zoom=PNG_ZOOM * 4 / 3))
    except (ValueError, RuntimeError) as exc:
        raise EngineError(f"resvg failed: {exc}") from exc
    if not png.startswith(MAGIC["png"]):
        raise EngineError("resvg wrote no PNG")
    return png
