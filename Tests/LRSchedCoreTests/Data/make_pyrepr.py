#!/usr/bin/env python3
"""Generate pyrepr.txt: ground truth for pyRepr(Double) from CPython's repr(float).

Each line: <16 hex digits of the IEEE-754 bit pattern> <space> <repr(float)>.
Deterministic (fixed seed). Run from any directory: python3 make_pyrepr.py
"""
import math
import os
import random
import struct


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def main() -> None:
    rng = random.Random(20240611)
    values = []

    # Hand-picked special cases.
    values += [0.0, -0.0, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308,
               2.2250738585072014e-308, 2.225073858507201e-308, 0.1, 0.2, 0.3, 1 / 3, 2 / 3,
               0.09000000000000001, 0.1 + 0.2, 1.0, 2.0, 100.0, 1234567890123456.0,
               12345678901234567.0, 9007199254740992.0, 9007199254740993.0, 123456.789,
               1e22, 1e23, 0.5, 0.25, 0.001, 0.0001, 0.00012345, 0.000123456789,
               9.999999999999999e-05, 9.999999999999999e15, 9999999999999998.0,
               1e-05, 1.5e-05, 2.5e-07, -2.5e-07, 1e300, 1e-300, math.pi, math.e,
               math.inf, -math.inf, math.nan, 0.9999999999999999, 1.0000000000000002]

    # Powers of ten and their neighbours around the formatting thresholds (and everywhere).
    for e in range(-325, 309):
        try:
            p = float(f"1e{e}")
        except OverflowError:
            continue
        values += [p, math.nextafter(p, math.inf), math.nextafter(p, -math.inf)]
        if math.isfinite(1.5 * p):
            values.append(1.5 * p)

    # Dense sampling near the thresholds 1e-5, 1e-4, 1e15, 1e16, 1e17.
    for t in (1e-5, 1e-4, 1e15, 1e16, 1e17):
        x = t
        for _ in range(20):
            x = math.nextafter(x, -math.inf)
            values.append(x)
        x = t
        for _ in range(20):
            x = math.nextafter(x, math.inf)
            values.append(x)
        for _ in range(40):
            values.append(t * rng.uniform(0.5, 20.0))

    # Subnormals.
    for _ in range(200):
        values.append(from_bits(rng.getrandbits(52) or 1))
    for k in range(1, 40):
        values.append(from_bits(k))

    # Integral floats, short decimals, typical learning rates.
    for _ in range(300):
        values.append(float(rng.randint(-10**17, 10**17)))
    for _ in range(300):
        values.append(round(rng.uniform(-1000, 1000), rng.randint(0, 8)))
    for _ in range(300):
        values.append(rng.uniform(0, 1) * 10.0 ** rng.randint(-8, 0))

    # Uniformly random bit patterns (finite ones; non-finite kept a few times above).
    while len(values) < 6000:
        x = from_bits(rng.getrandbits(64))
        if math.isfinite(x):
            values.append(x)

    seen = set()
    lines = []
    for x in values:
        b = bits(x)
        if b in seen:
            continue
        seen.add(b)
        lines.append(f"{b:016x} {x!r}")

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyrepr.txt")
    with open(out, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} lines to {out}")


if __name__ == "__main__":
    main()
