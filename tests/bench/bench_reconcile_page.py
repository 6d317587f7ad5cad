"""Benchmark: key to paint of j/k on the console's reconciliation page at 200,000 ledger records.

    python tests/bench/bench_reconcile_page.py [--records 200000] [--keys 40] [--old-keys 6]

Generates the desk once (the demo desk's reference data and cases, and ``--records`` ledger
records from ``bench_ledger``'s generator; cached in the temp directory), then in one run and one
harness (headless at 120x40, one key at a time, the paint time taken by the screen's compositor
itself) opens the page, waits for its reconciliation, and presses j and k in turn. The peer is
the page as it was before: every j/k reconciled again on the UI thread, then drew every finding
again in one text. Prints, for each, the time from opening to the painted result, the median
and 90th percentile from key to the first paint after it, how many reconciliations the keys
cost, and the ratio of the medians. Not collected by pytest.

Measured for 200,048 records (1,432 findings) on the shared 2-core development machine, load
average 4.7-4.9: j/k 29.3 ms (p90 46) against 6,434 ms (p90 8,219) before, 220x; no
reconciliation for 40 keys against one per key; open to painted result 6.3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core import ledger as L  # noqa: E402
from core.demo import demo_desk_path  # noqa: E402
from core.desk import Desk  # noqa: E402
from tests.bench.bench_ledger import ZONE, generate  # noqa: E402
from tests.bench.paints import PAINTS  # noqa: E402
from tests.tui.deskfactory import FakeClock  # noqa: E402
from tui.app import BaogongApp  # noqa: E402
from tui.screens.console.reconcile import ReconcileScreen  # noqa: E402

SIZE = (120, 40)
#: the generator writes 30,000 records a day from 2026-01-01: the page's week ends here
NOW = datetime(2026, 1, 7, 20, 0, tzinfo=ZONE)

reconciliations = 0
_reconcile = L.Ledgers.reconcile


def _counted(self: L.Ledgers, **kwargs: Any) -> L.Reconciliation:
    global reconciliations
    reconciliations += 1
    return _reconcile(self, **kwargs)


L.Ledgers.reconcile = _counted  # type: ignore[method-assign]


class PerKeyPage(ReconcileScreen):
    """The page before the fix: every j/k reconciled again, on the UI thread, then drew every
    finding again in one text."""

    CSS_PATH = str(Path(sys.modules[ReconcileScreen.__module__].__file__ or "").parent
                   / "reconcile.tcss")

    def chunked(self) -> bool:
        return False

    def action_move(self, delta: int) -> None:
        app = self.desk_app
        book = L.Ledgers(app.desk)
        self.result = book.reconcile(start=self.start, end=self.end, scope=self.scope,
                                     as_of=app.clock())
        self.closes = book.closes()
        super().action_move(delta)


def build_desk(root: Path, records: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(demo_desk_path(), root, ignore=shutil.ignore_patterns("ledgers"))
    started = time.perf_counter()
    written, bean = generate(root, records)
    bean.unlink()
    (root / ".complete").write_text(str(records))
    print(f"generated {written:,} ledger records in {time.perf_counter() - started:.0f} s",
          flush=True)


def stats(samples: list[float]) -> str:
    if not samples:
        return "-"
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"{statistics.median(samples) * 1000:8.1f} ms (p90 {p90 * 1000:.0f}, n={len(samples)})"


async def measure(root: Path, page: type[ReconcileScreen], keys: int) -> dict[str, Any]:
    desk = Desk.open(root)
    app = BaogongApp(desk, operator=desk.settings.supervisors[0], language="en",
                     clock=FakeClock(NOW), cursor_blink=False, poll_interval=None)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            started = time.perf_counter()
            screen = page()
            await app.push_screen(screen)
            while screen.result is None:
                await asyncio.sleep(0.01)
            await pilot.pause()
            opened = time.perf_counter() - started
            findings = len(screen.result.findings)
            before = reconciliations
            samples = []
            for index in range(keys):
                PAINTS.clear()
                started = time.perf_counter()
                await pilot.press("j" if index % 4 < 2 else "k")
                await pilot.pause()
                painted = [t for t in PAINTS if t >= started]
                if painted:
                    samples.append(painted[0] - started)
            return {"opened": opened, "keys": samples, "findings": findings,
                    "records": screen.result.records,
                    "reconciliations": reconciliations - before}
    finally:
        desk.cases.index.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--keys", type=int, default=40, help="j/k presses on the page")
    parser.add_argument("--old-keys", type=int, default=6,
                        help="j/k presses on the page before the fix (seconds each)")
    parser.add_argument("--desk", type=Path, default=None)
    args = parser.parse_args()
    root = args.desk or Path(tempfile.gettempdir()) / f"baogong-bench-ledgers-{args.records}"
    marker = root / ".complete"
    if not (marker.exists() and marker.read_text() == str(args.records)):
        build_desk(root, args.records)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"desk: {root}, terminal {SIZE[0]}x{SIZE[1]}, headless; load average {load}",
          flush=True)
    ours = asyncio.run(measure(root, ReconcileScreen, args.keys))
    print(f"page (worker thread): j/k {stats(ours['keys'])}", flush=True)
    before = asyncio.run(measure(root, PerKeyPage, args.old_keys))
    print(f"{ours['records']:,} records, {ours['findings']:,} findings on the page; "
          f"load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(f"{'measure':30} {'page (worker thread)':>32} {'page before (per key)':>32} "
          f"{'ratio':>8}")
    print(f"{'open to painted result':30} {ours['opened'] * 1000:29.0f} ms "
          f"{before['opened'] * 1000:29.0f} ms")
    ratio = statistics.median(before["keys"]) / statistics.median(ours["keys"])
    print(f"{'j/k: key to paint':30} {stats(ours['keys']):>32} {stats(before['keys']):>32} "
          f"{ratio:7.1f}x")
    print(f"{'reconciliations for the keys':30} {ours['reconciliations']:>32} "
          f"{before['reconciliations']:>32}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
