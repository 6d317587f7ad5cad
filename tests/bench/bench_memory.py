"""The app's resident memory holding a big desk (issue 20, goal 3: under 500 MB at 1,000,000).

    python tests/bench/bench_memory.py [--cases 1000000] [--desk DIR] [--cold]

Starts the app headless (80x24) in a process of its own on the generated desk (``gen_desk.py``;
its index is built first if it has none, outside the measured process) and reads the process's
resident memory (``VmRSS``, and its peak ``VmHWM``, from ``/proc/self/status``) at each step an
operator goes through: the desk open, the queue's first page painted with the whole list's ids
loaded, the search text read ahead of the first key (the queue does this after the first paint),
and a first search answered. With ``--cold`` the desk's index is deleted first, so the app builds
it (its workers' memory is their own; the app's holds the files to read and the rows being
written). Prints MET/MISSED against 500 MB for the whole app, and what the queue's list of ids
and the search text take by themselves. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GOAL_MB = 500.0
SEARCH = "王"


def status_mb(field: str) -> float:
    """A memory figure of this process from ``/proc/self/status``, in MB (10^6 bytes)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024 / 1e6
    raise LookupError(field)


async def measure(root: Path, cases: int) -> dict[str, object]:
    """Run in the measured process: the app on ``root`` until a first search is answered."""
    from core.desk import Desk
    from tui.app import BaogongApp
    from tui.widgets.case_list import CaseList

    figures: dict[str, object] = {"imports": status_mb("VmRSS")}
    started = time.perf_counter()
    desk = Desk.open(root)
    app = BaogongApp(desk, operator="bench", language="zh", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        figures["desk open, app started"] = status_mb("VmRSS")
        case_list = app.screen.query_one(CaseList)
        while len(case_list.ids) < cases:
            await asyncio.sleep(0.01)
            case_list = app.screen.query_one(CaseList)
        await pilot.pause()
        figures["start to every case listed, s"] = time.perf_counter() - started
        first_page = figures["first page painted, every id listed"] = status_mb("VmRSS")
        ids = case_list.ids
        # an IdList says what it takes; a list of strings, about 70 bytes an id
        figures["the list of ids, MB"] = (getattr(ids, "nbytes", 0) or 70 * len(ids)) / 1e6
        reader = app.reader
        deadline = time.monotonic() + 600
        while reader._search is None and time.monotonic() < deadline:  # read after the paint
            await asyncio.sleep(0.05)
        await pilot.pause()
        searchable = figures["search text read ahead"] = status_mb("VmRSS")
        figures["the search text (resident growth), MB"] = searchable - first_page
        screen = app.screen
        await pilot.press("slash")
        await pilot.press(*SEARCH)
        await pilot.pause()
        while screen.fetching:
            await asyncio.sleep(0.01)
        await pilot.pause()
        figures["first search answered"] = status_mb("VmRSS")
        figures["matches"] = len(app.screen.query_one(CaseList).ids)
        figures["peak (VmHWM)"] = status_mb("VmHWM")
    return figures


def measured(root: Path, cases: int, *, cold: bool = False) -> dict[str, object]:
    """:func:`measure` in a fresh process (so nothing this one holds counts), as a dict;
    ``cold``: with the desk's index deleted first."""
    if cold:
        shutil.rmtree(root / ".index", ignore_errors=True)
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(root), "--cases", str(cases)],
        check=True, capture_output=True, text=True, cwd=ROOT)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(figures: dict[str, object]) -> bool:
    """Print the figures; returns whether the whole app stayed under the goal."""
    worst = 0.0
    for name, value in figures.items():
        if isinstance(value, float) and not name.endswith((", s", ", MB")) and name != "imports":
            worst = max(worst, value)
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        unit = "" if name.endswith((", s", ", MB")) or name == "matches" else " MB resident"
        print(f"  {name:40s} {shown}{unit if isinstance(value, float) else ''}")
    met = worst < GOAL_MB
    print(f"  app resident memory, worst step: {worst:.0f} MB  goal < {GOAL_MB:.0f} MB  "
          f"{'MET' if met else 'MISSED'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--desk", type=Path, help="a desk of --cases cases (default: generated)")
    parser.add_argument("--cold", action="store_true", help="delete the index first")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure, args.cases))))
        return 0
    import core
    from tests.bench.gen_desk import generate

    root = args.desk or generate(args.cases)
    if not args.cold and not (root / ".index").exists():
        print("building the index first (not measured)...", flush=True)
        desk = core.open_desk(root)
        desk.cases.refresh()
        desk.cases.index.close()
    print(f"desk: {root} ({args.cases} cases), load {os.getloadavg()[0]:.1f}", flush=True)
    met = report(measured(root, args.cases, cold=args.cold))
    print(f"load after: {os.getloadavg()[0]:.1f}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
