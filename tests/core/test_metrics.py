"""Built-in font metrics: widths agree with the font files, and measuring never raises."""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagnote.drawing.metrics import SCRIPT_RATIO, ascent, descent, runs_width, text_width
from dagnote.drawing.metrics_table import DEFAULT_WIDTH, WIDTHS

LIB = Path("/usr/share/fonts/truetype/liberation")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FACE_FILES = {
    (False, False): LIB / "LiberationSans-Regular.ttf",
    (True, False): LIB / "LiberationSans-Bold.ttf",
    (False, True): LIB / "LiberationSerif-Regular.ttf",
}


@dataclass(frozen=True)
class Run:
    text: str
    script: str = "base"


@functools.cache
def _advances(path: Path) -> tuple[dict[int, int], int]:
    ttlib = pytest.importorskip("fontTools.ttLib")
    font = ttlib.TTFont(path, lazy=True)
    hmtx = font["hmtx"]
    cmap = {cp: hmtx[glyph][0] for cp, glyph in font.getBestCmap().items()}
    return cmap, font["head"].unitsPerEm


def font_width(path: Path, text: str, size: float) -> float:
    """Sum of advances straight from the font file, with fontTools (the table is rounded to
    1/1000 em, so compare with a tolerance of 0.0005 em per character)."""
    pytest.importorskip("fontTools")
    if not path.exists():
        pytest.skip(f"{path} is not installed")
    advances, upem = _advances(path)
    return sum(advances[ord(ch)] for ch in text) * size / upem


@pytest.mark.parametrize(("bold", "serif"), list(FACE_FILES))
@pytest.mark.parametrize("text", ["encoder", "Wi", "N(0, 1)", "p_θ(x|z) σ² × 2 → ∑"])
def test_widths_match_the_font_file(text: str, bold: bool, serif: bool) -> None:
    expected = font_width(FACE_FILES[bold, serif], text, 15)
    measured = text_width(text, 15, bold=bold, serif=serif)
    assert measured == pytest.approx(expected, abs=0.0005 * 15 * len(text))


@pytest.mark.parametrize(("bold", "serif"), list(FACE_FILES))
def test_every_printable_ascii_character_matches_the_font_file(bold: bool, serif: bool) -> None:
    path = FACE_FILES[bold, serif]
    for ch in string.printable[:95]:  # digits, letters, punctuation, space
        assert text_width(ch, 1000, bold=bold, serif=serif) == pytest.approx(
            font_width(path, ch, 1000), abs=0.5
        ), repr(ch)


def test_encoder_at_15pt_is_its_arial_width() -> None:
    # Arial/Helvetica AFM advances: e 556, n 556, c 500, o 556, d 556, r 333.
    assert text_width("encoder", 15) == pytest.approx((556 * 5 + 500 + 333) * 15 / 1000)


def test_wide_and_narrow_letters_are_ordered() -> None:
    assert text_width("W", 12) > text_width("n", 12) > text_width("i", 12) > 0
    assert text_width("WWW", 12) == pytest.approx(3 * text_width("W", 12))


def test_bold_is_wider_than_regular() -> None:
    assert text_width("encoder", 15, bold=True) > text_width("encoder", 15)
    assert text_width("encoder", 15, bold=True) == pytest.approx(
        font_width(FACE_FILES[True, False], "encoder", 15), abs=0.0005 * 15 * 7
    )


@pytest.mark.parametrize("serif", [False, True])
@pytest.mark.parametrize("ch", ["𝒩", "𝒰", "‖", "▽", "△", "≀", "′", "″", "×", "·", "σ", "→", "ℝ"])
def test_symbols_are_measured_not_defaulted(ch: str, serif: bool) -> None:
    face = "serif" if serif else "sans"
    assert ord(ch) in WIDTHS[face]
    width = text_width(ch, 1000, serif=serif)
    assert width > 0
    assert width == WIDTHS[face][ord(ch)]


def test_script_capital_n_is_dejavu_math_width() -> None:
    expected = font_width(DEJAVU / "DejaVuMathTeXGyre.ttf", "𝒩", 15)
    assert text_width("𝒩", 15, serif=True) == pytest.approx(expected, abs=0.0005 * 15)
    assert text_width("𝒩", 15) > text_width("N", 15)


def test_middle_dot_takes_the_wider_liberation_release() -> None:
    # Liberation 1.07 has U+00B7 at 278/1000 em, Liberation 2 at 333: boxes must
    # fit whichever release the browser picks.
    assert text_width("·", 1000) == 333


def test_double_bar_comes_from_a_font_that_has_it() -> None:
    # Liberation 1.07 lacks U+2016; Liberation 2 (what fontconfig picks) has it at 413.
    lib2 = Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf")
    path = lib2 if lib2.exists() else DEJAVU / "DejaVuSans.ttf"
    assert text_width("‖", 15) == pytest.approx(font_width(path, "‖", 15), abs=0.0005 * 15)


@pytest.mark.parametrize("text", ["\ud800", "\x00", "\udfff\ud800x", "\x7f\n\t", "\U0010ffff"])
def test_odd_characters_never_raise(text: str) -> None:
    for bold, serif in FACE_FILES:
        width = text_width(text, 12, bold=bold, serif=serif)
        assert width > 0


def test_unknown_and_control_characters_count_the_default_width() -> None:
    assert text_width("\ud800", 1000) == DEFAULT_WIDTH["sans"]
    assert text_width("\x00", 1000, serif=True) == DEFAULT_WIDTH["serif"]
    assert text_width("漢", 1000, bold=True) == DEFAULT_WIDTH["sans-bold"]


def test_combining_and_format_characters_count_zero() -> None:
    assert text_width("e\u0301", 12) == text_width("e", 12)  # e + combining acute
    assert text_width("a\u200db\u00ad", 12) == text_width("ab", 12)  # ZWJ, soft hyphen


def test_missing_characters_fall_back_to_another_face(monkeypatch: pytest.MonkeyPatch) -> None:
    from dagnote.drawing import metrics

    cp = ord("▽")
    monkeypatch.delitem(WIDTHS["sans"], cp)
    metrics._units.cache_clear()
    try:
        assert text_width("▽", 1000) == WIDTHS["sans-bold"][cp]
        monkeypatch.delitem(WIDTHS["sans-bold"], cp)
        metrics._units.cache_clear()
        assert text_width("▽", 1000) == WIDTHS["serif"][cp]
        monkeypatch.delitem(WIDTHS["serif"], cp)
        metrics._units.cache_clear()
        assert text_width("▽", 1000) == DEFAULT_WIDTH["sans"]
    finally:
        monkeypatch.undo()
        metrics._units.cache_clear()
    assert text_width("▽", 1000) == WIDTHS["sans"][cp]


def test_sub_and_superscript_runs_are_narrower() -> None:
    base = runs_width([Run("t")], 15)
    assert runs_width([Run("t", "sub")], 15) == pytest.approx(base * SCRIPT_RATIO)
    assert runs_width([Run("2", "sup")], 15) < runs_width([Run("2")], 15)
    mixed = runs_width([Run("x"), Run("t", "sub")], 15)
    assert mixed == pytest.approx(text_width("x", 15) + text_width("t", 15 * SCRIPT_RATIO))
    assert runs_width([Run("encoder")], 15, bold=True) == text_width("encoder", 15, bold=True)
    assert runs_width([], 15) == 0


def test_vertical_metrics_are_arial_hhea() -> None:
    assert ascent(1000) == pytest.approx(905)
    assert descent(1000) == pytest.approx(212)
    assert ascent(15) > descent(15) > 0
