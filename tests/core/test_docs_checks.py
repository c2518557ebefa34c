"""Every check code the language can emit is in docs/syntax.rst's table of checks, with a
bad and a fixed example in "Checks in detail" (issue 15)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import dagnote

ROOT = Path(__file__).parents[2]
LANGUAGE = ROOT / "src" / "dagnote" / "language"
SYNTAX = (ROOT / "docs" / "syntax.rst").read_text(encoding="utf-8")
# the position of the code among each reporting call's arguments
CODE_ARGUMENT = {"Diagnostic": 3, "at": 3, "_warn": 1, "error": 1, "ParseError": 2}


def _constants(node: ast.AST | None) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body) | _constants(node.orelse)
    return set()


def emitted_codes() -> set[str]:
    """The codes the source passes to Diagnostic, ParseError and the builders' helpers,
    assigns to a variable named ``code`` or gives a ``code`` parameter as its default."""
    found: set[str] = set()
    for path in LANGUAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                index = CODE_ARGUMENT.get(name)
                if index is not None and len(node.args) > index:
                    found |= _constants(node.args[index])
                found |= {c for k in node.keywords if k.arg == "code"
                          for c in _constants(k.value)}
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                found |= _constants(node.value)
            elif isinstance(node, ast.FunctionDef):
                args = node.args.args[len(node.args.args) - len(node.args.defaults):]
                found |= {c for a, d in zip(args, node.args.defaults, strict=True)
                          if a.arg == "code" for c in _constants(d)}
    return found


def table_codes() -> set[str]:
    table = SYNTAX.split("Checks\n------", 1)[1].split("\n\n", 2)[1]
    return set(re.findall(r"``([a-z-]+)``\s*$", table, flags=re.M))


def test_the_source_emits_the_codes_this_test_expects_to_find() -> None:
    codes = emitted_codes()
    assert {"syntax", "kind", "untrained", "cycle", "kind-conflict", "script-braces",
            "reversed-arrow", "allow", "too-large", "empty", "character"} <= codes, codes


def test_every_emitted_code_is_in_the_table_of_checks() -> None:
    assert emitted_codes() - table_codes() == set()
    assert table_codes() - emitted_codes() == set()  # and the table lists no other


# from its heading to the next section ("Checks in detail" is a subsection)
DETAIL = re.split(r"^.+\n-{3,}\n", SYNTAX.split("Checks in detail\n", 1)[-1], maxsplit=1,
                  flags=re.M)[0]
# shown, not run: a diagram past the limits, a control character (which rST cannot hold)
DESCRIBED = ("too-large", "character")


@pytest.mark.parametrize("code", sorted(emitted_codes()))
def test_every_code_has_a_bad_and_a_fixed_example(code: str) -> None:
    """The example under the code's heading shows the code; its fix shows none of it."""
    section = re.search(rf"^``{re.escape(code)}``\n~+\n(.*?)(?=^``[a-z-]+``\n~+|\Z)",
                        DETAIL, flags=re.M | re.S)
    assert section, f"no '``{code}``' section in Checks in detail"
    blocks = re.findall(r"::\n\n((?:   .*\n|\n)+)", section.group(1))
    assert len(blocks) == 2, f"{code}: a bad and a fixed example, as literal blocks"
    bad, fixed = ("\n".join(line[3:] for line in b.splitlines()) for b in blocks)
    if code in DESCRIBED:
        return
    assert code in [d.code for d in dagnote.check(bad).diagnostics], (code, bad)
    assert code not in [d.code for d in dagnote.check(fixed).diagnostics], (code, fixed)


def test_allow_knows_every_code_as_a_warning_or_an_error() -> None:
    """'allow' suggests among the warnings and refuses errors by name: it must know all."""
    from dagnote.language.allow import ERROR_CODES, WARNINGS

    assert set(WARNINGS) | ERROR_CODES == emitted_codes()
    assert not set(WARNINGS) & ERROR_CODES
