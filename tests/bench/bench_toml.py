"""Compiled TOML parsers against ``tomllib`` on our own case files (issue 20, goal 1).

    python tests/bench/bench_toml.py [--cases 100000] [--files 20000]

Reads ``--files`` case files of the generated desk (``tests/bench/gen_desk.py``) into memory,
then times each parser on the same texts in one process, in turn, the best of ``--rounds``, and
counts the files each reads exactly as ``tomllib`` does (same values, same types, same key
order, same offsets; a parser with its own time zone class, or one that sorts keys, does not). The
parser ``core.storage.tomlio`` uses is the fastest that reads every file identically and
refuses what TOML 1.0 refuses (see ``tests/core/test_toml_parsers.py``). Parsers that are not
installed are listed as such: ``pip install rtoml pytomlpp toml-rs``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.storage import tomlio
from tests.bench.gen_desk import generate
from tests.core.test_toml_parsers import same

Loads = Callable[[str], Any]


def parsers() -> dict[str, Loads | None]:
    found: dict[str, Loads | None] = {"tomllib": tomllib.loads,
                                      "core.storage.tomlio.loads": tomlio.loads}
    for name, make in (
        ("toml-rs (TOML 1.0)", lambda m: lambda text: m.loads(text, toml_version="1.0.0")),
        ("rtoml", lambda m: m.loads),
        ("pytomlpp", lambda m: m.loads),
    ):
        module = {"toml-rs (TOML 1.0)": "toml_rs"}.get(name, name)
        try:
            found[name] = make(importlib.import_module(module))
        except ImportError:
            found[name] = None
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = generate(args.cases)
    paths = sorted((root / "cases").rglob("*.toml"))[: args.files]
    texts = [p.read_bytes().decode("utf-8") for p in paths]
    expected = [tomllib.loads(t) for t in texts]
    print(f"{len(texts)} case files of {root}, load {os.getloadavg()[0]:.1f}")
    found = parsers()
    best: dict[str, float] = {}
    # rounds taken in turn, the best of each kept: a busy machine slows whoever runs then
    for _round in range(args.rounds):
        for name, loads in found.items():
            if loads is None:
                continue
            started = time.perf_counter()
            for text in texts:
                loads(text)
            elapsed = time.perf_counter() - started
            best[name] = min(best.get(name, elapsed), elapsed)
    for name, loads in found.items():
        if loads is None:
            print(f"{name:28} not installed")
            continue
        identical = sum(same(loads(t), e) for t, e in zip(texts, expected, strict=True))
        print(f"{name:28} {best[name] / len(texts) * 1e6:7.1f} us/file  "
              f"{best['tomllib'] / best[name]:5.1f}x tomllib  identical {identical}/{len(texts)}")
    print(f"load after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
