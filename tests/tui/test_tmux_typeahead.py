"""Five calls typed into the real app in a real 80x24 terminal without a single pause.

Each call is one ``tmux send-keys``: ``n`` and, straight after it, the phone, tab, the name, the
community picked in its picker, the address, the category, priority and flags pickers, an item
with its quantity, the description and ``ctrl+s``, with no waiting for any screen to open. The
app holds what is typed ahead and delivers it in order (tui/typeahead.py), so every field of the
case file on disk must be what was typed. A fresh HOME: the first start copies the demo desk.

Run it many times: ``for i in $(seq 20); do pytest -q -n 0 tests/tui/test_tmux_typeahead.py
|| break; done``. Skipped only when tmux is not installed (CI installs it).
"""

from __future__ import annotations

import re
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from core.cases.case import Address, Caller, Category, Priority
from core.desk import Desk
from core.reference import PriorityFlag
from tests.terminal import TMUX, Terminal

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: cannot run the real app "
                                            "in a terminal (apt-get install tmux)"),
]


@attrs.frozen
class Call:
    phone: str
    caller: Caller
    community: str  # typed into the community picker; the first match is chosen
    community_code: str
    category: Category
    priority: str  # typed into the priority picker ("" keeps normal)
    flags: tuple[int, ...]  # positions ticked in the flags list (0 = elderly alone)
    item: str
    quantity: int
    description: str
    saved_flags: frozenset[PriorityFlag]
    saved_priority: Priority

    def keys(self) -> list[str]:
        """Every key of the call, as tmux send-keys arguments."""
        address = self.caller.address
        keys = ["n", self.phone, "Tab", self.caller.name, "Tab",
                "Enter", self.community, "Enter",  # the choice moves on to the street
                address.street, "Tab", address.building, "Tab", address.unit, "Tab",
                address.room, "Tab",
                "Enter", self.category.value, "Enter"]  # the choice moves on to the priority
        keys += ["Enter", self.priority, "Enter"] if self.priority else ["Tab"]
        keys.append("Enter")  # the flags list
        position = 0
        for wanted in self.flags:
            keys += ["Down"] * (wanted - position) + ["Space"]
            position = wanted
        keys.append("Enter")  # confirms the ticked flags and moves on to the items
        keys += ["Enter", self.item, "Enter", "BSpace", str(self.quantity), "Enter"]
        keys += ["Tab", self.description, "C-s"]
        return [k for k in keys if k]


CALLS = [
    Call("139 1234 5678", Caller("刘德福", "13912345678", Address("锦绣路", "12", "3", "601")),
         "jinxiu", "jinxiu", Category.GROCERIES, "urgent", (0, 3), "rice-5kg", 2,
         "独居老人不会网购，米吃完了，请送到门口",
         frozenset({PriorityFlag.ELDERLY_ALONE, PriorityFlag.NO_SMARTPHONE}), Priority.URGENT),
    Call("0551-62881234", Caller("周海燕", "055162881234", Address("滨河路", "8", "1", "302")),
         "binhe", "binhe", Category.WATER_OUTAGE, "", (), "eggs-10", 1,
         "整栋楼从早上停水，家里有孩子",
         frozenset(), Priority.NORMAL),
    Call("+86 137 0000 1111", Caller("孙建军", "13700001111", Address("新华街", "5", "2", "101")),
         "xinhua", "xinhua", Category.CHRONIC_MEDICINE, "", (4,), "milk-1l", 3,
         "降压药只剩两天的量，腿脚不便",
         frozenset({PriorityFlag.CHRONIC_PATIENT}), Priority.HIGH),
    Call("18655512345", Caller("钱芳", "18655512345", Address("阳光路", "3", "1", "1202")),
         "yangguang", "yangguang", Category.PRICE_GOUGING, "high", (), "eggs-30", 1,
         "楼下超市鸡蛋一天涨到三十元一板",
         frozenset(), Priority.HIGH),
    Call("155-5123-4567", Caller("吴小明", "15551234567", Address("锦绣路", "2", "4", "404")),
         "jinxiu", "jinxiu", Category.VEHICLE_PASS, "", (1, 2), "noodles-1kg", 4,
         "送菜车辆需要通行证，明早六点出发",
         frozenset({PriorityFlag.BEDRIDDEN, PriorityFlag.DISABLED}), Priority.HIGH),
]


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"baogong-burst-{uuid.uuid4().hex[:8]}", timeout=90)
    yield term
    term.kill()


def test_five_calls_typed_without_pauses_are_saved_field_by_field(
        tmp_path: Path, terminal: Terminal) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "TEXTUAL_ANIMATIONS": "none", "HOME": str(home),
           "XDG_DATA_HOME": str(home / ".local" / "share"),
           "XDG_CONFIG_HOME": str(home / ".config"), "BAOGONG_DESK": ""}
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    # the session outlives the app by ten minutes, so that a crash's traceback stays readable
    terminal.tmux("new-session", "-d", "-s", terminal.name, "-x", "80", "-y", "24",
                  f"cd {ROOT} && env {exports} {sys.executable} -m tui.cli --lang en "
                  f"--operator burst; sleep 600")
    terminal.wait_for("Queue")
    saved: list[tuple[Call, str]] = []
    for call in CALLS:
        terminal.tmux("send-keys", "-t", terminal.name, *call.keys())
        screen = terminal.wait_for("Read the case number")
        match = re.search(r"(\d{8}) - (\d{4})", screen)
        assert match, screen
        saved.append((call, f"{match.group(1)}-{match.group(2)}"))
        terminal.tmux("send-keys", "-t", terminal.name, "Enter")
        terminal.wait_for("Queue")
    terminal.tmux("send-keys", "-t", terminal.name, "C-q")
    time.sleep(0.5)
    desk = Desk.open(home / ".local" / "share" / "baogong" / "desk")
    try:
        for call, case_id in saved:
            case = desk.cases.get(case_id)
            got: dict[str, Any] = {
                "caller": case.caller, "community": case.community,
                "category": case.category, "priority": case.priority, "flags": case.flags,
                "items": [(i.code, i.quantity) for i in case.items],
                "description": case.description, "department": case.department,
                "created_by": case.created_by, "household": case.household,
            }
            assert got == {
                "caller": call.caller, "community": call.community_code,
                "category": call.category, "priority": call.saved_priority,
                "flags": call.saved_flags, "items": [(call.item, call.quantity)],
                "description": call.description,
                "department": desk.department_for(call.category),
                "created_by": "burst", "household": "",
            }, case_id
    finally:
        desk.cases.index.close()
