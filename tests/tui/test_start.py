"""What the desk's start loads: what the queue needs, the rest when it is asked for.

Each check runs in a fresh interpreter, as ``baogong`` starts, so what an earlier test imported
does not hide what the start imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.demo import copy_demo_desk

ROOT = Path(__file__).resolve().parents[2]

START = """
import asyncio, json, sys
from core.desk import Desk
from tui.app import BaogongApp

async def main() -> None:
    app = BaogongApp(Desk.open(sys.argv[1]), language="zh", poll_interval=None)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3000):
            if app._queue_shown:
                break
            await asyncio.sleep(0.01)
        assert app._queue_shown, "the queue never showed"
        print("rows:", len(app.screen.query_one("#cases").ids))
        {then}

asyncio.run(main())
print(json.dumps(sorted({{m.split(".")[0] if m.startswith("pypinyin") else m
                         for m in sys.modules
                         if m.startswith(("pypinyin", "tui.screens.", "tui.commands.",
                                          "core.reports", "core.packing"))}})))
"""


def started(desk: Path, then: str = "pass") -> tuple[int, list[str]]:
    """The rows the queue showed and the modules of interest loaded by then (and by ``then``,
    run inside the app)."""
    printed = subprocess.run([sys.executable, "-c", START.format(then=then), str(desk)],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
    rows, modules = printed.strip().splitlines()[-2:]
    return int(rows.split(":")[1]), json.loads(modules)


def test_the_queue_starts_without_pinyin_or_the_other_screens(tmp_path: Path) -> None:
    desk = copy_demo_desk(tmp_path / "desk")
    rows, modules = started(desk)
    assert rows > 200  # the demo desk's calls are all listed
    assert "pypinyin" not in modules
    assert [m for m in modules if m.startswith("tui.screens.")] == [
        "tui.screens.queue"]
    assert not [m for m in modules if m.startswith("tui.commands.")]
    # the supervisors' reports and the packer (and the ledger behind them) wait for the console
    assert not [m for m in modules if m.startswith(("core.reports", "core.packing"))]


def test_pinyin_is_loaded_by_the_first_picker_of_a_new_call(tmp_path: Path) -> None:
    desk = copy_demo_desk(tmp_path / "desk")
    # n, the phone, the name, then enter on the community opens its picker; wxy filters it
    _rows, modules = started(desk, then=(
        "await pilot.press('n', *'13912345678', 'tab', 'w', 'tab', 'enter', *'wxy'); "
        "await pilot.pause(); assert type(app.screen).__name__ == 'Picker', app.screen"))
    assert "pypinyin" in modules
    assert "tui.screens.intake" in modules
