"""PNG and PDF from dagnote's SVG: rsvg-convert when installed, else PNG from resvg-py."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

import dagnote
from dagnote import RenderOptions

VAE = (Path(__file__).parents[2] / "examples" / "seed" / "vae.dag").read_text()


@pytest.fixture
def no_rsvg(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: None if name == "rsvg-convert" else real(name))


def test_png_from_a_pip_install_draws_every_mark(no_rsvg: None) -> None:
    """Without rsvg-convert, resvg-py (the png extra) draws the figure: a white page with
    black lines, the size of the SVG at two pixels a point."""
    image = pytest.importorskip("PIL.Image")
    pytest.importorskip("resvg_py")
    result = dagnote.render(VAE, RenderOptions(format="png"))
    assert result.engine_error is None and result.output is not None
    png = image.open(io.BytesIO(result.output)).convert("L")
    svg = dagnote.render(VAE).output
    assert svg is not None
    width = float(svg.split(b'width="', 1)[1].split(b"pt", 1)[0])
    assert abs(png.width - width * 2 * 4 / 3) <= 2
    histogram = png.histogram()
    assert histogram[255] > png.width * png.height * 0.7  # mostly white
    assert sum(histogram[:64]) > png.width * png.height * 0.01  # black ink drawn


def test_pdf_without_rsvg_convert_says_what_to_install(no_rsvg: None) -> None:
    result = dagnote.render(VAE, RenderOptions(format="pdf"))
    assert result.output is None
    assert "rsvg-convert" in (result.engine_error or "")
