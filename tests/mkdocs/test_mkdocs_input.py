"""What authors write, as MkDocs hands it over: columns of the file, odd text, empty
fences and the timeout setting."""

from __future__ import annotations

import logging

import pytest
from mkdocs.exceptions import Abort
from mkdocs_helpers import Site, build_site, page

GOOD_FENCE = "```dagnote\nx ~ X\nx -> [f*] -> y\nmin y\n```\n"


def _yml(option: str) -> str:
    return f"site_name: t\ntheme: mkdocs\nplugins:\n  - dagnote:\n      {option}\n"


@pytest.mark.parametrize("timeout", [".inf", "1e10", "10000000000"])
def test_a_huge_or_infinite_timeout_means_no_limit(make_site: Site, timeout: str) -> None:
    root = make_site({"mkdocs.yml": _yml(f"timeout: {timeout}"),
                      "docs/index.md": "# Home\n\n" + GOOD_FENCE})
    html = page(build_site(root))
    assert '<svg' in html and "dagnote-error" not in html


@pytest.mark.parametrize("timeout", ["-1", "0", ".nan", "-.inf"])
def test_a_timeout_that_is_not_a_positive_number_stops_the_build_with_a_clear_message(
        make_site: Site, caplog: pytest.LogCaptureFixture, timeout: str) -> None:
    root = make_site({"mkdocs.yml": _yml(f"timeout: {timeout}"),
                      "docs/index.md": "# Home\n\n" + GOOD_FENCE})
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(root)
    assert any("timeout must be a positive number of seconds, not" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]


PLAIN_YML = "site_name: t\ntheme: mkdocs\nplugins:\n  - dagnote\n"
SF_YML = ("site_name: t\ntheme: mkdocs\nmarkdown_extensions:\n  - admonition\n"
          "  - pymdownx.superfences\nplugins:\n  - dagnote\n")
COLUMNS_MD = (
    "# T\n\n"
    "```dagnote\nx ~ X\nx ->\ty ]\n```\n\n"  # line 5: ']' is column 8 (11 once tabs expand)
    "!!! note\n\n"
    "    ```dagnote\n    x ~ X\n    x -> y ]\n    ```\n"  # line 12: column 12
)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.dagnote"]


@pytest.mark.parametrize(("yml", "expected"), [
    (PLAIN_YML, ["docs/index.md:5:8"]),
    (SF_YML, ["docs/index.md:5:8", "docs/index.md:12:12"]),
], ids=["plain", "superfences"])
def test_columns_count_the_characters_of_the_file_line(
        make_site: Site, caplog: pytest.LogCaptureFixture, yml: str,
        expected: list[str]) -> None:
    """Issue 17, item 19: columns counted the fence's text after Python-Markdown expanded
    its tabs and took away the admonition's indentation."""
    root = make_site({"mkdocs.yml": yml, "docs/index.md": COLUMNS_MD})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        html = page(build_site(root))
    found = [w.split(": error: unexpected ']'")[0] for w in _warnings(caplog)
             if "unexpected ']'" in w]
    assert found == expected, _warnings(caplog)
    for where in expected:
        assert where in html  # the error box says the same


def test_line_separators_before_a_fence_do_not_shift_its_lines(
        make_site: Site, caplog: pytest.LogCaptureFixture) -> None:
    """U+2028 and a form feed end no line of a Markdown page (issue 17, item 18)."""
    root = make_site({"mkdocs.yml": PLAIN_YML, "docs/index.md":
                      "# T\n\nText\u2028more\x0cand more\n\n```dagnote\nx -> ]\n```\n\n"
                      "```dagnote\nx ~ X\u2028\nx -> ]\n```\n"})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        build_site(root)
    assert [w.split(": error:")[0] for w in _warnings(caplog)] == [
        "docs/index.md:6:6", "docs/index.md:11:6"]


@pytest.mark.parametrize("body", ["", "# only a comment\n", "\n  \n"],
                         ids=["empty", "comment", "blank"])
def test_an_empty_fence_is_a_located_error_not_a_blank_figure(
        make_site: Site, caplog: pytest.LogCaptureFixture, body: str) -> None:
    """Issue 17, item 20."""
    root = make_site({"mkdocs.yml": PLAIN_YML,
                      "docs/index.md": f"# T\n\n```dagnote\n{body}```\n"})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dagnote"):
        html = page(build_site(root))
    warnings = _warnings(caplog)
    assert len(warnings) == 1 and warnings[0].startswith("docs/index.md:4:1: error: "), warnings
    assert warnings[0].endswith("[empty]")
    assert "dagnote-error" in html and "<svg" not in html


def test_the_markdown_extension_takes_lone_surrogates_and_controls() -> None:
    """Issue 17, items 16 and 17: a located error box, not UnicodeEncodeError."""
    import markdown

    from mkdocs_dagnote.extension import DagnoteExtension

    text = "```dagnote\nx ~ X\nx -> [f\x00*] -> y\nmin y\nnote y: a\ud800b\n```\n"
    html = markdown.markdown(text, extensions=[DagnoteExtension(cache_dir="", base_dir="")])
    assert "dagnote-error" in html
    assert "&lt;markdown&gt;:3:8: error: U+0000" in html
    assert "&lt;markdown&gt;:5:10: error: U+D800" in html
