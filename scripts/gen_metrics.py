"""Generate src/dagnote/drawing/metrics_table.py: advance widths read from Debian's fonts.

dagnote sizes every box from real font advance widths but must not need a font file (or
fontTools) at run time, so this script reads the fonts once and writes the widths out as a
plain Python module. Run it after the fonts change (``--check`` tells whether the table is
still what the installed fonts give)::

    .venv/bin/pip install 'fonttools>=4.40'     # generating only, not a runtime dependency
    .venv/bin/python scripts/gen_metrics.py [--check] [--output PATH]

Fonts (Debian 12: fonts-liberation, fonts-liberation2, fonts-dejavu-core/-extra). The figure
font is declared as ``Arial, 'Liberation Sans', Helvetica, sans-serif``; Liberation Sans is
metric-compatible with Arial and Helvetica, Liberation Serif with Times. For each face and
code point the width comes from the first *tier* of that face's chain that maps the code
point; inside a tier the larger advance wins:

1. Liberation 1.07 (``truetype/liberation``) and, when installed, Liberation 2.x
   (``truetype/liberation2``, which fontconfig picks for Arial/Helvetica on Debian 12 and
   which covers far more characters). The two releases differ on only a few glyphs
   (U+00B7 middle dot is 278 in 1.07 and 333 in 2.x); taking the larger keeps boxes wide
   enough whichever release a browser uses.
2. DejaVu Sans / Sans Bold / Serif, the face's own style: what fontconfig falls back to.
3. The other DejaVu style (Serif for the sans faces, Sans for serif), then DejaVu Math TeX
   Gyre, the only Debian font with the mathematical script capitals (𝒩 U+1D4A9, 𝒰 ...).

If no installed font has a Mathematical Alphanumeric Symbol, its width is approximated by the
plain letter it decomposes to (NFKC), in the same face, and the header says so.

Units: 1/1000 em (advance * 1000 / unitsPerEm, rounded). The default width for a character
no table has is the mean of all non-zero advances of the face's DejaVu counterpart: larger
than an 'n' (556 in Arial), so unknown scripts and symbols err towards a box too wide rather
than text spilling out of it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "dagnote" / "drawing" / "metrics_table.py"

LIB1 = Path("/usr/share/fonts/truetype/liberation")
LIB2 = Path("/usr/share/fonts/truetype/liberation2")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# Blocks measured for every face (inclusive ranges).
COVERAGE: tuple[tuple[int, int, str], ...] = (
    (0x0020, 0x007E, "ASCII printable"),
    (0x00A0, 0x00FF, "Latin-1 Supplement"),
    (0x0100, 0x017F, "Latin Extended-A"),
    (0x0370, 0x03FF, "Greek and Coptic"),
    (0x0400, 0x04FF, "Cyrillic"),
    (0x1F00, 0x1FFF, "Greek Extended"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x2070, 0x209F, "Superscripts and Subscripts"),
    (0x2100, 0x214F, "Letterlike Symbols"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2200, 0x22FF, "Mathematical Operators"),
    (0x2308, 0x230B, "ceilings and floors"),
    (0x25A0, 0x25FF, "Geometric Shapes"),
    (0x27E8, 0x27EB, "angle brackets"),
    (0x1D49C, 0x1D4CF, "Mathematical script letters"),
    (0x1D538, 0x1D56B, "Mathematical double-struck letters"),
)
MATH_ALNUM = (0x1D400, 0x1D7FF)


@dataclass(frozen=True)
class FontSource:
    path: Path
    required: bool = True


def _chain(primary: str, dejavu: str, other: str) -> list[list[FontSource]]:
    return [
        [FontSource(LIB1 / primary), FontSource(LIB2 / primary, required=False)],
        [FontSource(DEJAVU / dejavu, required=dejavu in ("DejaVuSans.ttf", "DejaVuSerif.ttf"))],
        [FontSource(DEJAVU / other)],
        [FontSource(DEJAVU / "DejaVuMathTeXGyre.ttf", required=False)],
    ]


FACES: dict[str, list[list[FontSource]]] = {
    "sans": _chain("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "DejaVuSerif.ttf"),
    "sans-bold": _chain("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"),
    "serif": _chain("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf"),
}
CONSTANT_NAMES = {"sans": "SANS", "sans-bold": "SANS_BOLD", "serif": "SERIF"}


class Font:
    """One font file: its cmap and advances normalised to 1000 units per em."""

    def __init__(self, path: Path) -> None:
        self.path = path
        font = TTFont(path, lazy=True)
        self.upem: int = font["head"].unitsPerEm
        version = font["name"].getDebugName(5) or "unknown"
        self.version: str = version.removeprefix("Version ").strip()
        self.family: str = font["name"].getDebugName(4) or path.stem
        self.hhea = font["hhea"]
        self.os2 = font["OS/2"]
        hmtx = font["hmtx"]
        glyph_order = font.getGlyphOrder()
        notdef = glyph_order[0] if glyph_order else ".notdef"
        self.advances: dict[int, float] = {
            cp: hmtx[name][0] for cp, name in font.getBestCmap().items() if name != notdef
        }

    def width(self, cp: int) -> int | None:
        adv = self.advances.get(cp)
        return None if adv is None else self.units(adv)

    def units(self, value: float) -> int:
        return round(value * 1000 / self.upem)

    def mean_width(self) -> int:
        return round(statistics.mean(self.units(a) for a in self.advances.values() if a > 0))


def _load(tiers: list[list[FontSource]], cache: dict[Path, Font]) -> list[list[Font]]:
    loaded: list[list[Font]] = []
    for tier in tiers:
        fonts = []
        for src in tier:
            if not src.path.exists():
                if src.required:
                    sys.exit(f"gen_metrics: missing font {src.path}")
                continue
            if src.path not in cache:
                cache[src.path] = Font(src.path)
            fonts.append(cache[src.path])
        if fonts:
            loaded.append(fonts)
    return loaded


def _code_points() -> list[int]:
    return [
        cp
        for lo, hi, _ in COVERAGE
        for cp in range(lo, hi + 1)
        if unicodedata.category(chr(cp)) not in ("Cc", "Cs", "Co")
    ]


@dataclass
class FaceTable:
    widths: dict[int, int]
    default: int
    supplied: dict[str, int]          # font label -> number of code points it supplied
    approximated: list[int]


def _measure(tiers: list[list[Font]]) -> FaceTable:
    widths: dict[int, int] = {}
    supplied: dict[str, int] = {}
    approximated: list[int] = []
    for cp in _code_points():
        for tier in tiers:
            found = [w for f in tier if (w := f.width(cp)) is not None]
            if found:
                widths[cp] = max(found)
                key = " / ".join(f"{f.family} {f.version}" for f in tier)
                supplied[key] = supplied.get(key, 0) + 1
                break
        else:
            if MATH_ALNUM[0] <= cp <= MATH_ALNUM[1]:
                base = unicodedata.normalize("NFKC", chr(cp))
                if len(base) == 1:
                    for tier in tiers:
                        found_w = [w for f in tier if (w := f.width(ord(base))) is not None]
                        if found_w:
                            widths[cp] = max(found_w)
                            approximated.append(cp)
                            break
    dejavu = tiers[1][0]
    return FaceTable(widths, dejavu.mean_width(), supplied, approximated)


def _chart(widths: dict[int, int]) -> list[str]:
    """Rows of 16 code points: the first code point in hex, then widths ('-' = absent)."""
    rows: list[str] = []
    for start in sorted({cp & ~0xF for cp in widths}):
        cells = [str(widths[cp]) if cp in widths else "-" for cp in range(start, start + 16)]
        rows.append(f"{start:05X} " + " ".join(c.rjust(4) for c in cells))
    return rows


def _ranges(cps: list[int]) -> str:
    out: list[tuple[int, int]] = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in out)


def render() -> tuple[str, dict[str, FaceTable]]:
    cache: dict[Path, Font] = {}
    tables = {face: _measure(_load(tiers, cache)) for face, tiers in FACES.items()}
    sans = Font(LIB1 / "LiberationSans-Regular.ttf")
    ascent, descent = sans.units(sans.hhea.ascent), sans.units(-sans.hhea.descent)
    line_gap = sans.units(sans.hhea.lineGap)
    cap_height = sans.units(sans.os2.sCapHeight)
    x_height = sans.units(sans.os2.sxHeight)
    same_as_win = (sans.hhea.ascent, -sans.hhea.descent) == (
        sans.os2.usWinAscent,
        sans.os2.usWinDescent,
    )
    win = " (equal to OS/2 usWinAscent/usWinDescent, as in Arial)" if same_as_win else ""
    typo = "" if sans.os2.fsSelection & (1 << 7) else " (USE_TYPO_METRICS is off)"

    head = [
        "# Generated by scripts/gen_metrics.py -- do not edit; rerun the script instead.",
        "#",
        "# Advance widths in 1/1000 em (rounded), read with fontTools from these fonts:",
    ]
    for path in cache:  # in chain order: sans, then what bold and serif add
        head.append(f"#   {cache[path].path}")
        head.append(f"#       {cache[path].family} {cache[path].version}")
    head += [
        "#",
        "# Per face, the first tier of fonts that maps a code point gives its width (the larger",
        "# advance when both Liberation releases have it); code points supplied per tier:",
    ]
    for face, table in tables.items():
        head.append(f"#   {face}: {len(table.widths)} code points")
        for key, n in table.supplied.items():
            head.append(f"#     {n:5d}  {key}")
        if table.approximated:
            head.append(
                f"#     {len(table.approximated):5d}  approximated by the plain letter's width "
                "(no installed font has them):"
            )
            head.append(f"#            {_ranges(table.approximated)}")
    head += [
        "#",
        *textwrap.wrap(
            "; ".join(f"U+{lo:04X}-{hi:04X} {name}" for lo, hi, name in COVERAGE) + ".",
            width=96,
            initial_indent="# Coverage: ",
            subsequent_indent="#   ",
        ),
        "# Default width (a character no table has): the mean of all non-zero advances of the",
        "# face's DejaVu counterpart (DejaVu Sans / Sans Bold / Serif).",
        *textwrap.wrap(
            "Vertical metrics: Liberation Sans hhea ascender/descender/lineGap"
            + win
            + f", what browsers lay lines out with; the OS/2 typo values "
            f"{sans.units(sans.os2.sTypoAscender)}/{sans.units(-sans.os2.sTypoDescender)} "
            f"are not used{typo}. Cap height and x-height from OS/2.",
            width=96,
            initial_indent="# ",
            subsequent_indent="# ",
        ),
    ]
    body = [
        '"""Font advance widths for measuring labels (generated; see scripts/gen_metrics.py)."""',
        "",
        "from __future__ import annotations",
        "",
        "UNITS_PER_EM = 1000",
        "",
        "# Liberation Sans (= Arial) vertical metrics, 1/1000 em, positive numbers.",
        f"SANS_ASCENT = {ascent}",
        f"SANS_DESCENT = {descent}",
        f"SANS_LINE_GAP = {line_gap}",
        f"SANS_CAP_HEIGHT = {cap_height}",
        f"SANS_X_HEIGHT = {x_height}",
        "",
        "DEFAULT_WIDTH: dict[str, int] = {",
        *(f'    "{face}": {t.default},' for face, t in tables.items()),
        "}",
        "",
        "",
        "def _parse(chart: str) -> dict[int, int]:",
        '    """Rows: the hex code point of the first column, then 16 widths (\'-\': absent)."""',
        "    widths: dict[int, int] = {}",
        "    for line in chart.strip().splitlines():",
        "        first, *cells = line.split()",
        "        start = int(first, 16)",
        "        for i, cell in enumerate(cells):",
        '            if cell != "-":',
        "                widths[start + i] = int(cell)",
        "    return widths",
        "",
    ]
    for face, table in tables.items():
        name = CONSTANT_NAMES[face]
        body += ["", f'_{name} = """', *_chart(table.widths), '"""']
    body += [
        "",
        "WIDTHS: dict[str, dict[int, int]] = {",
        *(f'    "{face}": _parse(_{CONSTANT_NAMES[face]}),' for face in tables),
        "}",
    ]
    return "\n".join(head + body) + "\n", tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the output file is not up to date"
    )
    args = parser.parse_args(argv)
    text, tables = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; rerun scripts/gen_metrics.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{face} {len(t.widths)}" for face, t in tables.items())
    print(f"wrote {args.output}: {counts} code points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
