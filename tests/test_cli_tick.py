"""``baogong tick``: the desk's clock run from the command line (cron, systemd timer, tests)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import core
from core.cases.case import Action
from tests.conftest import Run
from tests.core.test_ladder import T0, make_desk_dir


def test_tick_writes_what_fell_due_once_and_says_so_as_json(tmp_path: Path, run: Run) -> None:
    root = make_desk_dir(tmp_path / "desk")
    desk = core.open_desk(root)
    case = desk.cases.create(core.Category.GROCERIES, operator="li", created=T0)
    desk.cases.act(case, Action.DISPATCH, operator="li", time=T0 + timedelta(hours=1))
    desk.cases.index.close()
    at = (T0 + timedelta(hours=27)).isoformat()
    status, out, _err = run("tick", "--desk", str(root), "--now", at, "--json")
    assert status == 0
    assert json.loads(out) == {"written": [
        {"case": case.id, "step": "chase.department",
         "at": (T0 + timedelta(hours=24)).isoformat()},
        {"case": case.id, "step": "chase.supervisor",
         "at": (T0 + timedelta(hours=26)).isoformat()},
    ], "already_done": 0}
    status, out, _err = run("tick", "--desk", str(root), "--now", at, "--json")
    assert json.loads(out) == {"written": [], "already_done": 2}
    status, out, _err = run("tick", "--desk", str(root), "--now", "2026-11-25T10:00")
    assert status == 0
    assert out.splitlines() == [
        f"{case.id}  chase.command_post  2026-11-25 09:00",
        "1 step(s) written, 2 already on file (up to 2026-11-25 10:00)"]


def test_tick_refuses_a_time_it_cannot_read(tmp_path: Path, run: Run) -> None:
    root = make_desk_dir(tmp_path / "desk")
    status, _out, err = run("tick", "--desk", str(root), "--now", "tomorrow")
    assert status == 2 and "--now" in err
    status, _out, err = run("tick", "--desk", str(tmp_path / "nowhere"))
    assert status == 2 and "not found" in err
