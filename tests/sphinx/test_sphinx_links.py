"""Clickable figures in Sphinx: cross-reference targets resolved as a role resolves them
(this project's objects and documents, and another project's through intersphinx, from a
real objects.inv), URLs right for html, dirhtml and singlehtml, and linked figures written
as files shown by <object>."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

SVG = "{http://www.w3.org/2000/svg}"
DIAGRAM = """\
.. dagnote::

   x ~ X
   x -> [enc*] -> z -> [dec*] -> x'
   x', x -> (ce) -> loss
   min loss
   link [enc]: py:class:mypkg.Encoder
   link (ce): :py:func:`local.ce`
   link loss: :doc:`/api`
   link [dec]: py:class:nowhere.Missing
   link z: https://example.org/z?a=1&b=2
   link x': notes.html#prime
"""
PAGE = f"""\
Page
====

The role: :py:func:`local.ce`; the document: :doc:`/api`.

{DIAGRAM}"""


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """objects.inv of another project, built by Sphinx from a documented class."""
    from sphinx_helpers import run_build

    src = tmp_path_factory.mktemp("lib") / "src"
    (src / "mypkg").mkdir(parents=True)
    (src / "mypkg" / "__init__.py").write_text(
        'class Encoder:\n    """Maps x to z."""\n', encoding="utf-8")
    (src / "conf.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        'extensions = ["sphinx.ext.autodoc"]\nproject = "lib"\n', encoding="utf-8")
    (src / "index.rst").write_text("Lib\n===\n\n.. toctree::\n\n   reference\n",
                                   encoding="utf-8")
    (src / "reference.rst").write_text(
        "Reference\n=========\n\n.. autoclass:: mypkg.Encoder\n", encoding="utf-8")
    out = run_build(src, "html")
    assert out.warnings == ""
    return out.outdir / "objects.inv"


@pytest.fixture
def docs(tmp_path: Path, inventory: Path) -> Path:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinx_dagnote", "sphinx.ext.intersphinx"]\nproject = "links"\n'
        f'intersphinx_mapping = {{"lib": ("https://example.org/lib/", {str(inventory)!r})}}\n',
        encoding="utf-8")
    (src / "index.rst").write_text(
        "Links\n=====\n\n.. toctree::\n\n   api\n   sub/page\n\n" + PAGE.split("\n", 2)[2],
        encoding="utf-8")
    (src / "api.rst").write_text("API\n===\n\n.. py:function:: local.ce(a, b)\n\n   Loss.\n",
                                 encoding="utf-8")
    (src / "sub" / "page.rst").write_text(PAGE, encoding="utf-8")
    return src


def _links(svg: str) -> dict[str, str]:
    """data-key of each linked element -> its href (both href attributes agree)."""
    found = {}
    for a in fromstring(svg).iter(f"{SVG}a"):
        assert a.get("href") == a.get("{http://www.w3.org/1999/xlink}href")
        found[a.find(f"{SVG}g").get("data-key")] = a.get("href")
    return found


def _svg(page: str) -> str:
    match = re.search(r"<svg\b.*?</svg>", page, flags=re.S)
    assert match is not None
    return match.group(0)


def _role_href(page: str, title: str) -> str:
    """The href Sphinx itself wrote for the role or :doc: in the page's text."""
    match = re.search(rf'<a class="reference internal" href="([^"]*)"[^>]*>'
                      rf"(?:<code[^>]*>)?<span class=\"pre\">{re.escape(title)}", page)
    if match is None:
        match = re.search(rf'<a class="reference internal" href="([^"]*)"><span class="doc">'
                          rf"{re.escape(title)}", page)
    assert match is not None, title
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize(("builder", "pages"), [
    ("html", {"index.html": ("api.html#local.ce", "api.html"),
              "sub/page.html": ("../api.html#local.ce", "../api.html")}),
    ("dirhtml", {"index.html": ("api/#local.ce", "api/"),
                 "sub/page/index.html": ("../../api/#local.ce", "../../api/")}),
    ("singlehtml", {"index.html": None}),
])
def test_targets_resolve_like_roles(docs: Path, build, builder: str,
                                    pages: dict[str, tuple[str, str] | None]) -> None:
    out = build(docs, builder)
    for name, expected in pages.items():
        page = out.read(name)
        links = _links(_svg(page))
        assert links["mod:enc@1"] == "https://example.org/lib/reference.html#mypkg.Encoder"
        assert links["val:z"] == "https://example.org/z?a=1&b=2"
        assert links["val:x'"] == "notes.html#prime"  # as written: relative to the page
        assert links["op:ce@1"] == _role_href(page, "local.ce()")
        assert links["val:loss"] == _role_href(page, "API")
        if expected is not None:
            assert (links["op:ce@1"], links["val:loss"]) == expected
        assert "mod:dec@1" not in links  # unresolved: drawn, without a link
        assert 'data-key="mod:dec@1"' in page and "data-xref" not in page
    # the unresolved target is a located warning, once per page that shows it
    missing = re.findall(r"^(.*?):(\d+): WARNING: link target 'py:class:nowhere.Missing' "
                         r"not found", out.warnings, flags=re.M)
    assert sorted((Path(p).name, int(n)) for p, n in missing) == (
        [("index.rst", 21), ("page.rst", 15)])


def test_linked_figure_as_file_is_an_object(docs: Path, build) -> None:
    out = build(docs, "html", confoverrides={"dagnote_html_format": "img"})
    page = out.read("sub/page.html")
    match = re.search(r'<object data="\.\./_images/(dagnote-[0-9a-f]{16}\.svg)" '
                      r'type="image/svg\+xml" aria-label="[^"]+"><img src="\.\./_images/\1" '
                      r'alt="[^"]+" /></object>', page)
    assert match is not None
    svg = (out.outdir / "_images" / match.group(1)).read_text(encoding="utf-8")
    links = _links(svg)
    # relative to _images/, where the SVG is, and opened in the page (target _top)
    assert links["op:ce@1"] == "../api.html#local.ce"
    assert links["val:loss"] == "../api.html"
    assert links["val:x'"] == "../sub/notes.html#prime"
    assert links["mod:enc@1"] == "https://example.org/lib/reference.html#mypkg.Encoder"
    assert all(a.get("target") == "_top" for a in fromstring(svg).iter(f"{SVG}a"))
    # the same diagram on the index page links differently: its own file
    other = re.search(r'<object data="_images/(dagnote-[0-9a-f]{16}\.svg)"',
                      out.read("index.html"))
    assert other is not None and other.group(1) != match.group(1)
    assert _links((out.outdir / "_images" / other.group(1)).read_text())["val:x'"] == (
        "../notes.html#prime")


def test_unknown_role_is_a_located_warning(tmp_path: Path, build) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_dagnote"]\n', encoding="utf-8")
    (src / "index.rst").write_text("T\n=\n\n.. dagnote::\n\n   x -> [f] -> y\n"
                                   "   link [f]: py:klass:f\n   link y: nodomain:x:y\n",
                                   encoding="utf-8")
    out = build(src, "html")
    assert re.search(r"index\.rst:7: WARNING: unknown cross-reference role 'py:klass'",
                     out.warnings)
    assert re.search(r"index\.rst:8: WARNING: unknown cross-reference role 'nodomain:x'",
                     out.warnings)
    assert "<a " not in _svg(out.read("index.html"))
