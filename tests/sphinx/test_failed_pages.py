"""A diagram that could not be drawn is drawn again by the next build, incremental or not."""

from __future__ import annotations

from pathlib import Path


def test_after_a_failed_drawing_an_incremental_build_draws_it(
        project, build, worker_killer) -> None:
    """A failure is never served from the environment: the next build, incremental and
    with nothing changed, reads and writes the failed pages again and draws their
    diagrams (issue 17, item 5); -W then passes."""
    src: Path = project("broken")
    out = build(src, "html")
    assert worker_killer.killed and "could not render" in out.warnings
    assert "dagnote-error" in out.read("other.html")
    worker_killer.stop()
    again = build(src, "html")  # no freshenv, no change
    assert "could not render" not in again.warnings, again.warnings
    html = again.read("other.html")
    assert 'class="dagnote"' in html and "dagnote-error" not in html
    third = build(src, "html")  # nothing failed: nothing is read again
    assert "could not render" not in third.warnings
