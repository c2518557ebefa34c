"""Gradient semantics beyond data flow: call-like values, samples drawn from a module's
output (``~>``, reparameterised ``~r>``), score-function objectives (``by score``),
non-differentiable operators (``(argmax/)``), straight-through links and gradient
operators (``(∇[d])``). The example setups live in ``setups/`` (VQ-VAE, REINFORCE,
WGAN-GP, RLHF)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from dagnote import check, render_many
from dagnote.drawing.text import prior_runs, runs
from dagnote.language.compile import compile_source

from .geometry import reconstruct

SETUPS = Path(__file__).with_name("setups")
SVG = "{http://www.w3.org/2000/svg}"


def codes(source: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.severity, d.code) for d in check(source).diagnostics]


def messages(source: str, code: str) -> list[str]:
    return [d.message for d in check(source).diagnostics if d.code == code]


def setup(name: str) -> str:
    return (SETUPS / f"{name}.dag").read_text(encoding="utf-8")


# --- call-like values and formatting -------------------------------------------------

def test_call_like_names_are_values() -> None:
    src = "s, a ~ (S, A)\ns, a -> [q*] -> Q(s, a)\nQ(s,a), γ(x_i) -> (+) -> log π(a|s)\n" \
          "x_i ~ X\nmin log π(a|s)"
    result = compile_source(src)
    assert not result.diagnostics
    labels = {n.label for n in result.diagram.nodes.values() if n.kind == "value"}
    # one value however it is spaced; several words and calls make one name
    assert {"Q(s, a)", "γ(x_i)", "log π(a|s)"} <= labels
    assert runs("γ(x_i)")[1].script == "sub"


def test_a_distribution_as_a_value_is_still_an_error() -> None:
    found = check("N(0, 1) -> [g*] -> x'").diagnostics
    assert [(d.code, d.column) for d in found] == [("kind", 1)]
    assert "z ~ N(0, 1)" in found[0].message


def test_prior_names_are_formatted_too() -> None:
    parts = prior_runs("p_θ(z_t)")
    assert [(r.text, r.script) for r in parts] == [("p", "base"), ("θ", "sub"), ("(z", "base"),
                                                   ("t", "sub"), (")", "base")]


# --- sampling from a module's output -------------------------------------------------

POLICY = "s ~ S\ns -> [π*] {arrow} a\ns, a -> [env] -> R\nmax R{how}\n"


def test_a_sample_blocks_the_pathwise_gradient_and_says_how_to_fix() -> None:
    src = POLICY.format(arrow="~>", how="")
    found = codes(src)
    assert (2, "warning", "untrained") in found
    assert (4, "warning", "objective-trains-nothing") in found
    (message,) = messages(src, "untrained")
    assert "'π ~> a'" in message and "'~r>'" in message and "'max R by score'" in message


def test_a_score_function_objective_trains_the_policy() -> None:
    result = check(POLICY.format(arrow="~>", how=" by score"))
    assert result.diagnostics == []
    assert result.summary.lines()[2] == \
        "Objectives: maximise R by the score function, updating π."


def test_a_reparameterised_sample_passes_the_gradient() -> None:
    result = check(POLICY.format(arrow="~r>", how=""))
    assert result.diagnostics == []
    assert result.summary.objectives[0].updates == ("π",)


def test_score_without_a_sample_warns() -> None:
    src = "x ~ X\nx -> [f*] -> y\nmin y by score"
    assert codes(src) == [(3, "warning", "score-without-sample")]


def test_a_sample_is_data_flow_for_cycles() -> None:
    assert (3, "error", "cycle") in codes("x ~ X\nx -> [f*] ~> y\ny -> [f*]\nmin y")


def test_sampling_from_a_module_with_tilde_names_the_arrow() -> None:
    (found,) = check("a ~ [π]").diagnostics
    assert "'[π] ~> y'" in found.message
    found = check("s ~ S\ns -> [π*] -> h\na ~ π").diagnostics
    assert [d.code for d in found] == ["sample-source"]
    assert "'[π] ~> y'" in found[0].message


# --- non-differentiable operators, straight-through, gradients of a network ---------

ARGMAX = "x ~ X\nx -> [f*] -> h\nh -> (argmax{mark}) -> k\nk -> [g*] -> loss\nmin loss\n"


def test_a_non_differentiable_operator_stops_the_gradient() -> None:
    src = ARGMAX.format(mark="/")
    assert codes(src) == [(2, "warning", "untrained")]
    (message,) = messages(src, "untrained")
    assert "'(argmax/)'" in message and "'straight-through k to h'" in message
    assert codes(ARGMAX.format(mark="")) == []


def test_a_straight_through_link_carries_the_gradient_and_is_no_cycle() -> None:
    result = check(ARGMAX.format(mark="/") + "straight-through k to h\n")
    assert result.diagnostics == []
    assert result.summary.objectives[0].updates == ("f", "g")


def test_vq_vae_trains_the_codebook_only_through_its_own_loss() -> None:
    result = check(setup("vq-vae"))
    assert result.diagnostics == []
    updates = {o.name: o.updates for o in result.summary.objectives}
    assert updates == {"rec loss": ("encoder", "decoder"), "codebook loss": ("e",)}


@pytest.mark.parametrize("line, code", [
    ("straight-through z to y", "unknown-name"),
    ("straight-through y to y", "straight-through"),
    ("straight-through y, x", "syntax"),
])
def test_straight_through_mistakes_are_located(line: str, code: str) -> None:
    found = check(f"x ~ X\nx -> [f*] -> y\nmin y\n{line}").diagnostics
    assert [(d.line, d.code) for d in found] == [(4, code)]


def test_a_gradient_operator_reaches_the_network_weights() -> None:
    result = check(setup("wgan-gp"))
    assert result.diagnostics == []
    gp = next(o for o in result.summary.objectives if o.name == "gp")
    assert gp.updates == ("D",) and gp.phase == "(a)"
    # the same penalty through a plain operator reaches no critic weights
    plain = setup("wgan-gp").replace("(∇_{x̂} [D])", "(grad)")
    assert (12, "warning", "objective-trains-nothing") in codes(plain)


@pytest.mark.parametrize("body, code", [("∇[h]", "unknown-name"), ("grad_x [x]", "kind-conflict")])
def test_a_gradient_operator_names_a_drawn_module(body: str, code: str) -> None:
    found = check(f"x ~ X\nx -> [f*] -> y\ny -> ({body}) -> loss\nmin loss").diagnostics
    assert [(d.line, d.code) for d in found] == [(3, code)]


def test_policy_gradient_setups_check_clean() -> None:
    for name in ("reinforce", "rlhf"):
        result = check(setup(name))
        assert result.diagnostics == [], name
        assert result.summary.objectives[0].updates == ("π",), name


# --- several objectives per phase ----------------------------------------------------

def test_several_objectives_in_one_phase() -> None:
    src = ("z ~ N(0, 1)\nx ~ X\nz -> [g] -> x'\nx', x -> [d] -> loss\nx -> [d] -> r\n"
           "r -> (‖ ‖^2) -> penalty\nphase (a): min loss wrt d\nphase (a): min penalty wrt d\n"
           "phase (b): max loss wrt g\n")
    result = check(src)
    assert result.diagnostics == []
    assert result.summary.lines()[2] == (
        "Objectives: phase (a): minimise loss, updating d; phase (a): minimise penalty, "
        "updating d; phase (b): maximise loss, updating g.")
    svg = etree.fromstring(render_many([src])[0].output)
    panels = [el.get("data-key") for el in svg.iter(f"{SVG}g")
              if "dn-objective" in (el.get("class") or "")]
    assert panels == ["val:loss", "val:penalty", "val:loss"]  # (a) draws both, (b) one


# --- drawing ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def drawn() -> dict[str, etree._Element]:
    names = ["vq-vae", "reinforce", "wgan-gp", "rlhf", "mixed-gradients"]
    results = render_many([setup(n) for n in names] + [POLICY.format(arrow="~r>", how="")])
    assert all(r.ok for r in results)
    return {name: etree.fromstring(r.output)
            for name, r in zip([*names, "reparam"], results, strict=True)}


def _edge(svg: etree._Element, tail: str, head: str) -> etree._Element:
    return next(g for g in svg.iter(f"{SVG}g") if g.get("data-tail") == tail
                and g.get("data-head") == head)


def test_a_sample_from_a_module_draws_the_sampling_mark_on_its_edge(drawn) -> None:
    edge = _edge(drawn["reinforce"], "mod:π@1", "val:a")
    classes = [el.get("class") for el in edge]
    assert classes == ["dn-edge dn-draw", "dn-arrow", "dn-gap", "dn-sample"]
    label = _edge(drawn["reparam"], "mod:π@1", "val:a").find(f"{SVG}text")
    assert label is not None and label.text == "reparam"


def test_a_non_differentiable_operator_is_drawn_dashed(drawn) -> None:
    node = next(g for g in drawn["vq-vae"].iter(f"{SVG}g")
                if g.get("data-key") == "op:nearest@1")
    assert "dn-nondiff" in node.get("class")
    assert node.find(f"{SVG}ellipse").get("stroke-dasharray")


def test_straight_through_is_a_dotted_arrow_back_to_the_encoder_output(drawn) -> None:
    edge = _edge(drawn["vq-vae"], "val:z_q", "val:z_e")
    line = edge.find(f"{SVG}path")
    assert line.get("class") == "dn-edge dn-straight" and line.get("stroke-dasharray")
    assert edge.find(f"{SVG}text").text == "straight-through"


def test_each_sampling_mark_sits_on_its_edge_along_the_segment(drawn) -> None:
    """The mark's box is centred on a segment of its edge, long side along it, clear of
    the edge's ends (it once lay across the first point, on a segment ELK's rounding
    made look horizontal)."""
    count = 0
    for name, svg in drawn.items():
        for group in svg.iter(f"{SVG}g"):
            gap = group.find(f"{SVG}rect")
            if gap is None or gap.get("class") != "dn-gap":
                continue
            count += 1
            x, y, w, h = (float(gap.get(k)) for k in ("x", "y", "width", "height"))
            cx, cy = x + w / 2, y + h / 2
            points, _ = reconstruct(group.find(f"{SVG}path").get("d"))
            on = [(p, q) for p, q in zip(points, points[1:], strict=False)
                  if min(p[0], q[0]) - 1 <= cx <= max(p[0], q[0]) + 1
                  and min(p[1], q[1]) - 1 <= cy <= max(p[1], q[1]) + 1]
            assert on, (name, group.get("data-tail"), group.get("data-head"), cx, cy, points)
            (p, q), vertical = on[0], on[0][0][0] == on[0][1][0]
            assert (h > w) == vertical, (name, group.get("data-tail"), (x, y, w, h), p, q)
            ends = (points[0], points[-1])
            assert all(abs(cx - e[0]) + abs(cy - e[1]) > max(w, h) / 2 for e in ends), name
    assert count >= 6


def test_a_score_objective_reaches_the_policy_across_a_detached_advantage() -> None:
    """REINFORCE with a baseline: the advantage is detached ('-/->'), as the estimator
    takes it as a constant; the log-probability of the sample still trains the policy."""
    from dagnote import check

    checked = check("s ~ S\ns -> [π*] ~> a\ns, a -> [env] -> R\ns -> [V*] -> b\n"
                    "R, b -> (-) -> δ\nδ -/-> A\nδ -> (sq) -> value loss\n"
                    "max A by score\nmin value loss wrt V\n")
    assert not checked.diagnostics, checked.diagnostics
    by_name = {o.name: o for o in checked.summary.objectives}
    assert by_name["A"].updates == ("π",)
    assert by_name["value loss"].updates == ("V",)


def test_the_straight_through_hint_names_a_module_as_written() -> None:
    """An operator fed by a module directly: the hint writes the module in brackets, and
    following it trains the module."""
    from dagnote import check

    source = "x ~ X\nx -> [head*] -> (argmax/) -> k\nk -> (ce) -> loss\nmin loss\n"
    (warning,) = [d for d in check(source).diagnostics if d.code == "untrained"]
    assert "'straight-through k to [head]'" in warning.message
    fixed = check(source + "straight-through k to [head]\n")
    assert not fixed.diagnostics
    assert fixed.summary.objectives[0].updates == ("head",)


def test_vq_vae_without_straight_through_names_the_lookup_and_the_right_fix() -> None:
    """The encoder's path to the reconstruction loss runs through the lookup, and its path
    to the codebook loss through a stop-gradient: the warning names the lookup first and
    proposes the straight-through from z_q to z_e (not to the codebook)."""
    from dagnote import check

    source = ("x ~ X\nx -> [encoder*] -> z_e\nz_e, *e -> (nearest/) -> z_q\n"
              "z_q -> [decoder*] -> x'\nx', x -> (‖ ‖^2) -> rec loss\n"
              "*e -> (‖ ‖^2@2) -> codebook loss\nz_e -/-> (‖ ‖^2@2)\n"
              "min rec loss\nmin codebook loss\n")
    (warning,) = [d for d in check(source).diagnostics if d.code == "untrained"]
    assert "'(nearest/)'" in warning.message and "stop-gradient" in warning.message
    assert "'straight-through z_q to z_e'" in warning.message
