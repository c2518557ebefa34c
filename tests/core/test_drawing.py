"""The drawing steps between the model and the SVG: scene, ELK graph, placement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dagnote
from dagnote.drawing import elk_runner
from dagnote.drawing.elk_graph import crossings, reorder_operands, to_elk
from dagnote.drawing.route import route
from dagnote.drawing.scene import build_scenes
from dagnote.language.compile import compile_source

SEEDS = sorted((Path(__file__).parents[2] / "examples" / "seed").glob("*.dag"))


def _scene(source: str, direction: str = "TB"):
    compiled = compile_source(source)
    assert not compiled.has_errors, compiled.diagnostics
    return build_scenes(compiled.diagram, 15.0, direction)


def test_output_is_byte_identical_across_worker_processes() -> None:
    sources = [p.read_text() for p in SEEDS]
    first = [r.output for r in dagnote.render_many(sources)]
    elk_runner.pool().close()  # the next render starts new V8 processes
    dagnote.build.pipeline.clear_memo()
    second = [r.output for r in dagnote.render_many(sources)]
    assert all(first) and first == second


def test_graph_ids_are_generated_never_user_text() -> None:
    scene = _scene('x ~ X\nx -> ["a<b onload=1>"*] -> y\nmin y')[0]
    graph = to_elk(scene)
    ids = [c["id"] for c in graph["children"]] + [e["id"] for e in graph["edges"]]
    assert all(re.fullmatch(r"[ne]\d+", i) for i in ids), ids
    assert "onload" not in repr(graph)


def test_source_stack_and_its_sample_are_one_box_in_the_first_layer() -> None:
    scene = _scene("x ~ X\nx -> [f*] -> y\nmin y")[0]
    source = scene.nodes["src:X"]
    assert "val:x" not in scene.nodes  # drawn under the mark, as in the reference
    assert source.layer == "FIRST" and "dn-sampled" in source.css
    assert [s.kind for s in source.shapes] == ["rect", "sample"]
    assert scene.nodes["val:y"].layer == "LAST"


def test_binary_operator_takes_its_operands_on_its_sides() -> None:
    for direction, sides in (("TB", {"WEST", "EAST"}), ("LR", {"NORTH", "SOUTH"})):
        scene = _scene("a ~ A\nb ~ B\na, b -> (ce) -> loss\nmin loss", direction)[0]
        op = scene.nodes["op:ce@1"]
        assert set(op.ports.values()) - {scene_side(direction)} == sides


def scene_side(direction: str) -> str:
    return {"TB": "SOUTH", "LR": "EAST"}[direction]


def _graph_and_result(first_x: float, second_x: float) -> tuple[dict, dict]:
    """An operator n2 whose left operand comes from n0 and right from n1."""
    graph = {
        "id": "root", "layoutOptions": {"elk.direction": "DOWN"},
        "children": [{"id": "n0"}, {"id": "n1"}, {"id": "n2"}],
        "edges": [{"id": "e0", "sources": ["n0.out"], "targets": ["n2.operand-left"]},
                  {"id": "e1", "sources": ["n1.out"], "targets": ["n2.operand-right"]}],
    }
    result = {"children": [{"id": "n0", "x": first_x, "y": 0, "width": 10, "height": 10},
                           {"id": "n1", "x": second_x, "y": 0, "width": 10, "height": 10},
                           {"id": "n2", "x": 50, "y": 50, "width": 10, "height": 10}]}
    return graph, result


def test_operands_are_reordered_only_when_their_sources_are_the_other_way() -> None:
    graph, result = _graph_and_result(0, 100)
    assert reorder_operands(graph, result) is None
    graph, result = _graph_and_result(100, 0)
    swapped = reorder_operands(graph, result)
    assert swapped is not None
    assert [e["targets"] for e in swapped["edges"]] == [["n2.operand-right"],
                                                        ["n2.operand-left"]]
    assert graph["edges"][0]["targets"] == ["n2.operand-left"]  # the input is not changed


def test_a_second_try_of_operand_order_is_made_only_when_edges_cross(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The second layout is kept only when its edges cross less, so a first layout whose
    edges do not cross is never tried again."""
    from dagnote.build import pipeline
    from dagnote.drawing import elk_runner

    def edge(eid: str, *points: tuple[float, float]) -> dict:
        pts = [{"x": x, "y": y} for x, y in points]
        return {"id": eid, "sections": [{"startPoint": pts[0], "bendPoints": pts[1:-1],
                                         "endPoint": pts[-1]}]}

    graph, result = _graph_and_result(100, 0)  # sources the other way round
    apart = dict(result, edges=[edge("e0", (105, 10), (105, 50)), edge("e1", (5, 10), (5, 50))])
    crossed = dict(result, edges=[edge("e0", (105, 10), (105, 30), (50, 30), (50, 50)),
                                  edge("e1", (5, 10), (5, 40), (60, 40), (60, 50))])
    assert crossings(apart) == 0 and crossings(crossed) == 1
    class Pool:
        """Answers every graph with ``first``, counting the requests."""

        first: dict = {}
        requests: list[int] = []

        def layout(self, graphs: list, timeout: float, left: int | None = None) -> list:
            self.requests.append(len(graphs))
            return [self.first] * len(graphs)

    monkeypatch.setattr(elk_runner, "pool", Pool)
    for first, requests_expected in ((apart, 1), (crossed, 2)):
        Pool.first, Pool.requests = first, []
        assert pipeline._run_unique([graph], 5.0, None) == [first]
        assert len(Pool.requests) == requests_expected


def test_crossings_counts_a_vertical_through_a_horizontal() -> None:
    def edge(*points: tuple[float, float]) -> dict:
        pts = [{"x": x, "y": y} for x, y in points]
        return {"sections": [{"startPoint": pts[0], "bendPoints": pts[1:-1],
                              "endPoint": pts[-1]}]}

    crossing = {"edges": [edge((5, 0), (5, 10)), edge((0, 5), (10, 5))]}
    touching = {"edges": [edge((5, 0), (5, 5)), edge((0, 5), (10, 5))]}
    assert crossings(crossing) == 1
    assert crossings(touching) == 0


def test_side_link_goes_around_a_box_in_its_way() -> None:
    a, b = (0.0, 0.0, 20.0, 20.0), (100.0, 0.0, 20.0, 20.0)
    assert route(a, b, [], 5) == [(20.0, 10.0), (100.0, 10.0)]
    between = (50.0, 0.0, 20.0, 20.0)
    below = (0.0, 60.0, 20.0, 20.0)  # a box lower left, in the way of a detour right
    for boxes, others in (((a, b), [between]), ((a, below), [(25.0, 30.0, 60.0, 20.0)])):
        points = route(*boxes, others, 5)
        assert len(points) > 2
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            assert x0 == x1 or y0 == y1
            lo_x, hi_x, lo_y, hi_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
            for bx, by, bw, bh in [*others, *boxes]:
                inside = lo_x < bx + bw and hi_x > bx and lo_y < by + bh and hi_y > by
                assert not inside or (lo_x == hi_x and lo_x in (bx, bx + bw)) or (
                    lo_y == hi_y and lo_y in (by, by + bh)), points


def test_a_long_lr_chain_wraps_into_rows() -> None:
    hops = " -> ".join(f"[m{i}*] -> h{i}" for i in range(12))
    svg = dagnote.render(f"direction LR\nx ~ X\nx -> {hops}\nmin h11").output
    assert svg is not None
    tops = {float(m.split()[1]) for m in re.findall(rb'class="dn-node dn-module[^"]*" '
                                                     rb'data-key="[^"]*" data-box="([^"]*)"',
                                                     svg)}
    assert len(tops) >= 2, tops  # modules on more than one row


def test_greedy_switch_off_draws_the_seeds_as_with_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The greedy-switch crossing pass is off to save ELK time; on the seeds and setups,
    in both directions, the drawings are byte-identical to those with it on."""
    from dagnote.build import pipeline
    from dagnote.drawing import elk_graph

    setups = sorted((Path(__file__).parents[2] / "docs" / "setups").glob("*.dag"))
    sources = [p.read_text() for p in [*SEEDS, *setups]]
    sources += ["direction LR\n" + s for s in sources]
    off = [r.output for r in dagnote.render_many(sources)]
    real = elk_graph.graph_options

    def with_switch(scene):  # type: ignore[no-untyped-def]
        options = real(scene)
        options.pop("elk.layered.crossingMinimization.greedySwitch.type")
        return options

    monkeypatch.setattr(elk_graph, "graph_options", with_switch)
    pipeline.clear_memo()
    on = [r.output for r in dagnote.render_many([s + "\n" for s in sources])]
    assert all(off) and off == on


def test_a_fork_runs_straight_where_elk_left_a_small_step() -> None:
    """In the diffusion seed, n feeds + and the loss: ELK stepped the branch to + a few
    points aside below n; it now runs straight down and turns once."""
    svg = dagnote.render((SEEDS[0].parent / "diffusion.dag").read_text()).output
    assert svg is not None
    group = svg.split(b'data-tail="val:n" data-head="op:+@1">', 1)[1].split(b"</g>", 1)[0]
    d = group.split(b' d="', 1)[1].split(b'"', 1)[0]
    assert d.count(b"A") == 1, d  # one rounded corner: down, then across to +


def test_two_side_links_at_one_box_side_do_not_share_a_port() -> None:
    """A weight copy and a shared-weights link out of the same side of one box (a DQN's
    online network): the second leaves a quarter of the side away, so the two dashed
    lines do not run as one out of the same point."""
    dqn = Path(__file__).parents[2] / "docs" / "own-setups" / "dqn.dag"
    source = dqn.read_text(encoding="utf-8")
    svg = dagnote.render(source).output.decode()
    ends = []
    for d in re.findall(r'class="dn-edge dn-(?:copy|shared)" d="([^"]*)"', svg):
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        ends += [tuple(numbers[:2]), tuple(numbers[-2:])]
    assert len(ends) == 4
    assert len(set(ends)) == 4, ends


def test_a_figure_ends_a_margin_past_what_it_draws() -> None:
    """ELK keeps room past the last element in some left-to-right layouts (36 points in
    this one): the figure is sized to what it draws, half a font size around it."""
    dag = Path(__file__).parents[2] / "docs" / "own-setups" / "triplet.dag"
    svg = dagnote.render(dag.read_text(encoding="utf-8")).output.decode()
    _, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"',
                                                 svg).groups())
    boxes = [[float(v) for v in b.split()] for b in re.findall(r'data-box="([^"]+)"', svg)]
    bottom = max(y + h for _, y, _, h in boxes)
    assert height - bottom <= 15 * 0.5 + 1, (height, bottom)
