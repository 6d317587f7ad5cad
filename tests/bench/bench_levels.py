"""Benchmark: classify 1,000,000 signal records. Run ``python tests/bench/bench_levels.py``.

Prints records per second for the fast path (``Classifier.level``: the level only), the full
assessment (``Classifier.assess``: every rule that fired with its explanations in both languages)
and, as a baseline measured in the same run, a bare loop that only reads the six fields of each
record. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.levels import LEVELS_BY_RANK, Classifier, Level, PanicBuying, Signals


def make_records(count: int, seed: int = 3) -> list[Signals]:
    """Mostly calm days with some tense ones, as a city's districts over years would give."""
    rng = random.Random(seed)
    panic = list(PanicBuying)
    records = []
    for _ in range(count):
        records.append(Signals(
            grain_oil_weekly_rise=round(rng.expovariate(12.0), 4),
            lean_pork_weekly_rise=round(rng.expovariate(10.0), 4),
            panic_buying=panic[min(3, int(rng.expovariate(2.5)))],
            tight_days=int(rng.expovariate(0.25)) if rng.random() < 0.3 else 0,
            persistently_tight=rng.random() < 0.01,
            stockout=rng.random() < 0.02,
        ))
    return records


def baseline(records: list[Signals]) -> int:
    touched = 0
    for s in records:
        _ = (s.grain_oil_weekly_rise, s.lean_pork_weekly_rise, s.panic_buying, s.tight_days,
             s.persistently_tight, s.stockout)
        touched += 1
    return touched


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()

    started = time.perf_counter()
    records = make_records(args.records)
    made = time.perf_counter() - started
    classifier = Classifier()

    def fast() -> list[Level]:
        level = classifier.level
        return [level(s) for s in records]

    def full() -> list[object]:
        assess = classifier.assess
        return [assess(s) for s in records]

    rows = []
    for name, run in (("baseline: read 6 fields", lambda: baseline(records)),
                      ("Classifier.level (level only)", fast),
                      ("Classifier.assess (rules + plan)", full)):
        seconds = min(timed(run) for _ in range(args.repeat))
        rows.append((name, seconds, args.records / seconds))
    levels = Counter(fast())

    base = rows[0][1]
    print(f"{args.records:,} signal records (generated in {made:.1f} s), best of {args.repeat}, "
          f"Python {sys.version.split()[0]}")
    print(f"{'':34} {'seconds':>9} {'records/s':>13} {'× baseline time':>16}")
    for name, seconds, rate in rows:
        print(f"{name:34} {seconds:9.3f} {rate:13,.0f} {seconds / base:16.1f}")
    print("levels: " + ", ".join(f"{level.value} {levels[level]:,}" for level in LEVELS_BY_RANK))


if __name__ == "__main__":
    main()
