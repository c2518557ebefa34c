"""The dagnote command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEED = Path(__file__).parents[2] / "examples" / "seed"


def dagnote(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dagnote", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


def messages(stderr: str) -> list[str]:
    """The diagnostics' own lines, without the source excerpts printed under them."""
    return [line for line in stderr.strip().splitlines() if not line.startswith(" ")]


def test_check_reports_each_problem_located_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.dag"
    bad.write_text(
        "x ~ X\n"
        "x -> [f*] -> y\n"
        "y -> [g] -> y2\n"
        "y2 -> [h] -> y\n"  # closes a cycle (error)
        "frobnicate\n"  # unknown statement (error)
        "x -> [k*] -> unused\n"  # trainable, no objective reaches it (warning)
        "x -> [m] -> w\n"
        "min y\n"
        "min w\n"  # reaches nothing trainable (warning)
    )
    proc = dagnote("check", str(bad))
    assert proc.returncode == 1
    assert messages(proc.stderr) == [
        f"{bad}:4:11: error: cycle in the graph: y -> g -> y2 -> h -> y; data flows one way, "
        "so remove or reverse one of these arrows (a weight update between modules is "
        "written '..>', a gradient copied back past an operator 'straight-through z_q to z_e') "
        "[cycle]",
        f"{bad}:5:1: error: unknown statement: expected '->', '~' or a keyword "
        "(given, seq, min, max, phase, note, direction, link, allow, show, straight-through, "
        "group) "
        "[unknown-statement]",
        f"{bad}:6:6: warning: trainable module 'k' is never updated: no objective depends "
        "on it through a gradient-carrying path; connect it to an objective, or drop its '*' "
        "if it is frozen [untrained]",
        f"{bad}:9:1: warning: objective 'w' trains nothing: nothing trainable lies upstream "
        "of 'w'; mark the weights it should train with '*', as in [f*] "
        "[objective-trains-nothing]",
    ]


def test_check_with_only_warnings_exits_0(tmp_path: Path) -> None:
    warn = tmp_path / "warn.dag"
    warn.write_text("x ~ X\nx -> [f*] -> y\nx -> [h*] -> z\nmin y\n")
    proc = dagnote("check", str(warn))
    assert proc.returncode == 0
    assert proc.stderr.startswith(f"{warn}:3:6: warning: trainable module 'h' is never updated")


def test_check_counts_lines_in_rst_and_markdown_hosts(tmp_path: Path) -> None:
    rst = tmp_path / "page.rst"
    rst.write_text("Title\n=====\n\n.. dagnote::\n   :caption: c\n\n   x ~ X\n   x -> -> y\n")
    proc = dagnote("check", str(rst))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{rst}:8:")
    md = tmp_path / "page.md"
    md.write_text("# T\n\ntext\n\n```dagnote\nx ~ X\nx -> [f*] -> y\nbad line here\n```\n")
    proc = dagnote("check", str(md))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{md}:8:1: error: unknown statement")


def test_render_writes_nine_svgs_and_the_same_bytes_twice(tmp_path: Path) -> None:
    files = sorted(str(p) for p in SEED.glob("*.dag"))
    for out in ("a", "b"):
        proc = dagnote("render", *files, "-o", str(tmp_path / out))
        assert proc.returncode == 0, proc.stderr
    a = sorted((tmp_path / "a").glob("*.svg"))
    assert len(a) == 9
    for path in a:
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_render_failure_exits_1_and_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.dag"
    bad.write_text("x ~ X\nx ~ \n")
    proc = dagnote("render", str(bad), "-o", str(tmp_path / "o"))
    assert proc.returncode == 1
    assert f"{bad}:2:4: error:" in proc.stderr


def test_included_files_resolve_like_the_hosts_and_stay_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "diagrams" / "c.dag").write_text("x ~ X\nx -> [f*] -> y\nmin y\n")
    md = tmp_path / "page.md"
    md.write_text('# T\n\n```dagnote file="diagrams/c.dag"\n```\n')
    rst = tmp_path / "page.rst"
    rst.write_text("T\n=\n\n.. dagnote:: /diagrams/c.dag\n")
    proc = dagnote("render", str(md), str(rst), "--root", str(tmp_path), "-o", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "o").glob("*.svg"))) == 1  # both name c.svg: one written once
    outside = tmp_path / "sub"
    outside.mkdir()
    escape = outside / "esc.rst"
    escape.write_text("T\n=\n\n.. dagnote:: ../diagrams/c.dag\n")
    proc = dagnote("check", str(escape), "--root", str(outside))
    assert proc.returncode == 1
    assert f"{escape}:4: error: refusing '../diagrams/c.dag'" in proc.stderr


def test_two_inputs_with_one_name_are_not_overwritten(tmp_path: Path) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "doc.dag").write_text(f"x ~ X\nx -> [f_{d}*] -> y\nmin y\n")
    proc = dagnote("render", str(tmp_path / "a/doc.dag"), str(tmp_path / "b/doc.dag"),
                   "-o", str(tmp_path / "o"))
    assert proc.returncode == 1
    assert "already written" in proc.stderr
    assert "f_a (trained)" in (tmp_path / "o" / "doc.svg").read_text()  # the first one kept


GOOD = "x ~ X\nx -> [f*] -> y\nmin y\n"


def test_check_reports_every_unreadable_file_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "latin1.dag").write_bytes(b"x ~ \xe9\n")
    (tmp_path / "adir.dag").mkdir()
    (tmp_path / "bad.dag").write_text("x ~ X\nx ~ \n")
    (tmp_path / "ok.dag").write_text(GOOD)
    names = ["missing.dag", "latin1.dag", "adir.dag", "bad.dag", "ok.dag"]
    proc = dagnote("check", *names, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = messages(proc.stderr)
    assert [line.split(":")[0] for line in lines] == names[:4], proc.stderr  # each, in order
    assert "missing.dag: error: " in lines[0] and "no such file" in lines[0]
    assert "latin1.dag: error: " in lines[1] and "UTF-8" in lines[1]
    assert "adir.dag: error: " in lines[2] and "not a regular file" in lines[2]
    assert lines[3].startswith("bad.dag:2:4: error:")


def test_render_reports_unwritable_outputs_per_file_and_goes_on(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.dag").write_text(GOOD.replace("f*", f"f_{name}*"))
    out = tmp_path / "out"
    (out / "b.svg").mkdir(parents=True)  # b's image cannot be written there
    proc = dagnote("render", "a.dag", "b.dag", "c.dag", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"b.dag: error: cannot write {out / 'b.svg'}" in proc.stderr
    assert (out / "a.svg").is_file() and (out / "c.svg").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["a.svg", "b.svg", "c.svg"]  # no temp files
    (tmp_path / "file").write_text("")
    proc = dagnote("render", "a.dag", "-o", str(tmp_path / "file" / "sub"), cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"error: cannot create {tmp_path / 'file' / 'sub'}" in proc.stderr


def test_render_to_a_full_disk_leaves_no_partial_image(tmp_path: Path) -> None:
    """A file-size limit makes every write past 2 KB fail as a full disk would (EFBIG for
    ENOSPC): each image is reported, none is left half written, no traceback."""
    import resource

    for name in ("a", "b"):
        (tmp_path / f"{name}.dag").write_text(GOOD.replace("f*", f"f_{name}*"))
    out = tmp_path / "out"

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    proc = subprocess.run([sys.executable, "-m", "dagnote", "render", "a.dag", "b.dag",
                           "-o", str(out)], capture_output=True, text=True, cwd=tmp_path,
                          check=False, preexec_fn=small_disk)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("error: cannot write") == 2, proc.stderr
    assert list(out.iterdir()) == []
