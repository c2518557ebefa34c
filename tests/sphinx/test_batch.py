"""One batch render per build, a shared cache, and deterministic parallel builds."""

from __future__ import annotations

from pathlib import Path

import dagnote
import sphinx_dagnote


def _many_pages(src: Path, pages: int = 5) -> None:
    names = [f"p{i}" for i in range(pages)]
    (src / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n" + "".join(f"   {n}\n" for n in names),
        encoding="utf-8")
    for i, name in enumerate(names):
        (src / f"{name}.rst").write_text(
            f"P{i}\n==\n\n.. dagnote::\n\n   x ~ X\n   x -> [f{i}*] -> y\n   min y\n\n"
            f".. dagnote::\n   :direction: LR\n\n   z ~ N(0, 1)\n   z -> [g{i}*] -> w\n"
            "   max w\n", encoding="utf-8")
    (src / "other.rst").unlink(missing_ok=True)
    (src / "page.rst").unlink(missing_ok=True)


def test_one_layout_request_per_option_set_then_cache_hits(project, build) -> None:
    src = project("broken")
    _many_pages(src)
    # a render before the build: the layout workers are started and warm
    dagnote.render_many(["x ~ X\nx -> [f*] -> y\nmin y"], dagnote.RenderOptions(),
                        dagnote.Cache(src / "_warmup-cache"))
    before = dagnote.engine_runs()
    first = build(src, "html")
    runs = dagnote.engine_runs() - before
    assert runs == 2, runs  # two option sets (default and LR), ten diagrams
    assert "WARNING" not in first.warnings
    before = dagnote.engine_runs()
    build(src, "html", freshenv=True)  # same cache, everything re-read and re-written
    assert dagnote.engine_runs() - before == 0
    before = dagnote.engine_runs()
    build(src, "singlehtml")  # another builder shares the cache
    assert dagnote.engine_runs() - before == 0
    assert (src / "_build" / "doctrees" / "dagnote-cache").is_dir()


def test_parallel_safety_is_declared() -> None:
    class App:
        def __getattr__(self, name: str):
            return lambda *a, **k: None

    meta = sphinx_dagnote.setup(App())  # type: ignore[arg-type]
    assert meta["parallel_read_safe"] is True and meta["parallel_write_safe"] is True


def test_parallel_and_serial_builds_write_identical_html(project, tmp_path: Path) -> None:
    from sphinx.cmd.build import build_main

    src = project("broken")
    _many_pages(src, pages=8)
    outputs = {}
    for jobs in ("1", "3"):
        out = tmp_path / f"j{jobs}"
        code = build_main(["-q", "-E", "-j", jobs, "-b", "html", "-d", str(out / ".doctrees"),
                           str(src), str(out / "html")])
        assert code == 0
        outputs[jobs] = {p.relative_to(out / "html"): p.read_bytes()
                         for p in sorted((out / "html").glob("*.html"))}
    assert outputs["1"].keys() == outputs["3"].keys() and len(outputs["1"]) >= 9
    for name, content in outputs["1"].items():
        assert content == outputs["3"][name], name
    assert all(b'class="dagnote"' in c for n, c in outputs["1"].items()
               if str(n).startswith("p"))


def test_parallel_read_merges_every_diagram(project, build) -> None:
    src = project("broken")
    _many_pages(src, pages=8)
    out = build(src, "html", parallel=3)
    registry = out.app.env.dagnote_diagrams
    assert sorted(registry) == [f"p{i}" for i in range(8)]
    assert all(len(entries) == 2 for entries in registry.values())


def test_a_rebuild_with_no_change_loads_no_drawing_code(project) -> None:
    """A warm rebuild must cost what the page build costs: no config change reported,
    no diagram looked up, none of the parser, drawing or XML modules imported."""
    import subprocess
    import sys

    src = project("broken")
    _many_pages(src)
    out = src / "_build" / "html"
    script = (
        "import sys\n"
        "from sphinx.cmd.build import build_main\n"
        f"code = build_main(['-b', 'html', {str(src)!r}, {str(out)!r}])\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith(('dagnote.', 'lxml'))))\n"
        "sys.exit(code)\n"
    )
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=False)
    assert first.returncode == 0, first.stderr
    assert "dagnote.build.pipeline" in first.stdout  # the cold build drew
    # the SVG is written with the ElementTree Sphinx has loaded anyway: lxml would add
    # ~4 MiB to the build process (issue 14's memory target)
    assert "'lxml" not in first.stdout, first.stdout
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=False)
    assert again.returncode == 0, again.stderr
    assert "configuration has changed" not in again.stdout
    loaded = again.stdout.split("LOADED", 1)[1]
    assert "dagnote.drawing" in first.stdout  # the names below are the modules that draw
    for module in ("dagnote.build.pipeline", "dagnote.language.parse", "dagnote.drawing"):
        assert module not in loaded, loaded  # (dagnote.drawing also covers its modules)
