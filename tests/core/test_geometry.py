"""Layout geometry, measured on the SVG: routes, ends, rows, phases, labels, links.

Every diagram of the corpus (the nine seed figures, the documented setups, the gallery,
the seeds and setups turned LR, and seeded random programs) is rendered once, in one
``render_many`` batch, read back from its SVG (see ``geometry.py``) and checked for each
property. Tests are parametrised by diagram and property, so a failure names both, and
its message lists the offending edges, boxes and labels with the measured numbers.

The properties (tolerance 1 px wherever one is needed):

orthogonal     every edge is an axis-parallel polyline, corners rounded with r <= 4
no_crossing    no edge passes through a box other than its tail's and head's
ends_touch     an edge starts on its tail's box outline and ends on its head's
operand_sides  a two-operand operator's operands enter its left/right sides at centre
               height (TB), its top/bottom sides at centre x (LR); one written
               `from left`/`from right` enters that side and the other from above (TB)
rows           objectives on the last row; data sets, priors, givens on the first, aligned
phase_order    panels and captions in the order of the phase statements
labels_clear   labels overlap no label, no other element's box and no other edge
links_clear    shared-weights links and weight copies cross no box at all
marks_clear    (extra) stars and objective triangles overlap no box, label or edge
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import dagnote

from .geometry import PROPERTIES, Diagram, _side, read, report

ROOT = Path(__file__).parents[2]
GENERATED = 36
GROUPED = 12  # generated programs drawn again with frames
GENERATOR_SEED = 20260518
# programs that also sample from modules (~>, ~r>) and pass gradients straight through
# non-differentiable operators; generated apart, so the programs above stay as they were
GENERATED_GRADIENTS = 10
GRADIENTS_SEED = 20261202


# --- a random generator of valid programs -----------------------------------------------

DATASETS = ["X", "Y", "C", "D", "I", "T", "S", "P"]
SAMPLES = ["x", "y", "c", "w", "p", "o"]
PRIORS = [("ε", "N(0, 1)"), ("z", "N(0, I)"), ("η", "U(0, 1)")]
VALUE_BASES = ["h", "u", "v", "a", "b", "e", "q", "r", "s", "k"]
VALUE_DECOR = ["{}", "{}'", "{}_1", "{}_{{t}}", "{}^2", "{}_{{0..n}}", "{}'_2"]
MODULES = ["enc", "dec", "head", "proj", "g", "d", "f", "pred", "W_q", "lm", "body",
           "critic", "backbone", "adapter", "mlp", "gen"]
OPERATORS = ["+", "×", "ce", "KL", "‖ ‖^2", "rp", "MHA", "InfoNCE", "cat", "aug", "mask"]
LOSS_OPERATORS = ["ce", "KL", "‖ ‖^2", "InfoNCE", "-log σ(Δ)", "BCE"]
LOSSES = ["loss", "prior loss", "loss_2", "adv loss", "loss_{rec}"]
NOTES = ["σ", "β_t", "λ", "τ = 0.1", "k"]


class _Program:
    """One random program, built statement by statement from pieces that stay valid:
    fresh names for every new element, inputs only from values that exist, a side input
    only from a value the module does not already feed (no cycle)."""

    def __init__(self, rng: random.Random, gradients: bool = False) -> None:
        self.rng = rng
        self.gradients = gradients
        self.lines: list[str] = []
        self.values: list[str] = []          # usable as inputs, oldest first
        self.above: dict[str, set[str]] = {}  # value -> modules upstream of it
        self.inputs: dict[str, set[str]] = {}  # module -> values flowing into it
        self.modules: list[tuple[str, bool, int]] = []  # name, trained, boxes so far
        self.names = [d.format(b) for d in VALUE_DECOR for b in VALUE_BASES]
        rng.shuffle(self.names)
        self.module_names = list(MODULES)
        rng.shuffle(self.module_names)
        self.op_count: dict[str, int] = {}

    def fresh(self) -> str:
        return self.names.pop()

    def new_module(self) -> tuple[str, bool]:
        name = self.module_names.pop()
        trained = self.rng.random() < 0.65
        self.modules.append((name, trained, 1))
        return name, trained

    def operator(self, label: str) -> str:
        n = self.op_count.get(label, 0) + 1
        self.op_count[label] = n
        return f"({label})" if n == 1 else f"({label}@{n})"

    def pick(self, count: int) -> list[str]:
        recent = self.values[-5:]
        count = min(count, len(recent))
        return self.rng.sample(recent, count)

    def produced(self, outs: list[str], ins: list[str], via: str | None) -> None:
        ups = set().union(*(self.above.get(v, set()) for v in ins))
        if via:
            ups.add(via)
            self.inputs.setdefault(via, set()).update(ins)
        for out in outs:
            self.above[out] = set(ups)
            self.values.append(out)

    # -- statements ---------------------------------------------------------------------
    def data(self) -> None:
        rng = self.rng
        sets = rng.sample(DATASETS, 6)
        samples = list(SAMPLES)
        rng.shuffle(samples)
        for _ in range(rng.choice([1, 1, 2])):
            if rng.random() < 0.4:
                k = rng.choice([2, 2, 3])
                names = [samples.pop() for _ in range(k)]
                srcs = [sets.pop() for _ in range(k)]
                self.lines.append(f"{', '.join(names)} ~ ({', '.join(srcs)})")
            else:
                names = [samples.pop()]
                self.lines.append(f"{names[0]} ~ {sets.pop()}")
            self.produced(names, [], None)
        if rng.random() < 0.5:
            name, dist = rng.choice(PRIORS)
            self.lines.append(f"{name} ~ {dist}")
            self.produced([name], [], None)
        if rng.random() < 0.25:
            name = self.fresh()
            star = "*" if rng.random() < 0.5 else ""
            self.lines.append(f"given {star}{name}")
            self.produced([name], [], None)
        if rng.random() < 0.25:
            s = next((v for v in self.values if v in SAMPLES), None)
            if s:
                self.lines += [f"seq {s}", f"seq {s}_{{0..n-1}} = {s}[:-1]",
                               f"seq {s}_{{1..n}} = {s}[1:]"]
                self.produced([f"{s}_{{0..n-1}}", f"{s}_{{1..n}}"], [s], None)

    def module_step(self) -> None:
        rng = self.rng
        ins = self.pick(rng.choice([1, 1, 2]))
        name, trained = self.new_module()
        outs = [self.fresh() for _ in range(rng.choice([1, 1, 1, 2]))]
        arrow = "-/->" if rng.random() < 0.1 else "->"
        self.lines.append(f"{', '.join(ins)} {arrow} [{name}{'*' if trained else ''}] -> "
                          f"{', '.join(outs)}")
        self.produced(outs, ins, f"{name}@1")

    def operator_step(self) -> None:
        rng = self.rng
        ins = self.pick(rng.choice([1, 2, 2, 2, 3]))
        op = self.operator(rng.choice(OPERATORS))
        out = self.fresh()
        self.lines.append(f"{', '.join(ins)} -> {op} -> {out}")
        if rng.random() < 0.3 and not self.gradients:
            self.lines.append(f"note {op}: {rng.choice(NOTES)}")
        self.produced([out], ins, None)

    def stopgrad_step(self) -> None:
        rng = self.rng
        a = self.pick(1)
        name, trained = self.new_module()
        out = self.fresh()
        star = "*" if trained else ""
        if rng.random() < 0.5:
            self.lines.append(f"{a[0]} -/-> [{name}{star}] -> {out}")
        else:
            self.lines.append(f"{a[0]} -> [{name}{star}] -/-> {out}")
        self.produced([out], a, f"{name}@1")

    def shared_step(self) -> None:
        if not self.modules:
            return self.module_step()
        i = self.rng.randrange(len(self.modules))
        name, trained, boxes = self.modules[i]
        self.modules[i] = (name, trained, boxes + 1)
        a = self.pick(1)
        out = self.fresh()
        self.lines.append(f"{a[0]} -> [{name}{'*' if trained else ''}@{boxes + 1}] -> {out}")
        self.produced([out], a, f"{name}@{boxes + 1}")

    def side_step(self) -> None:
        rng = self.rng
        if not self.modules:
            return self.module_step()
        name, trained, _ = rng.choice(self.modules)
        key = f"{name}@1"
        fit = [v for v in self.values
               if key not in self.above.get(v, set()) and v not in self.inputs.get(key, set())]
        if not fit:
            return self.operator_step()
        b = rng.choice(fit)
        self.lines.append(f"{b} -> [{name}{'*' if trained else ''}] from "
                          f"{rng.choice(['left', 'right'])}")
        self.inputs.setdefault(key, set()).add(b)
        for ups in self.above.values():  # what the module feeds now also sees b's past
            if key in ups:
                ups.update(self.above.get(b, set()))

    def sampled_step(self) -> None:
        """A sample from a module's output (~>, ~r>), or a non-differentiable operator
        whose gradient is passed on straight through."""
        rng = self.rng
        a = self.pick(1)
        out = self.fresh()
        if rng.random() < 0.5:
            name, trained = self.new_module()
            arrow = "~>" if rng.random() < 0.6 else "~r>"
            self.lines.append(f"{a[0]} -> [{name}{'*' if trained else ''}] {arrow} {out}")
            self.produced([out], a, f"{name}@1")
            return
        self.lines.append(f"{a[0]} -> {self.operator(rng.choice(['argmax', 'sign']) + '/')} "
                          f"-> {out}")
        if rng.random() < 0.5:
            self.lines.append(f"straight-through {out} to {a[0]}")
        self.produced([out], a, None)

    def copy_step(self) -> None:
        trained = [m for m in self.modules if m[1]]
        if not trained:
            return self.module_step()
        src = self.rng.choice(trained)[0]
        a = self.pick(1)
        name = self.module_names.pop()
        self.modules.append((name, False, 1))
        out = self.fresh()
        self.lines.append(f"{a[0]} -> [{name}] -/-> {out}")
        self.lines.append(f"[{src}*] ..> [{name}] : {self.rng.choice(['ema', 'copy', 'init'])}")
        self.produced([out], a, f"{name}@1")

    def objectives(self) -> None:
        rng = self.rng
        losses = rng.sample(LOSSES, rng.choice([1, 1, 2, 2, 3]))
        for loss in losses:
            if rng.random() < 0.2:
                a = self.pick(rng.choice([1, 2]))
                name, trained = self.new_module()
                self.lines.append(f"{', '.join(a)} -> [{name}{'*' if trained else ''}] -> {loss}")
            else:
                a = self.pick(rng.choice([1, 2, 2]))
                self.lines.append(f"{', '.join(a)} -> {self.operator(rng.choice(LOSS_OPERATORS))}"
                                  f" -> {loss}")
        trained = [m[0] for m in self.modules if m[1]]
        if len(trained) >= 2 and rng.random() < 0.3:
            a, b = rng.sample(trained, 2)
            self.lines.append(f"phase (a): min {losses[0]} wrt {a}")
            self.lines.append(f"phase (b): max {losses[0]} wrt {b}")
            losses = losses[1:]
        for loss in losses:
            wrt = ""
            if trained and rng.random() < 0.25:
                wrt = f" wrt {rng.choice(trained)}"
            self.lines.append(f"{'max' if rng.random() < 0.2 else 'min'} {loss}{wrt}")

    def build(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            self.lines.append("direction LR")
        self.data()
        steps = [self.module_step, self.operator_step, self.stopgrad_step, self.shared_step,
                 self.side_step, self.copy_step]
        weights = [3, 3, 1, 1, 1, 0.7]
        if self.gradients:  # the new constructs among plain modules and operators
            steps = [self.module_step, self.operator_step, self.stopgrad_step,
                     self.sampled_step]
            weights = [3, 3, 1, 2.5]
        for _ in range(rng.randint(2, 6)):
            rng.choices(steps, weights)[0]()
        self.objectives()
        return "\n".join(self.lines) + "\n"


def generate(count: int, seed: int, gradients: bool = False) -> list[str]:
    """``count`` programs that check without errors; attempts with errors are drawn again
    (same seed, same programs)."""
    rng = random.Random(seed)
    out: list[str] = []
    attempts = 0
    while len(out) < count:
        attempts += 1
        assert attempts < count * 20, "the generator keeps writing programs with errors"
        source = _Program(rng, gradients).build()
        if dagnote.check(source).ok:
            out.append(source)
    return out


# --- the corpus ---------------------------------------------------------------------------

def _corpus() -> dict[str, str]:
    corpus: dict[str, str] = {}
    files = {"seed": sorted((ROOT / "examples" / "seed").glob("*.dag")),
             "setup": sorted((ROOT / "docs" / "setups").glob("*.dag"))
             + sorted((ROOT / "tests" / "core" / "setups").glob("*.dag")),
             "gallery": sorted((ROOT / "docs" / "gallery").glob("*.dag")),
             "own": sorted((ROOT / "docs" / "own-setups").glob("*.dag"))}
    for group, paths in files.items():
        for path in paths:
            corpus[f"{group}/{path.stem}"] = path.read_text(encoding="utf-8")
    for group in ("seed", "setup", "own"):
        for path in files[group]:
            corpus[f"{group}-LR/{path.stem}"] = "direction LR\n" + path.read_text(
                encoding="utf-8")
    for i, source in enumerate(generate(GENERATED, GENERATOR_SEED)):
        lr = "-LR" if "direction LR" in source else ""
        corpus[f"gen{i:02d}{lr}"] = source
        if i < GROUPED:
            corpus[f"gen{i:02d}{lr}-grouped"] = grouped(source, random.Random(i))
    for i, source in enumerate(generate(GENERATED_GRADIENTS, GRADIENTS_SEED, gradients=True)):
        lr = "-LR" if "direction LR" in source else ""
        corpus[f"gen-grad{i:02d}{lr}"] = source
    return corpus


def grouped(source: str, rng: random.Random) -> str:
    """``source`` with a frame around a few of its elements (any few: frames must hold
    whatever they are given) and, every other time, a module frame nested in it."""
    from dagnote.language.compile import compile_source

    items = []
    for node in compile_source(source).diagram.nodes.values():
        if node.kind in ("value", "given"):
            items.append(node.ident)
        elif node.kind == "module":
            items.append(f"[{node.ident}@{node.instance}]")
        elif node.kind == "operator":
            items.append(f"({node.ident}@{node.instance})")
    members = rng.sample(items, min(len(items), rng.randint(2, 5)))
    lines = [source.rstrip("\n"), f'group "block {rng.randint(1, 9)}" ×N: ' + ", ".join(members)]
    if rng.random() < 0.5:
        lines.append("group [inner*]: " + ", ".join(members[:rng.randint(1, len(members))]))
    return "\n".join(lines) + "\n"


CORPUS = _corpus()


@pytest.fixture(scope="session")
def diagrams() -> dict[str, Diagram]:
    """Every corpus diagram rendered in one batch and read back."""
    names = list(CORPUS)
    results = dagnote.render_many([CORPUS[n] for n in names])
    out = {}
    for name, result in zip(names, results, strict=True):
        assert result.ok, (name, result.engine_error, result.diagnostics, CORPUS[name])
        out[name] = read(name, CORPUS[name], result.output)
    return out


def test_the_corpus_is_as_large_as_promised() -> None:
    assert sum(n.startswith("seed/") for n in CORPUS) == 9
    assert sum(n.startswith("gen") for n in CORPUS) >= 30
    generated = [CORPUS[n] for n in CORPUS if n.startswith("gen")]
    for feature in ("direction LR", "phase (a)", "-/->", "..>", "@2]", "from left",
                    "from right", "note ", "seq ", "given ", "N(0", "U(0", " ~ (", " ~> ",
                    " ~r> ", "/) ->", "straight-through "):
        assert any(feature in s for s in generated), feature
    operands = {len(line.split(" -> (")[0].split(", ")) for s in generated
                for line in s.splitlines() if " -> (" in line and "~" not in line}
    assert {1, 2, 3} <= operands, operands
    assert any(s.count("\nmin ") + s.count("\nmax ") >= 2 for s in generated)


def test_generated_programs_are_deterministic() -> None:
    assert generate(3, GENERATOR_SEED) == generate(3, GENERATOR_SEED)


def test_every_diagram_reads_back(diagrams: dict[str, Diagram]) -> None:
    for name, dg in diagrams.items():
        assert dg.nodes and dg.edges, name


@pytest.mark.parametrize("prop", list(PROPERTIES))
@pytest.mark.parametrize("name", list(CORPUS))
def test_geometry(diagrams: dict[str, Diagram], name: str, prop: str) -> None:
    dg = diagrams[name]
    violations = PROPERTIES[prop](dg)
    assert not violations, report(dg, prop, violations) + "\n  source:\n    " + \
        CORPUS[name].strip().replace("\n", "\n    ")


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_an_operand_written_with_a_side_enters_it_and_the_other_comes_from_above(
        direction: str) -> None:
    source = (f"direction {direction}\nx ~ X\nx -> [f*] -> h -> (+) -> [g*] -> y'\n"
              "x -> (+) from left\ny' -> (ce) -> loss\nmin loss\n")
    rendered = dagnote.render(source)
    assert rendered.ok, rendered.diagnostics
    dg = read("written sides", source, rendered.output)
    plus = next(n for n in dg.nodes if n.key == "op:+@1")
    ends = {e.tail: e.points[-1] for e in dg.edges if e.head == plus.key}
    left, top = ("left", "top") if direction == "TB" else ("top", "left")
    assert _side(ends["src:X"], plus.box) == left, (ends, plus.box)  # x drawn under X
    assert _side(ends["val:h"], plus.box) == top, (ends, plus.box)
    assert not PROPERTIES["operand_sides"](dg)


# --- the measuring itself, on hand-made SVG ------------------------------------------------

def _svg(body: str) -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">{body}</svg>'
            ).encode()


def _node(key: str, box: str, cls: str = "dn-value", text: str = "") -> str:
    x, y, w, h = (float(v) for v in box.split())
    label = (f'<text x="{x + w / 2}" y="{y + h - 4}" font-size="15" '
             f'text-anchor="middle">{text}</text>') if text else ""
    return f'<g class="dn-node {cls}" data-key="{key}" data-box="{box}">{label}</g>'


def _edge(tail: str, head: str, d: str, tip: str = "", kind: str = "data") -> str:
    arrow = f'<path class="dn-arrow" d="M{tip}L0 0Z"/>' if tip else ""
    return (f'<g class="dn-edge-group" data-tail="{tail}" data-head="{head}">'
            f'<path class="dn-edge dn-{kind}" d="{d}"/>{arrow}</g>')


@pytest.mark.parametrize("d, problem", [
    ("M0 0L0 10A4 4 0 0 0 4 14L20 14", None),
    ("M0 0L0 10A4 4 0 0 1 -4 14L-20 14", None),
    ("M0 0L5 5", "diagonal"),
    ("M0 0L0 10L10 10", "unrounded"),
    ("M0 0L0 10L0 5", "reverses"),
    ("M0 0L0 10A6 6 0 0 0 6 16L20 16", "radius 6"),
    ("M0 0L0 10A4 4 0 0 1 4 14L20 14", "sweeps against"),
    ("M0 0L0 10A4 4 0 0 0 3 14L20 14", "no quarter circle"),
])
def test_path_reconstruction(d: str, problem: str | None) -> None:
    from .geometry import reconstruct
    points, problems = reconstruct(d)
    if problem is None:
        assert not problems and points[0] == (0, 0) and points[1][1] == 14 \
            and abs(points[1][0]) == 0 and abs(points[-1][0]) == 20, (points, problems)
    else:
        assert any(problem in p for p in problems), problems


def test_the_checks_see_what_they_should() -> None:
    a = _node("val:a", "0 0 20 20", text="a")
    b = _node("val:b", "0 100 20 20", text="b")
    wall = _node("mod:w", "0 50 40 20", "dn-module", text="wall")
    # a -> b straight through w, ending 3 px short of b, its arrow tip on the line
    dg = read("t", "a -> b", _svg(a + b + wall + _edge("val:a", "val:b", "M10 20L10 91",
                                                       tip="10 97")))
    assert any("mod:w" in v for v in PROPERTIES["no_crossing"](dg))
    assert any("3 px outside" in v for v in PROPERTIES["ends_touch"](dg))
    assert any('label "wall"' in v for v in PROPERTIES["labels_clear"](dg))
    assert not PROPERTIES["orthogonal"](dg)
    # the same edge around the wall, touching both ends: clean
    around = "M10 20L10 26A4 4 0 0 1 6 30L-6 30A4 4 0 0 0 -10 34L-10 86A4 4 0 0 0 -6 90" \
             "L6 90A4 4 0 0 1 10 94"
    dg = read("t", "a -> b", _svg(a + b + wall + _edge("val:a", "val:b", around,
                                                       tip="10 100")))
    for prop in ("orthogonal", "no_crossing", "ends_touch", "labels_clear"):
        assert not PROPERTIES[prop](dg), prop


def _frame(key: str, box: str, members: list[str], label: str = "", at: str = "") -> str:
    text = (f'<text x="{at.split()[0]}" y="{at.split()[1]}" font-size="15">{label}</text>'
            if label else "")
    return (f'<g class="dn-frame dn-group" data-key="{key}" data-box="{box}" '
            f"data-members='{json.dumps(members)}'>{text}</g>")


def test_the_frame_checks_see_what_they_should() -> None:
    a = _node("val:a", "10 10 20 20", text="a")
    b = _node("val:b", "10 100 20 20", text="b")
    c = _node("val:c", "120 10 20 20", text="c")
    down = _edge("val:a", "val:b", "M20 30L20 100")
    out_and_back = _edge("val:a", "val:b", "M20 30L20 50L160 50L160 90L20 90L20 100")
    # the frame holds a but not b (b pokes out), holds c although c is no member, its
    # label sits at the top, far from the band along its bottom; a -> b leaves it and
    # comes back
    bad = _frame("grp:1", "0 0 150 110", ["val:a", "val:b"], "blk", "40 25")
    dg = read("t", "", _svg(a + b + c + bad + out_and_back))
    found = PROPERTIES["frames_hold"](dg)
    assert any("does not hold its member val:b" in v for v in found), found
    assert any("overlaps val:c" in v for v in found), found
    assert any('label "blk"' in v and "band side" in v for v in found), found
    assert any("crosses its outline 2 time(s), want 0" in v
               for v in PROPERTIES["frame_edges"](dg))
    # a frame around a and b alone, its label in the lower-left corner: clean
    good = _frame("grp:1", "0 0 60 140", ["val:a", "val:b"], "blk", "4 134")
    dg = read("t", "", _svg(a + b + c + good + down))
    for prop in ("frames_hold", "frame_edges", "labels_clear"):
        assert not PROPERTIES[prop](dg), (prop, PROPERTIES[prop](dg))
