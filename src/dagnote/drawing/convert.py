"""PNG and PDF from dagnote's own SVG, through ``rsvg-convert`` (librsvg).

SVG is dagnote's output; raster and PDF copies are for hosts that cannot take SVG (the
LaTeX builder, the command line). Every mark of the notation (star, sampling mark,
triangles) is drawn as geometry, so only label text depends on the fonts installed.
"""

from __future__ import annotations

import shutil
import subprocess

from ..diagnostics import EngineError

MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF"}


def convert(svg: bytes, fmt: str, timeout: float) -> bytes:
    """``svg`` as ``fmt`` ("png" or "pdf"); EngineError when that cannot be done here."""
    tool = shutil.which("rsvg-convert")
    if tool is None:
        raise EngineError(
            f"{fmt.upper()} output needs 'rsvg-convert' (Debian/Ubuntu: apt-get install "
            "librsvg2-bin; macOS: brew install librsvg); SVG needs nothing"
        )
    argv = [tool, "-f", fmt] + (["-z", "2"] if fmt == "png" else [])
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            argv, input=svg, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"rsvg-convert failed: {exc}") from exc
    if proc.returncode != 0 or not proc.stdout.startswith(MAGIC[fmt]):
        raise EngineError("rsvg-convert failed: " + proc.stderr.decode("utf-8", "replace")[:200])
    return proc.stdout
