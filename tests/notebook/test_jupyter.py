"""``%load_ext dagnote`` and ``%%dagnote`` in a real Jupyter kernel (nbclient + ipykernel)."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

GOOD = """\
%%dagnote --direction LR --caption "A <classifier>"
x, y ~ (X, Y)
x -> [f*] -> y'
y', y -> (ce) -> loss
min loss
"""
BROKEN = """\
%%dagnote
x ~ X
x -> [f* -> y
min y
"""
WARNED = """\
%%dagnote
x ~ X
x -> [f*] -> y
x -> [g*] -> z
min y
"""


@pytest.fixture(scope="module")
def executed() -> list[dict]:
    """Run one notebook in a fresh kernel; the outputs of each cell."""
    cells = ["%load_ext dagnote", GOOD, BROKEN, WARNED,
             "import dagnote\nd = dagnote.Diagram('x ~ X\\nx -> [f*] -> y\\nmin y')\nd",
             "%%dagnote --direction UP\nx ~ X"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True)
    client.execute()
    return [cell.outputs for cell in nb.cells]


def _data(outputs: list[dict]) -> dict[str, str]:
    data: dict[str, str] = {}
    for out in outputs:
        data.update(out.get("data", {}))
    return data


def test_load_ext_registers_the_magic(executed) -> None:
    assert executed[0] == []  # nothing printed (not "... is not an IPython extension")


def test_cell_magic_shows_the_figure(executed) -> None:
    data = _data(executed[1])
    assert data["image/svg+xml"].lstrip().startswith("<svg")
    page = data["text/html"]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "<figcaption>A &lt;classifier&gt;</figcaption>" in page
    assert "dagnote-error" not in page and "dagnote-warnings" not in page
    # --direction LR: wider than tall (the default TB classifier is taller than wide)
    width, height = (float(v) for v in re.search(
        r'viewBox="0 0 ([\d.]+) ([\d.]+)"', data["image/svg+xml"]).groups())
    assert width > height
    assert len(data["text/plain"]) < 200 and "<svg" not in data["text/plain"]


def test_broken_cell_shows_the_located_error(executed) -> None:
    data = _data(executed[2])
    assert "image/svg+xml" not in data
    page = data["text/html"]
    # line 3 of the cell (the %%dagnote line is line 1), column of the '['
    assert "cell:3:6: error: &#x27;[&#x27; is never closed with &#x27;]&#x27;" in page
    assert "<svg" not in page
    assert "x -&gt; [f* -&gt; y" in page  # the source, escaped


def test_warnings_show_beside_the_figure(executed) -> None:
    page = _data(executed[3])["text/html"]
    assert "<svg" in page
    assert re.search(r"cell:4:6: warning: trainable module &#x27;g&#x27;.*\[untrained\]", page)


def test_diagram_object_displays_itself(executed) -> None:
    data = _data(executed[4])
    assert "<svg" in data["text/html"] and "image/svg+xml" in data
    assert data["text/plain"] == "<dagnote.Diagram: 3 lines, 0 problems>"


def test_bad_option_is_a_usage_error(executed) -> None:
    # IPython prints a UsageError (no traceback) and shows no figure
    text = "".join(out.get("text", "") for out in executed[5])
    assert "UsageError: argument --direction/-d: invalid choice: 'UP'" in text
    assert not _data(executed[5])
