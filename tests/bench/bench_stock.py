"""Benchmark: levels and the daily report on a generated ledger, stock read by the stock pass
against the full reconciliation they used before. Run ``python tests/bench/bench_stock.py``.

Generates N ledger records (default 100,000; money and stock mixed in every batch as
``bench_ledger.py`` writes them, the worst case for the pass, which skips batches without stock
records unparsed) into a copy of the demo desk, then measures in the same run:

- the full reconciliation up to the day (what ``desk.levels.on(day)`` and the daily report read
  stock through before), and the stock pass alone, cold;
- ``desk.levels.on(day)`` and ``daily_report`` with stock read the old way (the full
  reconciliation), then by the pass: cold (nothing known), warm (the ledger unchanged) and after
  one more stock batch is written (only that batch is read);

and checks that both ways give the same stock lines. Prints the load average before and after,
as the development machine is shared. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import core  # noqa: E402
import core.levels.reserves as reserves  # noqa: E402
import core.reports.daily as daily  # noqa: E402
import core.reports.supply as supply  # noqa: E402
from core import ledger as L  # noqa: E402
from core.demo import demo_desk_path  # noqa: E402
from core.ledger.stockpass import forget  # noqa: E402
from tests.bench.bench_ledger import generate  # noqa: E402

DAY = date(2026, 11, 23)  # a day of the demo desk's price monitoring


def old_ledger_stock(desk: core.Desk, day: date) -> list[L.StockLine]:
    """Stock lines as levels and reports read them before: the whole ledger reconciled."""
    return [line for line in L.Ledgers(desk).reconcile(end=day).stock if line.day <= day]


def timed(run: Callable[[], object], repeat: int = 1) -> float:
    """The median seconds of ``repeat`` runs."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each warm measurement")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    work = Path(tempfile.mkdtemp(prefix="baogong-stock-bench-"))
    try:
        root = work / "desk"
        shutil.copytree(demo_desk_path(), root, ignore=shutil.ignore_patterns("cases", "ledgers"))
        written, _bean = generate(root, args.records)
        files = sum(1 for _ in (root / "ledgers").rglob("*.toml"))
        print(f"generated {written:,} records in {files} batch files")
        desk = core.open_desk(root)

        def levels() -> object:
            return desk.levels.on(DAY)

        def report() -> object:
            return daily.daily_report(desk, DAY)

        full = timed(lambda: L.Ledgers(desk).reconcile(end=DAY))
        forget()
        cold_pass = timed(lambda: reserves.ledger_stock(desk, DAY))
        same = old_ledger_stock(desk, DAY) == reserves.ledger_stock(desk, DAY)
        print(f"full reconciliation to {DAY}: {ms(full)}; the stock pass alone, cold: "
              f"{ms(cold_pass)} ({full / cold_pass:.1f}x); same stock lines: {same}")

        new = reserves.ledger_stock
        for module in (reserves, supply, daily):
            module.ledger_stock = old_ledger_stock  # type: ignore[attr-defined]
        try:
            levels_before = timed(levels, args.repeat)
            report_before = timed(report, args.repeat)
        finally:
            for module in (reserves, supply, daily):
                module.ledger_stock = new  # type: ignore[attr-defined]
        forget()
        levels_cold = timed(levels)
        levels_warm = timed(levels, args.repeat)
        report_warm = timed(report, args.repeat)
        zone = desk.settings.zone
        L.Ledgers(desk).append([L.draft(
            L.StockReceipt, time=datetime(2026, 11, 23, 9, tzinfo=zone), store="depot",
            item="goggles", quantity=10, source=L.Source.PURCHASE, keeper="keeper")],
            operator="bench", recorded=datetime(2026, 11, 23, 9, 5, tzinfo=zone))
        levels_added = timed(levels)
        same = same and old_ledger_stock(desk, DAY) == reserves.ledger_stock(desk, DAY)
        print(f"desk.levels.on({DAY}): before {ms(levels_before)}; with the pass cold "
              f"{ms(levels_cold)}, warm {ms(levels_warm)} ({levels_before / levels_warm:.0f}x), "
              f"after one more batch {ms(levels_added)}")
        print(f"daily_report({DAY}): before {ms(report_before)}; with the pass warm "
              f"{ms(report_warm)} ({report_before / report_warm:.1f}x)")
        print(f"same stock lines after the added batch: {same}")
        print(f"load average after: {os.getloadavg()}")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
