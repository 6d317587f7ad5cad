"""Benchmark of the standard-box packer: quality on public instances, speed on household orders.

    python tests/bench/bench_packing.py                 # everything (about 25 minutes)
    python tests/bench/bench_packing.py --quick         # every 10th instance, 10,000 orders
    python tests/bench/bench_packing.py --only 1d --every 5 --time-limit 0.5

The instances are read from ``$BAOGONG_BENCH_DATA``, ``--data DIR``, or ``shared/bench-data``
beside the repository (``../shared/bench-data`` from its root, or one level further up for a
worktree); if none is found, the quality rows are skipped. The packer only ever sees the items and
the capacities: the known optima (``optima.tsv``, ``optima_2d.tsv``) are read here to score its
answers, and nothing about any instance is stored anywhere.

The speed row packs generated household orders (5-40 lines each, seeded) with the desk's order
packer (weight and volume, classes apart, bounds) and with ``binpacking.to_constant_volume``
(weight only) in the same run, and prints orders per second and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.packing import Box, Instance, first_fit_decreasing, solve  # noqa: E402
from core.packing.orders import HouseholdOrder, OrderLine, OrderPacker  # noqa: E402
from core.reference import CatalogueItem, GoodsCategory  # noqa: E402


def find_data(option: str | None) -> Path | None:
    candidates = [option, os.environ.get("BAOGONG_BENCH_DATA")]
    candidates += [str(p / "shared" / "bench-data") for p in ROOT.parents[:2]]
    for candidate in candidates:
        if candidate and (Path(candidate) / "bpp" / "optima.tsv").is_file():
            return Path(candidate)
    return None


def one_dimensional(data: Path, every: int) -> Iterator[tuple[str, str, Instance, int]]:
    root = data / "bpp"
    rows = (root / "optima.tsv").read_text().splitlines()[1:]
    for row in rows[::every]:
        name, _n, _c, optimum, path = row.split("\t")
        numbers = (root / path.strip()).read_text().split()
        n, capacity = int(numbers[0]), int(numbers[1])
        sizes = [int(x) for x in numbers[2 : 2 + n]]
        yield path.split("/")[0], name, Instance.one_dimensional(sizes, capacity), int(optimum)


def two_dimensional(data: Path, every: int) -> Iterator[tuple[str, str, Instance, int]]:
    root = data / "bpp" / "vector2d_caprara_toth"
    rows = [r.split("\t") for r in (root / "optima_2d.tsv").read_text().splitlines()[1:]]
    rows = [r for r in rows if r[6] == "proven"]
    for name, klass, _n, _c1, _c2, optimum, _status, path in rows[::every]:
        doc = json.loads((root / path.strip()).read_text())
        w1: list[int] = []
        w2: list[int] = []
        for item in doc["Items"]:
            w1 += [item["Length"]] * item["Demand"]
            w2 += [item["Height"]] * item["Demand"]
        bin_ = doc["Objects"][0]
        inst = Instance(tuple(w1), tuple(w2), bin_["Length"], bin_["Height"])
        yield f"class {int(klass):2d}", name, inst, int(optimum)


def quality(
    label: str,
    instances: Iterator[tuple[str, str, Instance, int]],
    time_limit: float,
    verbose: bool,
) -> list[tuple[str, ...]]:
    groups: dict[str, list[float]] = {}
    total = [0.0] * 6  # n, optimal, ffd optimal, lower bound = optimum, seconds, extra bins
    for group, name, inst, optimum in instances:
        start = time.perf_counter()
        solution = solve(inst, time_limit=time_limit, seed=0)
        seconds = time.perf_counter() - start
        ffd = len(first_fit_decreasing(inst))
        row = [
            1,
            solution.count == optimum,
            ffd == optimum,
            solution.lower_bound == optimum,
            seconds,
            solution.count - optimum,
        ]
        if solution.count < solution.lower_bound or solution.count < optimum:
            raise SystemExit(f"{name}: impossible result, the packer or the data is wrong")
        if verbose and solution.count != optimum:
            print(f"  {name}: {solution.count} bins, optimum {optimum}", file=sys.stderr)
        acc = groups.setdefault(group, [0.0] * 6)
        for k in range(6):
            acc[k] += row[k]
            total[k] += row[k]
    rows = []
    for group, acc in [*sorted(groups.items()), (f"{label} all", total)]:
        n = acc[0]
        if not n:
            continue
        rows.append(
            (
                group,
                f"{int(n)}",
                f"{int(acc[1])} ({100 * acc[1] / n:.1f}%)",
                f"{int(acc[2])} ({100 * acc[2] / n:.1f}%)",
                f"{int(acc[3])}",
                f"{int(acc[5])}",
                f"{acc[4] / n:.3f}",
            )
        )
    return rows


CATEGORY_MIX = [
    # category, share, kg range, litres range, chilled, chemical
    (GoodsCategory.VEGETABLES, 30, (0.3, 2.5), (0.8, 5.0), False, False),
    (GoodsCategory.FRUIT, 10, (0.5, 3.0), (1.0, 5.0), False, False),
    (GoodsCategory.GRAIN_OIL, 12, (0.5, 10.0), (0.6, 12.0), False, False),
    (GoodsCategory.MEAT, 8, (0.3, 2.0), (0.4, 2.5), True, False),
    (GoodsCategory.EGGS, 4, (0.5, 1.5), (1.5, 4.0), False, False),
    (GoodsCategory.MILK, 5, (0.25, 3.0), (0.3, 3.5), True, False),
    (GoodsCategory.CONDIMENTS, 8, (0.1, 1.0), (0.1, 1.2), False, False),
    (GoodsCategory.SALT, 1, (0.4, 0.5), (0.4, 0.5), False, False),
    (GoodsCategory.DAILY_GOODS, 14, (0.1, 3.0), (0.5, 12.0), False, False),
    (GoodsCategory.MEDICAL_SUPPLIES, 5, (0.05, 0.5), (0.2, 2.0), False, False),
    (GoodsCategory.DISINFECTANT, 3, (0.5, 2.5), (0.5, 2.5), False, True),
]


def synthetic_catalogue(rng: random.Random, size: int = 400) -> list[CatalogueItem]:
    weights = [share for _c, share, *_rest in CATEGORY_MIX]
    items = []
    for k in range(size):
        category, _share, kg, litres, chilled, chemical = rng.choices(CATEGORY_MIX, weights)[0]
        items.append(
            CatalogueItem(
                code=f"g{k:03d}",
                name=f"{category.value} {k}",
                name_en=f"{category.value} {k}",
                unit="pc",
                category=category,
                kg=round(rng.uniform(*kg), 2),
                litres=round(rng.uniform(*litres), 1),
                price_fen=rng.randint(150, 8000),
                chilled=chilled,
                chemical=chemical,
            )
        )
    return items


def speed(orders: int, seed: int) -> list[tuple[str, ...]]:
    import binpacking  # measured in the same run; only the benchmark needs it

    rng = random.Random(seed)
    catalogue = synthetic_catalogue(rng)
    box = Box(max_kg=15, max_litres=40)
    packer = OrderPacker(catalogue, box, separate_chilled=True)
    batch = []
    for n in range(orders):
        lines = tuple(
            OrderLine(catalogue[rng.randrange(len(catalogue))].code, rng.choice((1, 1, 1, 2)))
            for _ in range(rng.randint(5, 40))
        )
        batch.append(HouseholdOrder(f"o{n}", f"h{n}", "c", lines))
    kg = {item.code: item.kg for item in catalogue}
    weights = [[kg[line.code] for line in o.lines for _ in range(line.quantity)] for o in batch]

    start = time.perf_counter()
    theirs = 0
    for w in weights:
        theirs += len(binpacking.to_constant_volume(w, box.max_kg))
    their_seconds = time.perf_counter() - start

    start = time.perf_counter()
    ours = lower = 0
    for order in batch:
        bins, bound, _ffd = packer.pack_units(packer.units(order))
        ours += len(bins)
        lower += bound
    our_seconds = time.perf_counter() - start
    ffd = sum(packer.ffd_count(order) for order in batch)  # the baseline, not timed

    gap = 100 * (ours - lower) / lower
    return [
        (
            "binpacking.to_constant_volume (kg only)",
            f"{orders}",
            f"{orders / their_seconds:,.0f}",
            f"{their_seconds:.2f}",
            f"{theirs}",
            "-",
            "-",
        ),
        (
            "baogong OrderPacker (kg + L, classes)",
            f"{orders}",
            f"{orders / our_seconds:,.0f}",
            f"{our_seconds:.2f}",
            f"{ours} (FFD {ffd})",
            f"{lower} (gap {ours - lower}, {gap:.1f}%)",
            f"{their_seconds / our_seconds:.2f}x",
        ),
    ]


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="the bench-data folder (holds bpp/)")
    parser.add_argument("--only", choices=["1d", "2d", "orders"], action="append")
    parser.add_argument("--every", type=int, default=1, help="take every Nth instance")
    parser.add_argument("--time-limit", type=float, default=1.0, help="seconds per instance")
    parser.add_argument("--orders", type=int, default=100_000, help="household orders to pack")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="--every 10 --orders 10000")
    parser.add_argument("--verbose", action="store_true", help="name the instances missed")
    args = parser.parse_args()
    if args.quick:
        args.every, args.orders = 10, 10_000
    parts = set(args.only or ["1d", "2d", "orders"])
    data = find_data(args.data)
    print(f"baogong packer benchmark: time limit {args.time_limit:g} s per instance, one core")
    if "1d" in parts or "2d" in parts:
        if data is None:
            print("bench data not found (set BAOGONG_BENCH_DATA or --data): quality skipped")
        else:
            rows: list[tuple[str, ...]] = []
            if "1d" in parts:
                rows += quality("1-D", one_dimensional(data, args.every), args.time_limit,
                                args.verbose)
            if "2d" in parts:
                rows += quality("2-D", two_dimensional(data, args.every), args.time_limit,
                                args.verbose)
            header = ("set", "n", "optimal", "FFD optimal", "LB = opt", "extra bins", "s/inst")
            print(table(header, rows))
    if "orders" in parts:
        print()
        header = ("packer", "orders", "orders/s", "seconds", "boxes", "lower bound", "speed ratio")
        print(table(header, speed(args.orders, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
