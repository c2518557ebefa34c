"""Bad-input corpus: every error and warning class, with its exact message as a golden file.

Each ``corpus/NAME.dag`` shows one mistake (its first line is a comment saying which);
``corpus/NAME.expected`` holds the ``line:col: severity: message [code]`` lines the core
must print. Golden files pin what users read, so a message can only change on purpose:
run ``DAGNOTE_UPDATE_GOLDEN=1 pytest tests/reliability/test_corpus.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import dagnote
from dagnote import Diagnostic

CORPUS = Path(__file__).with_name("corpus")
CASES = sorted(p.stem for p in CORPUS.glob("*.dag"))
UPDATE = os.environ.get("DAGNOTE_UPDATE_GOLDEN") == "1"
check = dagnote.check


def line_of(diag: Diagnostic) -> str:
    """The golden form of a diagnostic: what a host prints, without the path."""
    return f"{diag.line}:{diag.column}: {diag.severity}: {diag.message} [{diag.code}]"


def diagnostics_of(name: str) -> list[Diagnostic]:
    return check((CORPUS / f"{name}.dag").read_text(encoding="utf-8")).diagnostics


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_corpus_golden(name: str) -> None:
    got = [line_of(d) for d in diagnostics_of(name)]
    expected_path = CORPUS / f"{name}.expected"
    if UPDATE:
        expected_path.write_text("".join(f"{g}\n" for g in got), encoding="utf-8")
    assert expected_path.exists(), f"no golden file; run with DAGNOTE_UPDATE_GOLDEN=1 ({name})"
    expected = expected_path.read_text(encoding="utf-8").splitlines()
    assert got == expected


@pytest.mark.parametrize("name", CASES)
def test_corpus_positions_point_into_the_source(name: str) -> None:
    """Each problem is located on a real line, at a character of it (or just past its end)."""
    source = (CORPUS / f"{name}.dag").read_text(encoding="utf-8").splitlines()
    diags = diagnostics_of(name)
    assert diags, f"{name}.dag shows no problem"
    for d in diags:
        assert 1 <= d.line <= len(source), d
        text = source[d.line - 1]
        assert 1 <= d.column <= len(text) + 1, d
        assert not text.lstrip().startswith("#"), f"{d} points at a comment"
        if d.column <= len(text):
            assert not text[d.column - 1].isspace(), f"{d} points at a blank"


def template(diag: Diagnostic) -> str:
    """A message with its quoted names and numbers blanked: the class of the problem."""
    text = re.sub(r"'[^']{2,}'", "'_'", diag.message)  # keep ']' and '}' apart
    return f"{diag.code}: " + re.sub(r"\d+", "N", text)


def test_each_case_shows_a_distinct_problem() -> None:
    """No two files show the same set of message classes: the corpus covers, not repeats."""
    seen: dict[tuple[str, ...], str] = {}
    for name in CASES:
        key = tuple(template(d) for d in diagnostics_of(name))
        assert key not in seen, f"{name} repeats {seen.get(key)}: {key}"
        seen[key] = name


# words that show a message tells what to write or why: "expected ']'" says what to add
HINTS = (":", ";", "as in", "use ", "write ", "expected ", "never closed with", "is written")


def test_every_message_says_how_to_fix_or_why() -> None:
    """A message names the problem and then a remedy or reason."""
    missing = [f"{name}: {d.message}" for name in CASES for d in diagnostics_of(name)
               if not any(mark in d.message for mark in HINTS)]
    assert not missing
