#!/usr/bin/env python3
"""Generate torch_generator.txt: ground truth for TorchGenerator from torch's CPU generator.

Run by hand with torch installed (never by the tests, never a project dependency):
    python3 make_torch_generator.py [path/to/timm-1.0.31/schedules.json]
The optional argument is the conformance file recorded from timm 1.0.31; with it, the lrs of
two of its noisy cases are copied in too, so that the tests can recompute timm's noise.

Lines (fields separated by one space; '#' starts a comment line):
    torch <version>                  the torch that recorded the file
    gen <python seed>                a fresh torch.Generator(); g.manual_seed(seed)
    initial_seed <decimal>           g.initial_seed()
    randn <8 hex> <repr>             torch.randn(1, generator=g).item(): float32 bits, repr
    rand <8 hex> <repr>              torch.rand(1, generator=g).item()
    randn64 <16 hex> <repr>          torch.randn(1, dtype=torch.float64, generator=g).item()
    rand64 <16 hex> <repr>           torch.rand(1, dtype=torch.float64, generator=g).item()
    int63 <16 hex>                   torch.empty(1, dtype=torch.int64).random_(generator=g):
                                     random64() mod 2**63
    reseed <python seed>             g.manual_seed(seed) on the same generator
    timm <case name>                 a timm case: then its noise parameters and lrs
                                     (copied from the conformance file, not recorded here)
    timm_param <name> <repr>
    timm_lr <t> <16 hex> <repr>      lrs[t] of the case's first group
Each draw line applies to the generator of the last gen line, in file order.
"""
import json
import os
import struct
import sys

import torch

SEEDS = [0, 1, 42, 43, 2**32 + 5, 123456789, 2**64 - 1, -1, 7, 5489]


def f32(x: float) -> str:
    return f"{struct.unpack('<I', struct.pack('<f', x))[0]:08x} {x!r}"


def f64(x: float) -> str:
    return f"{struct.unpack('<Q', struct.pack('<d', x))[0]:016x} {x!r}"


class Recorder:
    def __init__(self) -> None:
        self.lines = [f"torch {torch.__version__}"]
        self.g = None

    def gen(self, seed: int) -> None:
        self.g = torch.Generator()
        self.g.manual_seed(seed)
        self.lines.append(f"gen {seed}")
        self.lines.append(f"initial_seed {self.g.initial_seed()}")

    def reseed(self, seed: int) -> None:
        self.g.manual_seed(seed)
        self.lines.append(f"reseed {seed}")

    def randn(self) -> None:
        t = torch.randn(1, generator=self.g)
        assert t.dtype == torch.float32
        self.lines.append("randn " + f32(t.item()))

    def rand(self) -> None:
        t = torch.rand(1, generator=self.g)
        assert t.dtype == torch.float32
        self.lines.append("rand " + f32(t.item()))

    def randn64(self) -> None:
        self.lines.append("randn64 " + f64(torch.randn(1, dtype=torch.float64, generator=self.g).item()))

    def rand64(self) -> None:
        self.lines.append("rand64 " + f64(torch.rand(1, dtype=torch.float64, generator=self.g).item()))

    def int63(self) -> None:
        v = torch.empty(1, dtype=torch.int64).random_(generator=self.g).item()
        self.lines.append(f"int63 {v:016x}")


def record_timm(rec: Recorder, path: str) -> None:
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    cases = vectors["cases"]
    meta = vectors.get("meta", {})
    rec.lines.append(f"# lrs below: copied from the conformance vectors recorded with timm "
                     f"{meta.get('timm_version', '?')} on torch {meta.get('torch_version', '?')}")
    for name in ("timm/step-updates-noise/1g", "timm/plateau-noise/1g"):
        case = next(c for c in cases if c["name"] == name)
        spec = case["schedulers"][0]
        rec.lines.append(f"timm {name}")
        for key in ("noise_range_t", "noise_pct", "noise_std", "noise_seed", "noise_type"):
            if key in spec:
                rec.lines.append(f"timm_param {key} {json.dumps(spec[key]).replace(' ', '')}")
        for t, row in enumerate(case["lrs"]):
            rec.lines.append(f"timm_lr {t} " + f64(row[0]))


def main() -> None:
    rec = Recorder()

    # Seeding, the raw 32-bit stream (through random64), and its use by every draw below.
    for seed in SEEDS:
        rec.gen(seed)
        for _ in range(4):
            rec.int63()

    # randn several times in a row from one generator: the cached second value every other call.
    for seed in SEEDS:
        rec.gen(seed)
        for _ in range(9):
            rec.randn()

    # rand several times in a row.
    for seed in SEEDS:
        rec.gen(seed)
        for _ in range(8):
            rec.rand()

    # The float64 forms of both (same paths, no rounding to float32).
    for seed in (0, 42, 123456789):
        rec.gen(seed)
        for _ in range(5):
            rec.randn64()
        rec.gen(seed)
        for _ in range(5):
            rec.rand64()

    # Interleaved: the cached normal survives rand/random_ draws; float32 and float64 randn share it.
    for seed in (0, 42, 2**32 + 5):
        rec.gen(seed)
        rec.randn()
        rec.rand()
        rec.int63()
        rec.randn()
        rec.randn()
        rec.randn64()
        rec.rand64()
        rec.randn()
        rec.randn64()
        rec.randn()

    # manual_seed on the same generator drops the cached normal.
    for seed in (0, 42):
        rec.gen(seed)
        rec.randn()
        rec.reseed(seed)
        rec.randn()
        rec.randn()
        rec.reseed(seed + 1)
        rec.rand()
        rec.randn()

    # Many draws (past the 624-word state refill, more than once).
    rec.gen(42)
    for _ in range(700):
        rec.randn()
    for _ in range(700):
        rec.rand()

    if len(sys.argv) > 1:
        record_timm(rec, sys.argv[1])

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_generator.txt")
    with open(out, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(rec.lines) + "\n")
    print(f"wrote {len(rec.lines)} lines to {out}")


if __name__ == "__main__":
    main()
