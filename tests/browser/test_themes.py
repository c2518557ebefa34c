"""Light and dark pages in a real browser: diagrams follow the theme and keep contrast.

Small Sphinx (Furo, alabaster) and MkDocs (Material) sites are built with the extensions,
each with an inline diagram and one linked as ``<img>``; the theme's switch is flipped the
way its toggle does it, with the OS preference set both ways. Screenshots of every case are
kept in build/screenshots/ for people to look at.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cdp import Browser

ROOT = Path(__file__).resolve().parents[2]  # the repository


Image = pytest.importorskip("PIL.Image", reason="Pillow reads the screenshots' pixels")
VAE = (ROOT / "examples" / "seed" / "vae.dag").read_text(encoding="utf-8")
SEQ = (ROOT / "examples" / "seed" / "autoregression.dag").read_text(encoding="utf-8")


def _indent(text: str) -> str:
    return "".join(f"   {line}\n" for line in text.splitlines())


def build_sphinx(directory: Path, theme: str) -> Path:
    """A one-page Sphinx site: an inline diagram and an <img> diagram."""
    from sphinx.cmd.build import build_main

    src = directory / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        f"extensions = ['sphinx_dagnote']\nhtml_theme = {theme!r}\nproject = 'dn'\n",
        encoding="utf-8")
    (src / "index.rst").write_text(
        "Themes\n======\n\n.. dagnote::\n   :class: dn-inline\n\n" + _indent(VAE)
        + "\n.. dagnote::\n   :class: dn-img\n   :html-format: img\n\n" + _indent(SEQ),
        encoding="utf-8")
    out = directory / "html"
    assert build_main([str(src), str(out), "-q", "-b", "html"]) == 0
    return out / "index.html"


def build_mkdocs(directory: Path, output: str) -> Path:
    """A one-page Material for MkDocs site with light and dark palettes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = directory / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(
        "# Themes\n\n```dagnote\n" + VAE + "```\n", encoding="utf-8")
    config = directory / "mkdocs.yml"
    config.write_text(json.dumps({
        "site_name": "dn", "theme": {"name": "material", "palette": [
            {"scheme": "default", "toggle": {"icon": "material/brightness-7", "name": "Dark"}},
            {"scheme": "slate", "toggle": {"icon": "material/brightness-4", "name": "Light"}}]},
        "markdown_extensions": ["attr_list", "pymdownx.superfences"],
        "plugins": [{"dagnote": {"output": output, "cache_dir": ""}}],
    }), encoding="utf-8")
    build(load_config(str(config)))
    return directory / "site" / "index.html"


def luminance(rgb: tuple[int, ...]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: float, b: float) -> float:
    """WCAG contrast ratio of two luminances."""
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def ink_report(png: bytes) -> tuple[float, float]:
    """(luminance of the dominant colour, share of pixels at contrast >= 4.5 with it)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    total = image.width * image.height
    background = max(colours)[1]
    base = luminance(background)
    ink = sum(n for n, c in colours if contrast(luminance(c), base) >= 4.5)
    return base, ink / total


def shoot(browser: Browser, page: Path, name: str, dark_os: bool, script: str,
          screenshots: Path) -> dict[str, tuple[float, float]]:
    """Open ``page``, flip the theme with ``script``, screenshot; inks of each diagram."""
    browser.open(page.as_uri(), width=1100, height=900, dark=dark_os)
    browser.evaluate(script + ";new Promise(r => requestAnimationFrame(() => r(true)))")
    browser.screenshot(screenshots / f"{name}.png")
    rects = browser.evaluate("""
      Object.fromEntries([...document.querySelectorAll('.dn-inline, .dn-img')].map(el => {
        const image = el.querySelector('svg, img');
        const r = image.getBoundingClientRect();
        return [el.classList.contains('dn-inline') ? 'inline' : 'img',
                {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}];
      }))""")
    alts = browser.evaluate("[...document.querySelectorAll('.dn-img img')].map(i => i.alt)")
    assert all(alt.startswith("Data:") for alt in alts), (name, alts)
    inks = {}
    for kind, rect in rects.items():
        assert rect["width"] > 50 and rect["height"] > 50, (name, kind, rect)
        path = browser.screenshot(screenshots / f"{name}-{kind}.png", clip=rect)
        inks[kind] = ink_report(path.read_bytes())
    return inks


def assert_scheme(inks: dict[str, tuple[float, float]], dark: bool, where: str) -> None:
    """Each diagram sits on a light (or dark) ground and has enough contrasting ink."""
    assert inks, f"{where}: no diagram found"
    for kind, (base, share) in inks.items():
        if dark:
            assert base < 0.05, f"{where} {kind}: ground not dark (luminance {base:.2f})"
        else:
            assert base > 0.8, f"{where} {kind}: ground not light (luminance {base:.2f})"
        assert share > 0.01, f"{where} {kind}: too little visible ink ({share:.3%})"
        # lines and letters only: filled node boxes of the other scheme would add far more
        assert share < 0.06, f"{where} {kind}: too much contrasting area ({share:.3%})"


FURO_CASES = [  # (body[data-theme], OS prefers dark, expect dark)
    ("light", True, False), ("dark", False, True), ("auto", True, True), ("auto", False, False),
]


@pytest.fixture(scope="module")
def furo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Furo site."""
    return build_sphinx(tmp_path_factory.mktemp("furo"), "furo")


@pytest.mark.parametrize(("theme", "dark_os", "dark"), FURO_CASES)
def test_furo(browser: Browser, furo: Path, screenshots: Path, theme: str, dark_os: bool,
              dark: bool) -> None:
    """Furo's three modes, with the OS preference agreeing and disagreeing."""
    name = f"furo-{theme}-os{'dark' if dark_os else 'light'}"
    inks = shoot(browser, furo, name, dark_os,
                 f"document.body.dataset.theme = {theme!r}", screenshots)
    assert set(inks) == {"inline", "img"}
    assert_scheme(inks, dark, name)


@pytest.mark.parametrize("dark_os", [False, True])
def test_alabaster_stays_light(browser: Browser, tmp_path_factory: pytest.TempPathFactory,
                               screenshots: Path, dark_os: bool) -> None:
    """A light-only theme keeps light diagrams even when the OS prefers dark."""
    page = build_sphinx(tmp_path_factory.mktemp("alabaster"), "alabaster")
    name = f"alabaster-os{'dark' if dark_os else 'light'}"
    inks = shoot(browser, page, name, dark_os, "0", screenshots)
    assert set(inks) == {"inline", "img"}
    assert_scheme(inks, False, name)


@pytest.mark.parametrize("output", ["inline", "file"])
def test_material(browser: Browser, tmp_path_factory: pytest.TempPathFactory,
                  screenshots: Path, output: str) -> None:
    """Material's default and slate schemes, flipped as its palette toggle does."""
    page = build_mkdocs(tmp_path_factory.mktemp(f"material-{output}"), output)
    mark = ("document.querySelectorAll('.dagnote-figure').forEach(f => f.classList.add("
            "f.querySelector('img') ? 'dn-img' : 'dn-inline'));")
    for scheme, dark in (("default", False), ("slate", True)):
        for dark_os in (False, True):
            name = f"material-{output}-{scheme}-os{'dark' if dark_os else 'light'}"
            inks = shoot(browser, page, name, dark_os, mark
                         + f"document.body.dataset.mdColorScheme = {scheme!r}", screenshots)
            assert list(inks) == ["img" if output == "file" else "inline"], (name, inks)
            assert_scheme(inks, dark, name)
