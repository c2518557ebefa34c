"""Checks of the training setup and the three-element summary."""

from __future__ import annotations

from dagnote import check


def codes(source: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.severity, d.code) for d in check(source).diagnostics]


def test_clean_classifier_has_no_problems_and_a_summary() -> None:
    result = check("x, y ~ (X, Y)\nx -> [f*] -> y'\ny', y -> (ce) -> loss\nmin loss")
    assert result.diagnostics == []
    assert result.summary.lines() == [
        "Data: (X, Y).",
        "Weights: f (trained).",
        "Objectives: minimise loss, updating f.",
    ]


def test_cycle_is_an_error_at_the_closing_edge() -> None:
    assert codes("x ~ X\nx -> [f*] -> y\ny -> [g] -> x\nmin y") == [(3, "error", "cycle")]


def test_untrained_weights_warn() -> None:
    src = "x ~ X\nx -> [f*] -> y\nx -> [h*] -> unused\nmin y"
    assert codes(src) == [(3, "warning", "untrained")]


def test_objective_that_trains_nothing_warns() -> None:
    src = "x ~ X\nx -> [f] -> y\nmin y"
    assert codes(src) == [(3, "warning", "objective-trains-nothing")]


def test_stop_gradient_cuts_the_gradient_but_not_the_data() -> None:
    src = "x ~ X\nx -> [f*] -> a\na -/-> [g] -> loss\nmin loss"
    found = codes(src)
    assert (2, "warning", "untrained") in found
    assert (4, "warning", "objective-trains-nothing") in found


def test_weight_copy_is_not_data_flow() -> None:
    src = ("x ~ X\nx -> [f*] -> y\n[f*] ..> [f_ema] : ema\nx -> [f_ema] -> t\n"
           "y, t -> (mse) -> loss\nmin loss")
    result = check(src)
    assert result.errors == []
    assert result.summary.frozen == ("f_ema",)


def test_shared_weights_are_one_trainable_module() -> None:
    src = "a, b ~ (A, B)\na -> [enc*] -> u\nb -> [enc*@2] -> v\nu, v -> (nce) -> loss\nmin loss"
    result = check(src)
    assert result.diagnostics == []
    assert result.summary.trained == ("enc",)


def test_kind_errors() -> None:
    assert codes("x ~ X\nx -> [f] -> y\nf -> z\nmin y")[0][:3] == (3, "error", "module-as-value")
    assert codes("x ~ X\ny -> [f*] -> x2\nz ~ y") [0][1:] == ("error", "sample-source")
    assert codes("x ~ X\nX -> [f*] -> y")[0][1:] == ("error", "dataset-as-value")


def test_unknown_objective_is_located() -> None:
    diags = check("x ~ X\nx -> [f*] -> y\nmin  lost").diagnostics
    assert [(d.line, d.column, d.code) for d in diags] == [(3, 6, "unknown-name")]


def test_phases_summarise_which_weights_each_step_updates() -> None:
    src = ("z ~ N(0, 1)\nx ~ X\nz -> [g] -> x'\nx' -> [d] -> loss\nx -> [d] from right\n"
           "phase (a): min loss wrt d\nphase (b): max loss wrt g")
    result = check(src)
    assert result.diagnostics == []
    assert result.summary.lines()[2] == (
        "Objectives: phase (a): minimise loss, updating d; phase (b): maximise loss, updating g."
    )


def test_a_diagram_without_objectives_is_a_module_inside() -> None:
    assert check("x -> [W*] -> y").diagnostics == []
