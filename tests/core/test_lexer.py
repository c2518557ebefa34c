"""The Pygments lexer: found by name through its entry point, no error token on any
source the project ships (valid or broken), and the language's parts coloured."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted({*REPO.glob("examples/**/*.dag"), *REPO.glob("docs/**/*.dag"),
                  *REPO.glob("tests/reliability/corpus/*.dag")})


@pytest.fixture(scope="module")
def lexer():
    return get_lexer_by_name("dagnote")  # via the pygments.lexers entry point


def test_the_entry_point_names_the_lexer() -> None:
    assert get_lexer_by_name("dagnote").__class__.__module__ == "dagnote.lexer"
    assert find_lexer_class_for_filename("diagrams/vae.dag").name == "dagnote"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_error_token_in_any_shipped_source(lexer, path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    tokens = list(lexer.get_tokens(text))
    assert [v for t, v in tokens if t in Error] == []


def test_at_least_the_gallery_and_setups_are_lexed() -> None:
    assert len([p for p in SOURCES if "gallery" in p.parts or "seed" in p.parts]) >= 18
    assert len(SOURCES) >= 60


def _kinds(lexer, text: str) -> dict[str, object]:
    return {v: t for t, v in lexer.get_tokens(text) if v.strip()}


def test_the_parts_of_the_language_are_coloured(lexer) -> None:
    kinds = _kinds(lexer, "# a VAE\n"
                   "z, y ~ (Z, Y)\n"
                   "e ~ N(0, 1)\n"
                   "x_t -> [enc: Encoder*@2] -/-> (ce) ..> [f_ema] : ema copy\n"
                   'given *w\'\nseq y\nnote (ce): "a b"\n'
                   "c -> [enc] from left\n"
                   "phase (a): max loss wrt g\ndirection LR\n")
    assert kinds["# a VAE"] in Comment
    for word in ("given", "seq", "note", "phase", "max", "wrt", "direction", "from"):
        assert kinds[word] in Keyword, word
    for arrow in ("->", "-/->", "..>", "~"):
        assert kinds[arrow] in Operator, arrow
    assert kinds["Z"] in Name.Constant and kinds["Y"] in Name.Constant  # data sets
    assert kinds["N"] in Name.Function and kinds["0"] in Number  # a prior
    assert kinds["enc"] in Name.Class and kinds["Encoder"] in Name.Class
    assert kinds["@2"] in Number
    assert kinds["ce"] in Name.Function
    assert kinds["_t"] in Name.Attribute  # a subscript
    assert kinds["ema copy"] in String and kinds['"a b"'] in String
    assert kinds["LR"] in Keyword and kinds["left"] in Keyword


def test_the_gradient_constructs_are_coloured(lexer) -> None:
    kinds = _kinds(lexer, "s -> [π*] ~> a\nh ~r> y\nh -> (argmax/) -> k\n"
                          "straight-through k to h\nmax R by score\n")
    for arrow in ("~>", "~r>", "/"):
        assert kinds[arrow] in Operator, arrow
    for word in ("straight-through", "to", "by"):
        assert kinds[word] in Keyword, word
    assert kinds["score"] in Keyword and kinds["argmax"] in Name.Function
    assert kinds["k"] in Name and kinds["h"] in Name


def test_link_targets_keep_their_fragment(lexer) -> None:
    kinds = _kinds(lexer, "link [enc]: https://example.org/a#frag   # a comment\n"
                          "link loss: :doc:`gallery`\n")
    assert kinds["link"] in Keyword
    assert kinds["enc"] in Name.Class
    assert kinds["https://example.org/a#frag"] in String
    assert kinds["# a comment"] in Comment
    assert kinds[":doc:`gallery`"] in String


def test_a_comment_inside_brackets_is_not_a_comment(lexer) -> None:
    kinds = _kinds(lexer, "x -> [#1] -> y # end\n")
    assert kinds["#1"] in Name.Class
    assert kinds["# end"] in Comment


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("xf_^{}[]()*\"#:,~-/>.=@1 \nminwrtlk")),
               max_size=80))
def test_any_text_lexes_without_error_and_loses_nothing(text: str) -> None:
    lexer = get_lexer_by_name("dagnote", stripnl=False, ensurenl=False)
    tokens = list(lexer.get_tokens(text))
    assert not [v for t, v in tokens if t in Error]
    assert "".join(v for _, v in tokens) == text


def test_a_group_header_is_coloured_and_its_elements_as_in_a_chain(lexer) -> None:
    kinds = _kinds(lexer, 'group "Encoder" ×N: [attn*], (+@2), h_t\n'
                   "group [blk*] xL: [attn]\n")
    assert kinds["group"] in Keyword
    assert kinds['"Encoder"'] in String and kinds["×N"] in Keyword.Constant
    assert kinds["xL"] in Keyword.Constant and kinds["blk"] in Name.Class
    assert kinds["attn"] in Name.Class and kinds["+"] in Name.Function
    assert kinds["_t"] in Name.Attribute
    tokens = [(t, v) for t, v in lexer.get_tokens("group -> y\n") if v.strip()]
    assert tokens[0] == (Name, "group")  # a value named group, in a chain
