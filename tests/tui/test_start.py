"""What the desk's start loads: what the queue needs first, what a new call needs once the queue
is painted and the operator pauses (in a thread, :mod:`tui.later`), the rest when it is asked for.

Each check runs in a fresh interpreter, as ``baogong`` starts, so what an earlier test imported
does not hide what the start imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.demo import copy_demo_desk
from core.desk import Desk

ROOT = Path(__file__).resolve().parents[2]

START = """
import asyncio, importlib.abc, json, sys, time

# modules made slow to import (a loaded machine), as "name=seconds" arguments after the desk
SLOW = dict((a.split("=")[0], float(a.split("=")[1])) for a in sys.argv[2:])

class Slow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in SLOW:
            time.sleep(SLOW.pop(name))
        return None

sys.meta_path.insert(0, Slow())

from core.desk import Desk
from tui.app import BaogongApp

def loaded() -> list[str]:
    return sorted({{m.split(".")[0] if m.startswith("pypinyin") else m
                   for m in list(sys.modules)
                   if m.startswith(("pypinyin", "tui.screens.", "tui.commands.",
                                    "core.reports", "core.packing"))}})

async def main() -> None:
    app = BaogongApp(Desk.open(sys.argv[1]), language="zh", poll_interval=None)
    at_first_paint = []
    shown = app.queue_shown

    def queue_shown() -> None:
        if not at_first_paint:
            at_first_paint.append(loaded())
        shown()

    app.queue_shown = queue_shown
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3000):
            if app._queue_shown:
                break
            await asyncio.sleep(0.01)
        assert app._queue_shown, "the queue never showed"
        print("rows:", len(app.screen.query_one("#cases").ids))
        {then}
        await app.later.drained()
        await app.workers.wait_for_complete()
    print(json.dumps(at_first_paint[0]))

asyncio.run(main())
print(json.dumps(loaded()))
"""


def started(desk: Path, then: str = "pass", slow: dict[str, float] | None = None
            ) -> tuple[int, list[str], list[str]]:
    """The rows the queue showed, the modules of interest loaded when its rows were first
    painted, and those loaded at the end (after ``then``, run inside the app, and the start's
    work in the background)."""
    extra = [f"{name}={seconds}" for name, seconds in (slow or {}).items()]
    printed = subprocess.run([sys.executable, "-c", START.format(then=then), str(desk), *extra],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
    rows, first, last = printed.strip().splitlines()[-3:]
    return int(rows.split(":")[1]), json.loads(first), json.loads(last)


def test_the_queue_is_painted_before_pinyin_or_the_other_screens_load(tmp_path: Path) -> None:
    desk = copy_demo_desk(tmp_path / "desk")
    # a desk opened before: its index is built (a desk opened without one lists its cases a
    # batch at a time as they are indexed, so its first paint may come before them)
    Desk.open(desk).case_store().refresh()
    rows, first, last = started(desk)
    assert rows > 200  # the demo desk's calls are all listed
    assert "pypinyin" not in first
    assert [m for m in first if m.startswith("tui.screens.")] == ["tui.screens.queue"]
    assert not [m for m in first if m.startswith("tui.commands.")]
    # the supervisors' reports and the packer (and the ledger behind them) wait for the console
    assert not [m for m in last if m.startswith(("core.reports", "core.packing"))]
    # once the queue is up, what a new call needs is loaded in the background, so that `n` and
    # the first picker do not stop the app while an operator types ahead
    assert "pypinyin" in last
    assert "tui.screens.intake" in last


def test_pinyin_is_loaded_by_the_first_picker_of_a_new_call(tmp_path: Path) -> None:
    desk = copy_demo_desk(tmp_path / "desk")
    # n, the phone, the name, then enter on the community opens its picker; wxy filters it
    _rows, _first, last = started(desk, then=(
        "await pilot.press('n', *'13912345678', 'tab', 'w', 'tab', 'enter', *'wxy'); "
        "await pilot.pause(); assert type(app.screen).__name__ == 'Picker', app.screen"))
    assert "pypinyin" in last
    assert "tui.screens.intake" in last


TYPED_AHEAD = """
from tests.tui.typing import burst
burst(app, ['n', *'13912345678', 'tab', *'wxy', 'tab', 'enter', *'wxy'])
for _ in range(6000):
    await asyncio.sleep(0.01)
    if not (app.type_ahead.held or app.type_ahead.unsettled):
        break
await pilot.pause()
intake = app.screen_stack[-2]
print("typed:", json.dumps([type(app.screen).__name__, intake.query_one('#phone').value,
                            intake.query_one('#name').value,
                            app.screen.query_one('#filter').value]))
"""


def test_keys_typed_while_the_new_call_still_loads_are_kept(tmp_path: Path) -> None:
    """`n` and a whole call typed at once while the intake screen and pypinyin still load in
    the background (slowed to seconds, as on a loaded machine): every key lands in its field."""
    desk = copy_demo_desk(tmp_path / "desk")
    then = "\n        ".join(TYPED_AHEAD.strip().splitlines())
    extra = [f"{name}={seconds}" for name, seconds in
             {"tui.screens.intake": 1.5, "pypinyin": 1.5}.items()]
    printed = subprocess.run([sys.executable, "-c", START.format(then=then), str(desk), *extra],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
    typed = next(line for line in printed.splitlines() if line.startswith("typed:"))
    assert json.loads(typed.split(":", 1)[1]) == ["Picker", "13912345678", "wxy", "wxy"]
