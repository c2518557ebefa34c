"""Equal ELK graphs of different diagrams are laid out once per render job."""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Any

import pytest

import dagnote
from dagnote.build import pipeline
from dagnote.build.layout_memo import LayoutMemo, graph_key

GRAPH = {"id": "root", "children": [{"id": "n0", "width": 10, "height": 10}], "edges": []}


def test_a_claimed_layout_is_waited_for_then_shared_as_a_copy() -> None:
    memo = LayoutMemo()
    key = graph_key(GRAPH)
    assert key is not None
    assert memo.claim(key) is None  # the first asker lays it out
    pending = memo.claim(key)
    assert isinstance(pending, threading.Event) and not pending.is_set()
    laid_out = {"id": "root", "children": [{"id": "n0", "x": 12.0, "y": 3.5}]}
    memo.settle(key, laid_out)
    assert pending.is_set()
    first, second = memo.claim(key), memo.claim(key)
    assert first == second == laid_out and first is not second and first is not laid_out
    assert memo.reused == 2


def test_an_error_is_not_kept_so_the_next_asker_lays_the_graph_out() -> None:
    memo = LayoutMemo()
    key = graph_key(GRAPH)
    assert key is not None and memo.claim(key) is None
    pending = memo.claim(key)
    memo.settle(key, "the layout did not finish within 1 s")
    assert isinstance(pending, threading.Event) and pending.is_set()
    assert memo.claim(key) is None and memo.reused == 0


def test_the_memo_keeps_at_most_its_bytes_dropping_the_least_recently_used() -> None:
    def layout(n: int) -> dict[str, Any]:  # hex digits: they do not compress to nothing
        return {"id": "root", "n": n, "pad": hashlib.sha256(str(n).encode()).hexdigest() * 4}

    probe = LayoutMemo()
    assert probe.claim("k") is None
    probe.settle("k", layout(0))
    one = probe.bytes_held
    assert one > 50
    memo = LayoutMemo(max_bytes=2 * one + one // 2)  # room for two
    for n in range(3):
        assert memo.claim(f"k{n}") is None
        memo.settle(f"k{n}", layout(n))
    assert memo.bytes_held <= memo.max_bytes
    assert memo.claim("k2") == layout(2) and memo.claim("k1") == layout(1)
    assert memo.claim("k0") is None  # dropped for the third


def test_a_graph_that_is_not_json_has_no_key() -> None:
    assert graph_key({"id": "root", "width": float("nan")}) is None
    assert graph_key({"id": "root", "w": object()}) is None


def test_two_batches_needing_one_graph_lay_it_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second batch waits for the first one's layout instead of asking ELK again."""
    calls: list[int] = []
    inside = threading.Event()
    release = threading.Event()

    def slow_layouts(graphs: list[dict[str, Any]], timeout: float,
                     hung: object) -> list[dict[str, Any] | str]:
        calls.append(len(graphs))
        inside.set()
        assert release.wait(10)
        return [{"laid": g["id"]} for g in graphs]

    monkeypatch.setattr(pipeline, "_run_unique", slow_layouts)
    memo = LayoutMemo()
    other = {**GRAPH, "id": "other"}
    out: dict[str, list[Any]] = {}
    first = threading.Thread(target=lambda: out.setdefault(
        "first", pipeline._run_batch([GRAPH], 5.0, None, memo)))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=lambda: out.setdefault(
        "second", pipeline._run_batch([other, GRAPH], 5.0, None, memo)))
    second.start()
    second.join(0.3)
    assert second.is_alive()  # its own graph is laid out, GRAPH is waited for
    release.set()
    first.join(10)
    second.join(10)
    assert out["first"] == [{"laid": "root"}]
    assert out["second"] == [{"laid": "other"}, {"laid": "root"}]
    assert sorted(calls) == [1, 1]  # "root" once, "other" once


def test_a_batch_whose_layout_fails_lets_the_waiting_batch_try_itself(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def failing_then_working(graphs: list[dict[str, Any]], timeout: float,
                             hung: object) -> list[dict[str, Any] | str]:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            inside.set()
            assert release.wait(10)
            raise RuntimeError("a bug in the first batch")
        return [{"laid": g["id"]} for g in graphs]

    monkeypatch.setattr(pipeline, "_run_unique", failing_then_working)
    memo = LayoutMemo()
    errors: list[BaseException] = []
    out: list[Any] = []

    def first_batch() -> None:
        try:
            pipeline._run_batch([GRAPH], 5.0, None, memo)
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=first_batch, name="first")
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=lambda: out.extend(
        pipeline._run_batch([GRAPH], 5.0, None, memo)), name="second")
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert not second.is_alive() and len(errors) == 1
    assert out == [{"laid": "root"}] and calls == ["first", "second"]


def test_diagrams_that_differ_only_in_short_labels_share_one_layout(
        layout_requests: list[int]) -> None:
    """Renamed modules that still fit the narrowest box: one ELK layout, two drawings
    with their own labels at the same places."""
    sources = ["x ~ X\nx -> [f*] -> y\nmin y\n", "x ~ X\nx -> [g*] -> y\nmin y\n"]
    job = dagnote.start_render([sources[0]])
    first = job.result(0)
    job.add([sources[1]])
    second = job.result(1)
    assert first.output is not None and second.output is not None
    assert sum(layout_requests) == 1
    a, b = first.output.decode(), second.output.decode()
    assert ">f<" in a and ">g<" in b and a != b

    def boxes(svg: str) -> list[str]:
        return re.findall(r'<rect [^>]*>', svg)

    assert boxes(a) == boxes(b) and boxes(a)


def test_equal_graphs_of_one_batch_share_one_layout_even_when_it_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The panels of a diagram with phases: one try, one outcome (a timeout is not spent
    twice)."""
    calls: list[int] = []

    def timing_out(graphs: list[dict[str, Any]], timeout: float,
                   hung: object) -> list[dict[str, Any] | str]:
        calls.append(len(graphs))
        return ["the layout did not finish within 5 s"] * len(graphs)

    monkeypatch.setattr(pipeline, "_run_unique", timing_out)
    out = pipeline._run_batch([GRAPH, dict(GRAPH)], 5.0, None, LayoutMemo())
    assert out == ["the layout did not finish within 5 s"] * 2 and calls == [1]
