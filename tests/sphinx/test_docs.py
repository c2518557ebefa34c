"""The project's own docs: gallery copies stay identical, settings are documented, it builds,
and the examples of the quickstart, MkDocs and API pages work as written."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points, metadata, packages_distributions
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from sphinx_dagnote.config import SETTINGS

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
SEED = REPO / "examples" / "seed"


def test_gallery_sources_are_copies_of_the_seed_examples() -> None:
    seed = sorted(p.name for p in SEED.glob("*.dag"))
    assert len(seed) == 9
    assert sorted(p.name for p in (DOCS / "gallery").glob("*.dag")) == seed
    for name in seed:
        assert (DOCS / "gallery" / name).read_bytes() == (SEED / name).read_bytes(), name


def test_configuration_page_documents_every_setting_and_option() -> None:
    page = (DOCS / "configuration.rst").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"``{setting.name}``" in page, setting.name
    from sphinx_dagnote.directive import DagnoteDirective

    for option in DagnoteDirective.option_spec:
        assert f"``:{option}:" in page or f"/ ``:{option}:``" in page, option


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory):
    from sphinx_helpers import run_build

    src = tmp_path_factory.mktemp("docs") / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    shutil.copy(REPO / ".readthedocs.yaml", src.parent)  # install.rst includes it
    return run_build(src, "html")


def test_docs_build_cleanly_in_strict_mode(built_docs) -> None:
    assert "WARNING" not in built_docs.warnings, built_docs.warnings


def test_docs_show_every_gallery_figure(built_docs) -> None:
    html = built_docs.read("gallery.html")
    svgs = re.findall(r'<svg [^>]*class="dagnote"', html)
    assert len(svgs) == 9
    assert "dagnote-error" not in html
    assert len(re.findall(r'caption-number">Fig\. \d+', html)) == 9


def test_docs_highlight_every_dagnote_source(built_docs) -> None:
    """Every shown .dag source is highlighted by dagnote's Pygments lexer (no plain text,
    and no "lexer name 'dagnote' is not known" warning in the strict build)."""
    for page, count in (("gallery.html", 9), ("setups.html", 6), ("intro.html", 1),
                        ("syntax.html", 1)):
        html = built_docs.read(page)
        assert html.count('<div class="highlight-dagnote notranslate">') >= count, page
        assert '<span class="k">min</span>' in html, page
    for rst in DOCS.glob("*.rst"):
        text = rst.read_text(encoding="utf-8")
        assert not re.search(r"literalinclude:: \S+\.dag\n\s+:language: text", text), rst.name


def test_notebook_page_is_executed_in_a_kernel(built_docs) -> None:
    """docs/notebooks.md runs in a Jupyter kernel at build time (myst-nb): the cells'
    outputs are the magic's figures and its located problems."""
    html = built_docs.read("notebooks.html")
    assert len(re.findall(r'<svg [^>]*class="dagnote"', html)) == 4
    assert "<figcaption>A classifier, trained with a cross-entropy loss.</figcaption>" in html
    assert "cell:4:6: warning: trainable module &#x27;g&#x27; is never updated" in html
    assert "cell:3:6: error: &#x27;[&#x27; is never closed with &#x27;]&#x27;" in html
    assert "&lt;dagnote.Diagram: 7 lines, 0 problems&gt;" in html
    assert re.search(r"&lt;Rendered: [\d,]+ bytes&gt;", html)


def test_setups_show_summaries(built_docs) -> None:
    html = built_docs.read("setups.html")
    assert len(re.findall(r'<svg [^>]*class="dagnote"', html)) >= 6
    assert html.count('class="dagnote-summary legend"') >= 6
    for weights in ("target (frozen)", "teacher (frozen)", "lm (frozen)"):
        assert weights in html


# What "Writing your own setup" must show between its sources: every construct of the
# language (issue 15), each found by a pattern in at least one setup.
OWN_SETUP_FEATURES = {
    "call-like value": r"-> Q\(s, a\)",
    "formatting in a prior's arguments": r"~ [NU]\([^)\n]*[_^]",
    "sample from a module": r" ~> ",
    "reparameterised sample": r" ~r> ",
    "score-function objective": r"^max [^\n]* by score",
    "non-differentiable operator": r"\(argmax/\)",
    "straight-through": r"^straight-through \S+ to \S+",
    "gradient operator": r"\(∇",
    "labelled frame repeated": r'^group "[^"]+" ×N: ',
    "module frame": r"^group \[[^\]]+\*\]: ",
    "link": r"^link \S+: https://",
    "allow": r"^allow [\w-]+: ",
    "show problems": r"^show problems$",
    "stop-gradient": r" -/-> ",
    "weight copy": r" \.\.> .*: (ema|copy)$",
    "shared weights": r"@2\]",
    "given": r"^given ",
    "seq slice": r"^seq \S+ = \w+\[",
    "note": r"^note ",
    "direction": r"^direction (LR|BT|RL)$",
    "module label": r"\[\w+: \w+\*?\]",
    "quoted value": r'-> "[^"]+"',
    "from left": r"from left$",
}


def _own_setup_sources() -> dict[str, str]:
    """The sources the page draws (``.. dagnote:: own-setups/NAME.dag``), by file name."""
    page = (DOCS / "own-setups.rst").read_text(encoding="utf-8")
    return {name: (DOCS / name).read_text(encoding="utf-8")
            for name in re.findall(r"^\.\. dagnote:: (own-setups/\S+\.dag)$", page, re.M)}


def test_own_setups_page_covers_every_construct_of_the_language() -> None:
    sources = _own_setup_sources()
    assert len(sources) >= 12, sorted(sources)
    assert sorted(sources) == sorted(f"own-setups/{p.name}"
                                     for p in (DOCS / "own-setups").glob("*.dag"))
    missing = [feature for feature, pattern in OWN_SETUP_FEATURES.items()
               if not any(re.search(pattern, s, re.M) for s in sources.values())]
    assert not missing, missing
    several = [name for name, s in sources.items()
               if any(n > 1 for n in Counter(re.findall(r"^phase (\(\w+\)|\w+):", s,
                                                        re.M)).values())]
    assert several, "no setup holds two objectives in one phase"


def test_own_setups_page_draws_every_setup(built_docs) -> None:
    html = built_docs.read("own-setups.html")
    figures = len(_own_setup_sources())
    assert len(re.findall(r'<svg [^>]*class="dagnote"', html)) == figures >= 12
    assert len(re.findall(r'caption-number">Fig\. \d+', html)) == figures
    assert html.count('<div class="highlight-dagnote notranslate">') == figures
    assert "dagnote-error" not in html
    assert html.count('class="dn-node dn-legend"') == 1  # the deliberate mistakes, marked
    assert 'href="own-setups.html"' in built_docs.read("setups.html")  # in the toctree


# -- the pages' own examples, run as written ----------------------------------------------

_TITLE = re.compile(r"^(\S[^\n]*)\n([-=])\2{2,}\n", re.M)
_CODE_BLOCK = re.compile(
    r"^\.\. code-block:: (?P<lang>\S+)\n(?P<options>(?:   :[\w-]+:.*\n)*)\n"
    r"(?P<body>(?:(?:   .*)?\n)+)", re.M)
_CAPTION = re.compile(r"   :caption: (\S+)\n")
BIN = Path(sys.executable).parent  # sphinx-build, mkdocs, dagnote of this environment


@dataclass
class Example:
    """One section of a docs page: the files it shows (by caption) and its commands."""

    page: str
    section: str
    files: dict[str, str] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def examples(page: str) -> list[Example]:
    """Every section of ``docs/<page>.rst`` that shows a file, in page order."""
    text = (DOCS / f"{page}.rst").read_text(encoding="utf-8")
    titles = list(_TITLE.finditer(text))
    found = []
    for title, after in zip(titles, [*titles[1:], None], strict=True):
        body = text[title.end() : after.start() if after else len(text)]
        example = Example(page, title.group(1))
        for block in _CODE_BLOCK.finditer(body):
            content = textwrap.dedent(block.group("body")).strip("\n") + "\n"
            caption = _CAPTION.search(block.group("options"))
            if block.group("lang") == "console":
                example.commands += [line[2:] for line in content.splitlines()
                                     if line.startswith("$ ")]
            elif caption:
                example.files[caption.group(1)] = content
            elif block.group("lang") == "text":
                example.texts.append(content)
        if example.files:
            found.append(example)
    return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_by(requirements: list[str]) -> set[str]:
    """The distributions ``pip install REQUIREMENTS`` brings directly: each named package,
    and for ``dagnote[extras]`` its dependencies and those of the extras (as published in
    this environment's metadata, so a changed pyproject.toml counts once reinstalled)."""
    names = set()
    for requirement in map(Requirement, requirements):
        names.add(_canonical(requirement.name))
        if _canonical(requirement.name) != "dagnote":
            continue
        assert requirement.extras <= set(metadata("dagnote").get_all("Provides-Extra") or [])
        for dependency in map(Requirement, metadata("dagnote").get_all("Requires-Dist") or []):
            marker = dependency.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in requirement.extras):
                names.add(_canonical(dependency.name))
    return names


def used_by(files: dict[str, str]) -> set[str]:
    """The distributions a ``conf.py`` or ``mkdocs.yml`` of an example loads."""
    modules = packages_distributions()
    names: set[str] = set()
    if "docs/conf.py" in files:
        conf: dict[str, object] = {}
        exec(files["docs/conf.py"], conf)  # noqa: S102 - the page's own example
        for extension in conf.get("extensions", []):
            names.update(modules[extension.split(".")[0]])
        theme = conf.get("html_theme", "alabaster")  # alabaster comes with Sphinx
        names.update(modules[theme] if theme != "alabaster" else ["sphinx"])
    if "mkdocs.yml" in files:
        config = yaml.safe_load(files["mkdocs.yml"])
        groups = {"mkdocs.plugins": config.get("plugins", []),
                  "mkdocs.themes": [config.get("theme", {}).get("name", "mkdocs")],
                  "markdown.extensions": config.get("markdown_extensions", [])}
        for group, listed in groups.items():
            points = {ep.name: ep.dist.name for ep in entry_points(group=group)}
            for item in listed:
                name = next(iter(item)) if isinstance(item, dict) else item
                dist = points.get(name) or modules[name.split(".")[0]][0]
                names.add(dist)
    return {_canonical(n) for n in names}


def run_example(example: Example, root: Path) -> str:
    """Write the example's files into ``root`` and run its commands there (without a
    shell); returns their output. What the files load (Sphinx extensions, MkDocs theme,
    plugins, Markdown extensions) must come with what its ``pip install`` lines name."""
    for name, content in example.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "NO_MKDOCS_2_WARNING": "1"}  # Material's note about MkDocs 2, not ours
    output, installed = [], set()
    for command in example.commands:
        argv = shlex.split(command)
        if argv[:2] == ["pip", "install"]:
            installed |= installed_by(argv[2:])
            continue
        assert (BIN / argv[0]).is_file(), f"{example.section}: no command {argv[0]}"
        done = subprocess.run([str(BIN / argv[0]), *argv[1:]], cwd=root, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        output.append(done.stdout + done.stderr)
    missing = used_by(example.files) - installed
    assert not missing, f"{example.page}: {example.section} needs {missing}, not installed"
    return "\n".join(output)


# what each example builds, and how many figures it must show
BUILT = {
    ("quickstart", "Sphinx"): ("docs/_build/html/index.html", 1),
    ("quickstart", "Markdown in Sphinx (MyST)"): ("docs/_build/html/index.html", 1),
    ("quickstart", "MkDocs"): ("site/index.html", 1),
    ("quickstart", "Command line"): ("figures/classifier.svg", 1),
    ("mkdocs", "With Material for MkDocs"): ("site/index.html", 2),
}
EXAMPLES = [e for page in ("quickstart", "mkdocs") for e in examples(page)]


def test_every_example_with_files_is_built() -> None:
    assert {(e.page, e.section) for e in EXAMPLES} == set(BUILT)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.page}:{e.section}")
def test_docs_examples_build_as_written(example: Example, tmp_path: Path) -> None:
    output = run_example(example, tmp_path)
    assert not re.search(r"\bwarnings?\b", output, re.I), output  # not suppress_warnings
    built, figures = BUILT[(example.page, example.section)]
    page = (tmp_path / built).read_text(encoding="utf-8")
    assert len(re.findall(r'<svg [^>]*class="dagnote"', page)) == figures, built
    assert "dagnote-error" not in page


def test_quickstart_shows_the_warning_sphinx_gives(tmp_path: Path) -> None:
    """The page's sample warning is what Sphinx says for ``min los`` (same line, same
    words), so a changed message or line numbering shows up here."""
    [example] = [e for e in EXAMPLES if e.section == "Sphinx"]
    [sample] = [t for t in example.texts if "WARNING" in t]
    where, said = re.fullmatch(r"\S*?(docs/index\.rst:\d+): WARNING: (.*)\n", sample).groups()
    index = example.files["docs/index.rst"]
    assert index.count("min loss") == 1
    broken = replace(example, files={**example.files,
                                     "docs/index.rst": index.replace("min loss", "min los")})
    assert f"{where}: WARNING: {said}" in run_example(broken, tmp_path)


def test_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DOCS / "api.rst").read_text(encoding="utf-8")
    first = next(b for b in _CODE_BLOCK.finditer(text) if b.group("lang") == "python")
    monkeypatch.chdir(tmp_path)
    exec(compile(textwrap.dedent(first.group("body")), "api.rst", "exec"), {})  # noqa: S102
    svg = (tmp_path / "classifier.svg").read_text(encoding="ascii")
    assert svg.startswith("<svg ") and 'class="dagnote"' in svg


def test_readme_quickstart_is_the_docs_quickstart() -> None:
    """The README's short quickstart shows the same files as docs/quickstart.rst and
    installs extras that exist."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for example in EXAMPLES:
        if example.page == "quickstart" and example.section in ("Sphinx", "MkDocs"):
            for name, content in example.files.items():
                assert content in readme, name
    installs = re.findall(r"^pip install (\S+)", readme, re.M)
    assert len(installs) >= 4
    assert installed_by([s.strip('"') for s in installs]) >= {"sphinx", "myst-parser",
                                                               "mkdocs", "resvg-py"}


def test_read_the_docs_installs_what_the_docs_load() -> None:
    """.readthedocs.yaml (pip only) installs every extension and the theme docs/conf.py
    uses, builds a PDF too; the copy-paste version on the install page installs Sphinx
    and MyST-Parser through the extra it names."""
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["sphinx"]["configuration"] == "docs/conf.py"
    assert config["formats"] == ["pdf"] and "apt_packages" not in config.get("build", {})
    [install] = config["python"]["install"]
    assert install["method"] == "pip" and install["path"] == "."
    installed = installed_by([f"dagnote[{','.join(install['extra_requirements'])}]"])
    conf = (DOCS / "conf.py").read_text(encoding="utf-8")
    assert used_by({"docs/conf.py": conf}) <= installed

    [example] = [e for e in examples("install") if e.section == "Read the Docs"]
    users = yaml.safe_load(example.files[".readthedocs.yaml"])
    assert users["formats"] == ["pdf"]
    [install] = users["python"]["install"]
    requirements = example.files[install["requirements"]].split()
    assert installed_by(requirements) >= {"sphinx", "myst-parser"}
