"""Real ``mkdocs build`` runs: plain MkDocs, the plain extension, errors, cache, output."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError
from mkdocs_helpers import CYCLIC, Site, build_site, page, write

import dagnote

CLASSIFIER = """\
x, y ~ (X, Y)
x -> [f*] -> y'
y', y -> (ce) -> loss
min loss
"""

PLAIN_YML = """
site_name: plain
theme: mkdocs
plugins:
  - dagnote
"""

BAD_MD = f"""
---
title: Bad
---
# Bad page

Before the broken diagram.

```dagnote caption="ok"
{CLASSIFIER}```

```dagnote
{CYCLIC}```

Text after the broken diagram survives.
"""
BAD_LINE = 18  # `y -> (+) -> y` in docs/bad.md (front matter counted)


def test_plain_mkdocs_plugin(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": PLAIN_YML,
        "docs/index.md": f"""
            # Home

            ```dagnote caption="A <classifier> & co" alt="Classifier" id="fig-1" width=240
            {CLASSIFIER}```

            ```python
            print("plain code stays code")
            ```
            """.replace("\n            ", "\n"),
    })
    site = build_site(root, strict=True)
    html = page(site)
    assert '<figure class="dagnote-figure" id="fig-1">' in html
    assert '<div class="dagnote-image" style="width: 240px"><svg' in html
    assert 'aria-label="Classifier"' in html
    assert "<figcaption>A &lt;classifier&gt; &amp; co</figcaption>" in html
    assert "plain code stays code" in html and "language-python" in html
    assert "```dagnote" not in html
    # the core's theme CSS and the plugin's CSS are shipped and linked
    assert (site / "assets/dagnote/dagnote.css").read_text() == \
        dagnote.stylesheet_path().read_text()
    assert (site / "assets/dagnote/mkdocs-dagnote.css").is_file()
    assert 'href="assets/dagnote/dagnote.css"' in html
    assert (root / ".dagnote-cache").is_dir()


def test_plain_extension_without_plugin(make_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site({
        "mkdocs.yml": """
            site_name: ext
            theme: mkdocs
            markdown_extensions:
              - dagnote:
                  cache_dir: .cache-ext
                  summary: true
            """,
        "docs/index.md": f"# Ext\n\n```dagnote caption='from the extension'\n{CLASSIFIER}```\n",
        "docs/diagrams/d.dag": CLASSIFIER,
    })
    monkeypatch.chdir(root)
    html = page(build_site(root, strict=True))
    assert "<figcaption>from the extension</figcaption>" in html
    assert '<ul class="dagnote-summary"><li>Data: (X, Y).</li>' in html
    assert (root / ".cache-ext").is_dir()


def _bad_site(make_site: Site) -> Path:
    return make_site({
        "mkdocs.yml": PLAIN_YML,
        "docs/index.md": f"# Home\n\n```dagnote\n{CLASSIFIER}```\n",
        "docs/bad.md": BAD_MD,
    })


def test_broken_fence_warns_with_host_line_and_keeps_page(
    make_site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    root = _bad_site(make_site)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        site = build_site(root)
    warnings = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.dagnote"]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"docs/bad.md:{BAD_LINE}:"), warnings
    assert "cycle" in warnings[0]
    html = page(site, "bad")
    assert "Before the broken diagram." in html
    assert "Text after the broken diagram survives." in html
    assert html.count('class="dagnote-figure"') == 1  # the good one is still drawn
    assert 'class="dagnote-error admonition failure"' in html
    assert f"docs/bad.md:{BAD_LINE}:" in html
    assert "<figure" in page(site)  # other pages unaffected


def test_broken_fence_fails_strict_build(make_site: Site) -> None:
    root = _bad_site(make_site)
    with pytest.raises(Abort):
        build_site(root, strict=True)


def test_broken_fence_cli_strict_subprocess(make_site: Site) -> None:
    """The real command line: non-zero exit with --strict, the warning names bad.md:LINE.

    (The non-strict build of the same site is tested in-process above.)
    """
    root = _bad_site(make_site)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode != 0
    assert re.search(rf"WARNING\s+-\s+docs/bad\.md:{BAD_LINE}:\d+: error: .*cycle", proc.stderr)


def _snapshot(cache: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}


def test_second_build_runs_engine_zero_times_and_prunes(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": PLAIN_YML,
        "docs/index.md": f"# A\n\n```dagnote\n{CLASSIFIER}```\n",
        "docs/two.md": "# B\n\n```dagnote\nz ~ N(0, 1)\nz -> [g*] -> x\nmin x\n```\n"
                       "\n```dagnote\nx ~ X\nx -> [h*] -> y\nmin y\n```\n",
    })
    dagnote.render("x -> [warm] -> y")  # the layout workers are warm: only the build counts
    before = dagnote.engine_runs()
    build_site(root)
    assert dagnote.engine_runs() - before == 1  # three diagrams, ONE batch
    cache = root / ".dagnote-cache"
    snap = _snapshot(cache)
    assert len(list(dagnote.Cache(cache).keys())) == 3
    before = dagnote.engine_runs()
    build_site(root)
    assert dagnote.engine_runs() == before
    assert _snapshot(cache) == snap  # nothing rewritten, nothing new

    write(root, {"docs/two.md": "# B\n\n```dagnote\nx ~ X\nx -> [h*] -> y\nmin y\n```\n"})
    build_site(root)
    assert dagnote.engine_runs() == before  # the remaining diagrams are all cache hits
    assert len(list(dagnote.Cache(cache).keys())) == 2  # the removed diagram's entry is pruned


def test_output_file_writes_svgs_and_relative_links(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": PLAIN_YML.replace("- dagnote", "- dagnote:\n      output: file"),
        "docs/index.md": f"# A\n\n```dagnote alt='the classifier'\n{CLASSIFIER}```\n",
        "docs/sub/page.md": f"# B\n\n```dagnote\n{CLASSIFIER}```\n",
    })
    site = build_site(root, strict=True)
    src = re.search(r'<img src="([^"]+)" alt="the classifier"', page(site)).group(1)
    assert src.startswith("assets/dagnote/") and src.endswith(".svg")
    assert (site / src).read_text().startswith("<svg")
    sub = re.search(r'<img src="([^"]+)" alt="Data: ', page(site, "sub/page")).group(1)
    assert sub == "../../" + src
    assert "<svg" not in page(site)


def test_file_attribute_is_confined_to_docs(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": PLAIN_YML,
        "docs/index.md": """
            # Inc

            ```dagnote file="diagrams/ok.dag" caption="included"
            ```

            ```dagnote file="../secret.dag"
            ```

            ```dagnote file="/etc/passwd"
            ```

            ```dagnote file="diagrams/broken.dag"
            ```
            """.replace("\n            ", "\n"),
        "docs/diagrams/ok.dag": CLASSIFIER,
        "docs/diagrams/broken.dag": "x ~ X\nx -> x\n",
        "secret.dag": "secret ~ S\n",
    })
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda r: records.append(r.getMessage())  # type: ignore[method-assign]
    logging.getLogger("mkdocs.plugins.dagnote").addHandler(handler)
    try:
        html = page(build_site(root))
    finally:
        logging.getLogger("mkdocs.plugins.dagnote").removeHandler(handler)
    assert "<figcaption>included</figcaption>" in html
    assert "secret" not in html.replace("../secret.dag", "")
    assert any(m.startswith("docs/index.md:6: error: file='../secret.dag'") for m in records)
    # a leading / means the top of docs/, as in Sphinx: there is no docs/etc/passwd
    assert any("/etc/passwd" in m and "no such file in the docs directory" in m
               for m in records), records
    assert any(m.startswith("docs/diagrams/broken.dag:2:") and "docs/index.md:12" in m
               for m in records), records


def test_same_diagram_twice_on_a_page_gets_distinct_ids(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": PLAIN_YML,
        "docs/index.md": f"# A\n\n```dagnote\n{CLASSIFIER}```\n\n```dagnote\n{CLASSIFIER}```\n",
    })
    html = page(build_site(root, strict=True))
    ids = re.findall(r'<svg[^>]*\bid="([^"]+)"', html)
    assert len(ids) == 2 and ids[1] == ids[0] + "-2"
    all_ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(all_ids) == len(set(all_ids))


def test_on_error_raise_stops_the_build_with_a_located_message(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": PLAIN_YML.replace("- dagnote", "- dagnote:\n      on_error: raise"),
        "docs/index.md": "# A\n\n```dagnote\nx ~ X\nx -> x\n```\n",
    })
    with pytest.raises(Abort) as info:  # MkDocs turns the PluginError into a clean abort
        build_site(root)
    cause = info.value.__context__
    assert isinstance(cause, PluginError)
    assert re.match(r"docs/index\.md:5:\d+: error: .*cycle", str(cause))


def test_search_indexes_words_not_svg_and_pages_keep_their_svgs(make_site: Site) -> None:
    root = make_site({
        "mkdocs.yml": PLAIN_YML.replace("  - dagnote", "  - search\n  - dagnote"),
        "docs/index.md": f"""
            # Home

            ```dagnote caption="Zanzibar classifier"
            {CLASSIFIER}```

            ```dagnote
            {CLASSIFIER}```
            """.replace("\n            ", "\n"),
    })
    site = build_site(root, strict=True)
    html = page(site)
    assert html.count('<svg') == 2 and "dagnote-svg-" not in html  # placeholders restored
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Zanzibar classifier" in index
    # without parking, the SVG's style sheet and title/desc text land in the index
    assert "var(--" not in index and "Weights: f (trained)" not in index


def test_a_failed_layout_does_not_prune_the_cache(make_site: Site, monkeypatch,
                                                  tmp_path: Path) -> None:
    """A build whose layout workers cannot start warns and shows error boxes, but must not
    prune: its failed diagrams were never drawn, and the entries it did not use stay."""
    from dagnote.drawing import elk_runner

    root = make_site({
        "mkdocs.yml": PLAIN_YML,
        "docs/index.md": f"# A\n\n```dagnote\n{CLASSIFIER}```\n",
        "docs/two.md": "# B\n\n```dagnote\nz ~ N(0, 1)\nz -> [g*] -> x\nmin x\n```\n",
    })
    build_site(root)
    cache = root / ".dagnote-cache"
    assert len(list(dagnote.Cache(cache).keys())) == 2
    monkeypatch.setattr(elk_runner, "_pool", elk_runner.ElkPool())  # private, then broken
    missing = str(tmp_path / "no-such-python")
    monkeypatch.setattr(elk_runner, "_worker_command",
                        lambda: ([missing, "-m", "dagnote.drawing.elk_worker"], {}, str(root)))
    # two.md's diagram is replaced by one that must be laid out: it fails
    write(root, {"docs/two.md": "# B\n\n```dagnote\nx ~ X\nx -> [h*] -> y\nmin y\n```\n"})
    site = build_site(root)  # warns and shows an error box, but must not prune
    assert "dagnote-error" in page(site, "two") and "cannot start" in page(site, "two")
    assert len(list(dagnote.Cache(cache).keys())) == 2
    monkeypatch.undo()  # the layout works again: the diagram is drawn, the unused pruned
    site = build_site(root)
    assert "dagnote-error" not in page(site, "two")
    assert len(list(dagnote.Cache(cache).keys())) == 2


def test_page_text_that_looks_like_a_placeholder_is_left_alone(make_site: Site) -> None:
    """The placeholders that keep SVGs out of the search index cannot be forged: a page
    that holds their text keeps it, and each SVG is put back once, where it was."""
    forged = "<!--dagnote-svg-0-->\n\n<!--dagnote-svg-1-->\n\n<!--dagnote-svg-99-->"
    root = make_site({
        "mkdocs.yml": PLAIN_YML.replace("  - dagnote", "  - search\n  - dagnote"),
        "docs/index.md": f"# A\n\n{forged}\n\n```dagnote\n{CLASSIFIER}```\n\nAfter.\n",
    })
    html = page(build_site(root, strict=True))
    assert html.count("<svg") == 1
    assert all(html.count(comment) == 1 for comment in forged.split("\n\n"))
    assert html.index("<!--dagnote-svg-99-->") < html.index("<svg") < html.index("After.")


def test_fences_are_located_in_linear_time(make_site: Site, monkeypatch) -> None:
    """Each fence is matched to its line with a lookup, not a scan of the page's fences: a
    page of 2,000 tiny fences (5 distinct diagrams) normalises each text a few times."""
    from mkdocs_dagnote import renderer

    count = 2000
    fences = "".join(f"```dagnote\nx ~ X\nx -> [f*] -> y{i % 5}\nmin y{i % 5}\n```\n\n"
                     for i in range(count))
    root = make_site({"mkdocs.yml": PLAIN_YML, "docs/index.md": f"# Many\n\n{fences}"})
    calls = 0
    real = renderer.normalized

    def counting(source: str) -> str:
        nonlocal calls
        calls += 1
        return real(source)

    monkeypatch.setattr(renderer, "normalized", counting)
    html = page(build_site(root, strict=True))
    assert html.count("<svg") == count
    assert calls < 10 * count, calls


def test_layout_workers_start_while_pages_are_scanned_and_not_when_all_are_cached(
        make_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first page with a diagram to draw starts the layout workers (V8 loads while
    the rest of the site is scanned and checked), before the site's diagrams are handed
    to the render job; a rebuild answered from the cache starts none."""
    from dagnote.drawing import elk_runner

    root = make_site({
        "mkdocs.yml": PLAIN_YML,
        "docs/index.md": "# A\n\nNo diagram here.\n",
        "docs/one.md": f"# B\n\n```dagnote\n{CLASSIFIER}```\n",
        "docs/two.md": "# C\n\n```dagnote\nx ~ X\nx -> [h*] -> y\nmin y\n```\n",
    })
    events: list[str] = []
    real_warm_up, real_start = dagnote.warm_up, dagnote.start_render
    real_pool_warm = elk_runner.ElkPool.warm

    def warm_up(sources: list[str], *args: object) -> bool:
        started = real_warm_up(sources, *args)  # type: ignore[arg-type]
        events.append(f"warm_up {len(sources)} -> {started}")
        return started

    def start_render(*args: object, **kwargs: object) -> object:
        events.append("start_render")
        return real_start(*args, **kwargs)  # type: ignore[arg-type]

    def pool_warm(self: elk_runner.ElkPool) -> None:
        events.append("workers started")
        real_pool_warm(self)

    monkeypatch.setattr(dagnote, "warm_up", warm_up)
    monkeypatch.setattr(dagnote, "start_render", start_render)
    monkeypatch.setattr(elk_runner.ElkPool, "warm", pool_warm)
    build_site(root)
    # the first page with a diagram starts them; the next page is not looked up again
    assert events == ["workers started", "warm_up 1 -> True", "start_render"], events
    events.clear()
    build_site(root)
    assert "workers started" not in events
    assert events.count("warm_up 1 -> False") == 2, events
