"""Paths: a diagram file outside the docs source is refused, whatever the spelling.

A page must not publish ``../secrets`` or ``/etc/passwd`` through a diagram file argument
(Sphinx ``.. dagnote:: FILE``, MkDocs ``file=``), neither directly nor through a symlink.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .hosts import build_mkdocs, build_sphinx, write

SECRET = "secret_token ~ S\n"
GOOD = "x ~ X\nx -> [f*] -> loss\nmin loss\n"


def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.dag"
    secret.parent.mkdir(parents=True)
    secret.write_text(SECRET)
    return secret


def sphinx_attempts(tmp_path: Path) -> dict[str, str]:
    """Argument spellings that all point at (or try to reach) the file outside."""
    secret = outside(tmp_path)
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "link.dag").symlink_to(secret)
    (src / "linkdir").symlink_to(secret.parent, target_is_directory=True)
    return {
        "dotdot": "../outside/secret.dag",
        "deep dotdot": "sub/../../outside/secret.dag",
        "absolute": str(secret),
        "symlink file": "link.dag",
        "symlink dir": "linkdir/secret.dag",
    }


@pytest.mark.parametrize("kind", ["dotdot", "deep dotdot", "absolute", "symlink file",
                                  "symlink dir"])
def test_sphinx_refuses_files_outside_the_source(tmp_path: Path, kind: str) -> None:
    argument = sphinx_attempts(tmp_path)[kind]
    src = tmp_path / "src"
    write(src, {"index.rst": f"Title\n=====\n\n.. dagnote:: {argument}\n"})
    html, warnings = build_sphinx(src)
    assert "secret_token" not in html
    assert "index.rst" in warnings and "dagnote" in warnings, warnings
    assert ("outside the source directory" in warnings or "cannot read" in warnings), warnings


def test_sphinx_reads_a_file_inside_the_source(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {"index.rst": "Title\n=====\n\n.. dagnote:: figs/ok.dag\n", "figs/ok.dag": GOOD})
    html, warnings = build_sphinx(src)
    assert "<svg" in html and "dagnote" not in warnings.lower().replace("sphinx_dagnote", "")


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink file", "symlink dir"])
def test_mkdocs_refuses_files_outside_docs(tmp_path: Path, kind: str,
                                           caplog: pytest.LogCaptureFixture) -> None:
    secret = outside(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "link.dag").symlink_to(secret)
    (docs / "linkdir").symlink_to(secret.parent, target_is_directory=True)
    argument = {"dotdot": "../outside/secret.dag", "absolute": str(secret),
                "symlink file": "link.dag", "symlink dir": "linkdir/secret.dag"}[kind]
    write(tmp_path, {"docs/index.md": f'# T\n\n```dagnote file="{argument}"\n```\n'})
    html = build_mkdocs(tmp_path)
    assert "secret_token" not in html
    assert any("index.md" in r.getMessage() and "file=" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]


# -- names that cannot be opened: located errors in every host, never a crash -------------

CLI = [sys.executable, "-m", "dagnote"]
LONG_NAME = "d" * 300 + ".dag"  # longer than NAME_MAX (255): ENAMETOOLONG from the kernel


def dagnote_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          check=False)


def mkdocs_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.dagnote")]


def _symlink_loop(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "loop.dag").symlink_to("loop.dag")  # ln -s loop.dag loop.dag


def test_sphinx_reports_a_symlink_loop(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _symlink_loop(src)
    write(src, {"index.rst": "Title\n=====\n\n.. dagnote:: loop.dag\n\nText after.\n"})
    html, warnings = build_sphinx(src)
    assert "Text after." in html
    assert re.search(r"index\.rst:4: WARNING: .*loop\.dag.*symlink loop", warnings), warnings


def test_mkdocs_reports_a_symlink_loop(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _symlink_loop(tmp_path / "docs")
    write(tmp_path, {"docs/index.md": '# T\n\n```dagnote file="loop.dag"\n```\n\nText after.\n'})
    html = build_mkdocs(tmp_path, "exclude_docs: loop.dag\n")  # MkDocs cannot copy it
    assert "Text after." in html and "dagnote-error" in html
    assert any(m.startswith("docs/index.md:3: error: file='loop.dag'") and "symlink loop" in m
               for m in mkdocs_warnings(caplog)), mkdocs_warnings(caplog)


def test_cli_reports_a_symlink_loop_and_goes_on(tmp_path: Path) -> None:
    _symlink_loop(tmp_path)
    (tmp_path / "ok.dag").write_text(GOOD)
    page = tmp_path / "page.md"
    page.write_text('# T\n\n```dagnote file="loop.dag"\n```\n\n```dagnote\nx ~ \n```\n')
    proc = dagnote_cli("check", str(tmp_path / "loop.dag"), str(page), str(tmp_path / "ok.dag"),
                       "--root", str(tmp_path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"{tmp_path / 'loop.dag'}: error: " in proc.stderr and "symlink loop" in proc.stderr
    assert f"{page}:3: error: file='loop.dag'" in proc.stderr
    assert f"{page}:7:4: error:" in proc.stderr  # the page's other block is still checked


def test_sphinx_nul_byte_in_the_file_argument_is_a_warning(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {"index.rst": "Title\n=====\n\n.. dagnote:: a\x00b.dag\n\nText after.\n"})
    html, warnings = build_sphinx(src)
    assert "Text after." in html
    assert re.search(r"index\.rst:4: WARNING: .*NUL byte", warnings), warnings


def test_sphinx_reports_a_name_too_long(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {"index.rst": f"Title\n=====\n\n.. dagnote:: {LONG_NAME}\n\nText after.\n"})
    html, warnings = build_sphinx(src)
    assert "Text after." in html
    assert re.search(r"index\.rst:4: WARNING: .*name is too long", warnings), warnings


def test_mkdocs_reports_a_name_too_long(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, {"docs/index.md": f'# T\n\n```dagnote file="{LONG_NAME}"\n```\n\nAfter.\n'})
    html = build_mkdocs(tmp_path)
    assert "After." in html and "dagnote-error" in html
    assert any(m.startswith("docs/index.md:3: error: file=") and "name is too long" in m
               for m in mkdocs_warnings(caplog)), mkdocs_warnings(caplog)


def test_cli_reports_a_name_too_long(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(f'# T\n\n```dagnote file="{LONG_NAME}"\n```\n')
    rst = tmp_path / "page.rst"
    rst.write_text(f"T\n=\n\n.. dagnote:: {LONG_NAME}\n")
    proc = dagnote_cli("check", str(page), str(rst), str(tmp_path / LONG_NAME))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"{page}:3: error: file=" in proc.stderr
    assert f"{rst}:4: error: " in proc.stderr
    assert proc.stderr.count("name is too long") == 3, proc.stderr


# -- hidden files and non-diagram files never reach a page -----------------------------------

ENV = "API_KEY = hunter2\nDB_PASSWORD hunter3\n"


@pytest.mark.parametrize("name", [".env", ".secrets/x.dag", "link.dag"])
def test_mkdocs_refuses_hidden_files(tmp_path: Path, name: str,
                                     caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, {"docs/.env": ENV, "docs/.secrets/x.dag": ENV,
                     "docs/index.md": f'# T\n\n```dagnote file="{name}"\n```\n'})
    (tmp_path / "docs" / "link.dag").symlink_to(".env")  # a visible name for a hidden file
    html = build_mkdocs(tmp_path)
    assert "hunter" not in html and "API_KEY" not in html
    assert any(m.startswith(f"docs/index.md:3: error: file='{name}'") and "hidden" in m
               for m in mkdocs_warnings(caplog)), mkdocs_warnings(caplog)


def test_sphinx_refuses_hidden_files(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {".env": ENV, "index.rst": "Title\n=====\n\n.. dagnote:: .env\n"})
    html, warnings = build_sphinx(src)
    assert "hunter" not in html and "API_KEY" not in html
    assert re.search(r"index\.rst:4: WARNING: .*hidden", warnings), warnings


def test_the_plain_extension_reads_no_file_unless_configured(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import markdown

    from mkdocs_dagnote.extension import DagnoteExtension

    write(tmp_path, {"docs/x.dag": GOOD})
    monkeypatch.chdir(tmp_path)
    text = '```dagnote file="x.dag"\n```\n'
    html = markdown.Markdown(extensions=[DagnoteExtension(cache_dir="")]).convert(text)
    assert "dagnote-error" in html and "file= is disabled" in html and "<svg" not in html
    configured = DagnoteExtension(cache_dir="", base_dir=str(tmp_path / "docs"))
    assert "<svg" in markdown.Markdown(extensions=[configured]).convert(text)


def test_sphinx_error_box_does_not_quote_a_file_that_is_not_a_diagram(tmp_path: Path) -> None:
    """``.. dagnote:: conf.py``: the warnings (build log) say what is wrong; the page says
    where, never what the file holds."""
    src = tmp_path / "src"
    write(src, {"index.rst": "Title\n=====\n\n.. dagnote:: conf.py\n\n.. dagnote:: bad.dag\n",
                "bad.dag": "x ~ X\nmin hunter_dag\n"})
    html, warnings = build_sphinx(src, conf='api_key = "hunter2"\n"""\nmin hunter3\n"""\n')
    assert "dagnote-error" in html
    assert "conf.py:3:" in html and "conf.py:5:" in html  # located ...
    assert "hunter2" not in html and "hunter3" not in html and "api_key" not in html  # ... only
    assert "hunter3" in warnings  # the author still learns what is wrong
    assert "hunter_dag" in html  # a .dag file's own messages are shown


def test_mkdocs_error_box_does_not_quote_a_file_that_is_not_a_diagram(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, {"docs/notes.txt": "min hunter3\nx ~ \n",
                     "docs/bad.dag": "x ~ X\nmin hunter_dag\n",
                     "docs/index.md": '# T\n\n```dagnote file="notes.txt"\n```\n\n'
                                      '```dagnote file="bad.dag"\n```\n'})
    html = build_mkdocs(tmp_path)
    assert "dagnote-error" in html and "docs/notes.txt:1:" in html
    assert "hunter3" not in html
    assert any("hunter3" in m for m in mkdocs_warnings(caplog))
    assert "hunter_dag" in html  # a .dag file's messages and excerpt are shown


# -- only regular files are read: a FIFO or a device never hangs or fills memory -------------

@contextlib.contextmanager
def unblocking(fifo: Path, after: float) -> Iterator[None]:
    """If a reader still waits on ``fifo`` after ``after`` seconds, give it end of file (so a
    test of a hanging read fails instead of hanging the suite)."""
    done = threading.Event()

    def unblock() -> None:
        if done.wait(after):
            return
        while not done.is_set():
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader yet
                time.sleep(0.05)

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


FIFO_BOUND = 20.0  # seconds; a refused FIFO costs milliseconds


def test_sphinx_refuses_a_fifo(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {"index.rst": "Title\n=====\n\n.. dagnote:: pipe.dag\n\nText after.\n"})
    os.mkfifo(src / "pipe.dag")
    start = time.monotonic()
    with unblocking(src / "pipe.dag", FIFO_BOUND):
        html, warnings = build_sphinx(src)
    assert time.monotonic() - start < FIFO_BOUND
    assert "Text after." in html
    assert re.search(r"index\.rst:4: WARNING: .*not a regular file", warnings), warnings


def test_markdown_refuses_a_fifo(tmp_path: Path) -> None:
    """The Python-Markdown extension (MkDocs itself would fail copying a FIFO in docs/)."""
    import markdown

    from mkdocs_dagnote.extension import DagnoteExtension

    os.mkfifo(tmp_path / "pipe.dag")
    ext = DagnoteExtension(cache_dir="", base_dir=str(tmp_path))
    start = time.monotonic()
    with unblocking(tmp_path / "pipe.dag", FIFO_BOUND):
        html = markdown.Markdown(extensions=[ext]).convert('```dagnote file="pipe.dag"\n```\n')
    assert time.monotonic() - start < FIFO_BOUND
    assert "file=&#39;pipe.dag&#39;: it is not a regular file (a FIFO)" in html, html


def test_cli_refuses_fifos_and_devices(tmp_path: Path) -> None:
    """As named files and as includes of reST and Markdown pages: reported per file, fast."""
    os.mkfifo(tmp_path / "pipe.dag")
    (tmp_path / "page.rst").write_text("T\n=\n\n.. dagnote:: pipe.dag\n")
    (tmp_path / "page.md").write_text('# T\n\n```dagnote file="pipe.dag"\n```\n')
    (tmp_path / "ok.dag").write_text(GOOD)
    names = [str(tmp_path / n) for n in ("pipe.dag", "page.rst", "page.md", "ok.dag")]
    proc = subprocess.run([*CLI, "check", *names, "/dev/zero", "--root", str(tmp_path)],
                          capture_output=True, text=True, timeout=FIFO_BOUND, check=False,
                          preexec_fn=_limit_memory)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("not a regular file") == 4, proc.stderr
    assert f"{tmp_path / 'page.rst'}:4: error: " in proc.stderr
    assert f"{tmp_path / 'page.md'}:3: error: file='pipe.dag'" in proc.stderr


def _limit_memory() -> None:
    import resource  # POSIX only, like FIFOs and device nodes

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_sphinx_refuses_a_device_node(tmp_path: Path) -> None:
    """A character device (here a copy of /dev/zero) would be read until memory runs out;
    the build runs in a child process with 2 GiB of address space to show it does not."""
    src = tmp_path / "src"
    write(src, {"index.rst": "Title\n=====\n\n.. dagnote:: zero.dag\n",
                "conf.py": 'extensions = ["sphinx_dagnote"]\n'})
    try:
        os.mknod(src / "zero.dag", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src),
                           str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=120, check=False, preexec_fn=_limit_memory)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"index\.rst:4: WARNING: .*not a regular file", proc.stderr), proc.stderr
