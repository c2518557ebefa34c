"""Realistic benchmark diagrams: the nine seed figures' shapes, renamed and resized.

Every generated diagram is deterministic for a given index, checks without errors and has
5 to 25 elements; the families follow the reference figures (classifier, GAN, VAE,
autoregression, diffusion, transformer stack, projector) with deeper module chains.
"""

from __future__ import annotations

import random
from collections.abc import Callable

# module names of the lengths real docs use: short ones fit a box's minimum width (and so
# give equal layouts), longer ones widen the box
NAMES = ("enc", "dec", "proj", "head", "block", "mlp", "conv", "stem", "adapter", "net",
         "encoder", "decoder", "backbone", "ResNet-50", "ViT-B/16", "MLP head", "LoRA",
         "U-Net block", "attention", "cross-attn", "embedding", "readout", "bottleneck",
         "upsample", "GRU", "LSTM", "classifier", "conv 3×3", "pooling", "projector")
QUALIFIERS = ("v2", "large", "tiny", "deep", "frozen", "pre-trained", "shared", "1×1")
DATA = ("X", "D", "S", "T", "I", "V")


def _chain(rng: random.Random, start: str, end: str, depth: int, tag: str) -> list[str]:
    """``start -> [m1*] -> h1 -> ... -> [mk*] -> end`` as one line per hop."""
    lines: list[str] = []
    current = start
    for i in range(1, depth + 1):
        name = rng.choice(NAMES)
        if rng.random() < 0.35:
            name += " " + rng.choice(QUALIFIERS)
        module = f"{name}_{{{tag}{i}}}"
        star = "*" if rng.random() < 0.8 or i == depth else ""
        nxt = end if i == depth else f"h_{{{tag}{i}}}"
        lines.append(f"{current} -> [{module}{star}] -> {nxt}")
        current = nxt
    return lines


def classifier(rng: random.Random, size: int) -> str:
    depth = max(1, (size - 5) // 2)
    d = rng.choice(DATA)
    lines = [f"# classifier, {depth} blocks", f"x, y ~ ({d}, Y)"]
    lines += _chain(rng, "x", "y'", depth, "c")
    lines += ["y', y -> (ce) -> loss", "min loss"]
    return "\n".join(lines)


def gan(rng: random.Random, size: int) -> str:
    depth = max(1, (size - 6) // 4)
    lines = ["# GAN with deeper nets", "z ~ N(0, 1)", f"x ~ {rng.choice(DATA)}"]
    prev = "z"
    gen = rng.choice(("gen", "G", "up", "decoder", "generator", "StyleGAN", "DCGAN G", "upsampler"))
    disc = rng.choice(("disc", "D", "d", "critic", "discriminator", "PatchGAN", "DCGAN D", "judge"))
    if rng.random() < 0.5:
        gen, disc = f"{gen} {rng.choice(QUALIFIERS)}", f"{disc} {rng.choice(QUALIFIERS)}"
    for i in range(1, depth + 1):
        nxt = "x'" if i == depth else f"g_{{{i}}}"
        lines.append(f"{prev} -> [{gen}_{{{i}}}] -> {nxt}")
        prev = nxt
    prev = "x'"
    for i in range(1, depth + 1):
        nxt = "loss" if i == depth else f"f_{{{i}}}"
        lines.append(f"{prev} -> [{disc}_{{{i}}}] -> {nxt}")
        prev = nxt
    lines.append(f"x -> [{disc}_{{1}}] from right")
    steps = range(1, depth + 1)
    lines.append("phase (a): min loss wrt " + ", ".join(f"{disc}_{{{i}}}" for i in steps))
    lines.append("phase (b): max loss wrt " + ", ".join(f"{gen}_{{{i}}}" for i in steps))
    return "\n".join(lines)


def vae(rng: random.Random, size: int) -> str:
    depth = max(1, (size - 13) // 4 + 1)
    lines = ["# VAE", "ε ~ N(0, 1)", f"x ~ {rng.choice(DATA)}"]
    lines += _chain(rng, "x", "e", depth, "e")
    lines += ["e -> [mu*], [sigma*] -> μ, σ", "μ, σ, ε -> (rp) -> z"]
    lines += _chain(rng, "z", "x'", depth, "d")
    lines += ["x', x -> (‖ ‖^2) -> posterior loss", "μ, σ -> (KL) -> prior loss",
              "min posterior loss", "min prior loss"]
    return "\n".join(lines)


def autoregression(rng: random.Random, size: int) -> str:
    depth = max(1, (size - 7) // 2)
    d = rng.choice(DATA)
    lines = ["# autoregressive", f"x ~ {d}", "seq x", "seq x_{0..n-1} = x[:-1]",
             "seq x_{1..n} = x[1:]"]
    lines += _chain(rng, "x_{0..n-1}", "x'_{1..n}", depth, "a")
    lines += ["x'_{1..n}, x_{1..n} -> (ce) -> loss", "min loss"]
    return "\n".join(lines)


def diffusion(rng: random.Random, size: int) -> str:
    depth = max(1, (size - 11) // 2)
    lines = ["# diffusion", f"c, x_0 ~ (C, {rng.choice(DATA)})", "ε ~ N(0, 1)",
             "ε -> (×) -> n", "note (×): σ", "x_0, n -> (+) -> x_t"]
    lines += _chain(rng, "x_t", "n'", depth, "u")
    first = lines[6].split("[")[1].split("]")[0].rstrip("*")
    lines += [f"c -> [{first}] from left", "n', n -> (‖ ‖^2) -> loss", "min loss"]
    return "\n".join(lines)


def transformer(rng: random.Random, size: int) -> str:
    layers = max(1, (size - 2) // 9)
    lines = ["# transformer stack"]
    first = rng.randint(0, 10**6)  # which layers of a deep stack: distinct drawings
    prev = f"x_{{{first}}}"
    for i in range(1, layers + 1):
        nxt = f"x_{{{first + i}}}"
        att = rng.choice(("MHA", "attn", "GQA", "self-attention", "MQA", "local attn"))
        norm = rng.choice(("LN", "RMSNorm", "LayerNorm"))
        ffn = rng.choice(("FFN", "MLP", "SwiGLU FFN", "MoE"))
        q, k, v = rng.choice((("W_q", "W_k", "W_v"), ("Q", "K", "V"), ("query", "key", "value"),
                              ("Q proj", "K proj", "V proj")))
        lines += [
            f"{prev} -> [q{i}: {q}*], [k{i}: {k}*], [v{i}: {v}*] -> (a{i}: {att})",
            f"(a{i}), {prev} -> (s{i}: +) -> [n{i}: {norm}*] -> [f{i}: {ffn}*]",
            f"[f{i}], [n{i}] -> (t{i}: +) -> [m{i}: {norm}*] -> {nxt}",
        ]
        prev = nxt
    return "\n".join(lines)


def projector(rng: random.Random, size: int) -> str:
    depth = max(1, (size - 4) // 2)
    lines = ["# projection into a frozen generator", "given *z', x"]
    prev = "z'"
    for i in range(1, depth + 1):
        nxt = "x'" if i == depth else f"g_{{{i}}}"
        lines.append(f"{prev} -> [{rng.choice(NAMES)}_{{p{i}}}] -> {nxt}")
        prev = nxt
    lines += ["x', x -> (LPIPS) -> loss", "min loss"]
    return "\n".join(lines)


FAMILIES: tuple[Callable[[random.Random, int], str], ...] = (
    classifier, gan, vae, autoregression, diffusion, transformer, projector,
)


def node_count(source: str) -> int:
    """How many elements dagnote draws for ``source``."""
    from dagnote.language.compile import compile_source

    return len(compile_source(source).diagram.nodes)


def diagram(index: int, size: int | None = None, salt: int = 0) -> str:
    """The ``index``-th benchmark diagram (deterministic, at most 25 elements)."""
    rng = random.Random(index * 7919 + 17)
    family = FAMILIES[index % len(FAMILIES)]
    target = size if size is not None else rng.randint(5, 25)
    while True:
        text = family(random.Random(index * 1_000_003 + salt), target)
        if target <= 5 or node_count(text) <= 25:
            return text + f"\n# figure {index}\n"
        target -= 2


def drawing(source: str) -> str:
    """What ELK is asked to lay out for ``source``: the ELK graph of each of its panels
    (every box's size, port and mark room; not its label text, colour or comments)."""
    import json

    from dagnote.build.options import RenderOptions
    from dagnote.drawing.elk_graph import to_elk
    from dagnote.drawing.scene import build_scenes
    from dagnote.language.compile import compile_source

    diagram = compile_source(source).diagram
    scenes = build_scenes(diagram, RenderOptions().font_size, diagram.direction or "TB")
    return json.dumps([to_elk(scene) for scene in scenes])


def diagrams(count: int) -> list[str]:
    """``count`` diagrams with pairwise different layouts (deterministic): a render job
    lays out equal ELK graphs once (dagnote.build.layout_memo), so diagrams that differ
    only in label text within a box's minimum width would measure that memo, not ELK."""
    out: list[str] = []
    seen: set[str] = set()
    for i in range(count):
        salt = 0
        text = diagram(i)
        while drawing(text) in seen and salt < 200:
            salt += 1
            text = diagram(i, salt=salt)
        seen.add(drawing(text))
        out.append(text)
    return out


def sized(nodes: int, index: int = 0) -> str:
    """A diagram with exactly ``nodes`` elements (the closest one if none has exactly)."""
    best = ""
    for target in range(max(1, nodes - 4), nodes + 5):
        for family in FAMILIES:
            text = family(random.Random(index), target)
            if node_count(text) == nodes:
                return text
            if not best or abs(node_count(text) - nodes) < abs(node_count(best) - nodes):
                best = text
    return best
