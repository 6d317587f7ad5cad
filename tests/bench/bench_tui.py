"""Benchmark: the queue's virtual CaseList against the stock DataTable on a 100,000-case desk.

    python tests/bench/bench_tui.py [--cases 100000] [--desk DIR]

Generates the desk once (cached in the temp directory, index included), then in one run and
headless at 120x40 measures for each list: start to a painted queue, keypress to repaint while
scrolling (down, page down) and while typing a search, and prints medians with ratios. Not
collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding, BindingType  # noqa: E402
from textual.widgets import DataTable, Input  # noqa: E402

from core.cases.index import CaseRow, Query  # noqa: E402
from core.desk import Desk  # noqa: E402
from tests.bench.paints import PAINTS  # noqa: E402
from tests.tui.deskfactory import START, FakeClock, generate_cases, write_reference  # noqa: E402
from tui.app import BaogongApp  # noqa: E402
from tui.i18n import category_name, status_name  # noqa: E402
from tui.widgets.case_list import CaseList  # noqa: E402
from tui.widgets.source import CaseSource  # noqa: E402

SIZE = (120, 40)
SEARCH = "张桂兰"


def build_desk(root: Path, count: int) -> None:
    """Write ``count`` case files and index them (parsing each file back, as refresh would)."""
    started = time.perf_counter()
    write_reference(root)
    made: set[Path] = set()
    for relative, data in generate_cases(count):
        path = root / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
    written = time.perf_counter()
    desk = Desk.open(root)
    desk.cases.refresh()
    desk.cases.index.close()
    (root / ".complete").write_text(str(count))
    print(f"generated {count} cases in {written - started:.1f}s, indexed in "
          f"{time.perf_counter() - written:.1f}s", flush=True)


def stats(samples: list[float]) -> str:
    if not samples:
        return "-"
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"{statistics.median(samples) * 1000:7.1f} ms (p90 {p90 * 1000:.0f}, n={len(samples)})"


class TableApp(App[None]):
    """The stock way: every row in a DataTable; search clears and re-adds the matches."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("slash", "search", "Search")]

    def __init__(self, rows: Callable[[], list[CaseRow]]) -> None:
        super().__init__()
        self.load = rows
        self.rows: list[tuple[str, ...]] = []
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield Input(id="search")
        yield DataTable(id="table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        table = self.query_one(DataTable)
        table.add_columns("Case", "Status", "Category", "Caller", "Phone", "Address")
        self.rows = [
            (r.id, status_name(r.status), category_name(r.category), r.name, r.phone, r.address)
            for r in self.load()
        ]
        table.add_rows(self.rows)
        table.focus()

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        table = self.query_one(DataTable)
        table.clear()
        words = event.value.lower().split()
        table.add_rows([r for r in self.rows if all(w in " ".join(r).lower() for w in words)])


async def presses(pilot: Any, keys: Iterable[str], settle: Callable[[], Any] | None = None,
                  last: bool = False) -> list[float]:
    """Per key: from the key press to the first repaint after it (or the last, ``last``)."""
    samples = []
    for key in keys:
        PAINTS.clear()
        started = time.perf_counter()
        await pilot.press(key)
        if settle is not None:
            await settle()
        await pilot.pause()
        painted = [t for t in PAINTS if t >= started]
        if painted:
            samples.append((painted[-1] if last else painted[0]) - started)
    return samples


async def measure_case_list(root: Path, count: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    started = time.perf_counter()
    desk = Desk.open(root)
    app = BaogongApp(desk, operator="bench", language="en", clock=FakeClock(START),
                     cursor_blink=False, poll_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        case_list = app.screen.query_one(CaseList)
        while len(case_list.ids) < count:
            await asyncio.sleep(0.005)
            case_list = app.screen.query_one(CaseList)
        await pilot.pause()
        results["start to painted queue"] = [time.perf_counter() - started]
        results["scroll: down"] = await presses(pilot, ["down"] * 60)
        results["scroll: page down"] = await presses(pilot, ["pagedown"] * 40)
        results["scroll: end (jump)"] = await presses(pilot, ["end", "home"] * 3)
        await pilot.press("slash")
        screen = app.screen
        search_echo: list[float] = []
        search_results: list[float] = []
        loaded: list[float] = []
        original_loaded = screen._loaded

        def recording_loaded(*args: Any) -> None:
            original_loaded(*args)
            if not screen.fetching:  # the latest query's ids are in the list now
                loaded.append(time.perf_counter())

        screen._loaded = recording_loaded
        for _round in range(3):
            for char in SEARCH:
                PAINTS.clear()
                loaded.clear()
                started = time.perf_counter()
                await pilot.press(char)
                while screen.fetching:  # the worker thread's query is still running
                    await asyncio.sleep(0.001)
                await pilot.pause()
                # paint times are taken by the compositor itself, so Pilot's own waiting for
                # idle does not count: the first paint after the key, and after the results
                painted = [t for t in PAINTS if t >= started]
                if painted:
                    search_echo.append(painted[0] - started)
                after = [t for t in PAINTS if loaded and t >= loaded[-1]]
                if after:
                    search_results.append(after[0] - started)
            for _ in SEARCH:
                await pilot.press("backspace")
            while screen.fetching:
                await asyncio.sleep(0.001)
        results["search: key to echo"] = search_echo
        results["search: key to results"] = search_results
        results["(matches for search)"] = []
        print(f"  CaseList search {SEARCH!r} matched "
              f"{len(CaseSource(desk).ids(Query(text=SEARCH)))} cases", flush=True)
    return results


async def measure_table(root: Path, count: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    started = time.perf_counter()
    desk = Desk.open(root)
    reader = CaseSource(desk)
    app = TableApp(lambda: reader.query(Query()))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        while table.row_count < count:
            await asyncio.sleep(0.005)
        await pilot.pause()
        results["start to painted queue"] = [time.perf_counter() - started]
        results["scroll: down"] = await presses(pilot, ["down"] * 60)
        results["scroll: page down"] = await presses(pilot, ["pagedown"] * 40)
        results["scroll: end (jump)"] = await presses(pilot, ["end", "home"] * 3)
        await pilot.press("slash")
        echo: list[float] = []
        for _round in range(2):
            for char in SEARCH:
                PAINTS.clear()
                started = time.perf_counter()
                await pilot.press(char)  # the table filters before it echoes
                await pilot.pause()
                painted = [t for t in PAINTS if t >= started]
                if painted:
                    echo.append(painted[0] - started)
            for _ in SEARCH:
                await pilot.press("backspace")
        # the table filters on the UI thread: the echo waits for the rows, so both are the same
        results["search: key to echo"] = echo
        results["search: key to results"] = echo
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--desk", type=Path, default=None)
    parser.add_argument("--skip-table", action="store_true")
    args = parser.parse_args()
    root = args.desk or Path(tempfile.gettempdir()) / f"baogong-bench-desk-{args.cases}"
    marker = root / ".complete"
    if not (marker.exists() and marker.read_text() == str(args.cases)):
        build_desk(root, args.cases)
    print(f"desk: {root} ({args.cases} cases), terminal {SIZE[0]}x{SIZE[1]}, headless", flush=True)
    ours = asyncio.run(measure_case_list(root, args.cases))
    theirs = {} if args.skip_table else asyncio.run(measure_table(root, args.cases))
    print(f"\n{'measure':28} {'CaseList (ours)':>30} {'stock DataTable':>30} {'ratio':>8}")
    for name, samples in ours.items():
        if not samples:
            continue
        other = theirs.get(name, [])
        ratio = (f"{statistics.median(other) / statistics.median(samples):7.1f}x"
                 if other else "")
        print(f"{name:28} {stats(samples):>30} {stats(other):>30} {ratio:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
