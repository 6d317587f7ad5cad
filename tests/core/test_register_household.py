"""A caller registered at the desk, or a household corrected there, goes through the register
import's checks, lock, atomic write and record of who did it."""

from __future__ import annotations

import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

import core
from core.desk import Desk
from core.deskload import IMPORTS_DIR
from core.phones import normalize_phone
from core.registers import (
    HouseholdChangedMeanwhile,
    HouseholdForm,
    HouseholdRejected,
    ResidentLine,
    save_household,
)

CALLER = ResidentLine("刘桂兰", "13912345678", "81", "独居老人、慢性病患者")


def form(**changes: object) -> HouseholdForm:
    fields: dict[str, object] = dict(community="锦绣社区", building="31", unit="2", room="502",
                                     residents=(CALLER, ResidentLine("刘强", age="52")))
    fields.update(changes)
    return HouseholdForm(**fields)  # type: ignore[arg-type]


def logs(desk: Desk) -> list[dict[str, object]]:
    return [tomllib.loads(p.read_text(encoding="utf-8"))
            for p in sorted((desk.root / IMPORTS_DIR).glob("*-households.toml"))]


def test_a_registered_caller_is_a_household_found_by_phone(demo_desk: Desk) -> None:
    saved = save_household(demo_desk, form(), via="intake", operator="wang.fang")
    assert saved.added and saved.household.id == "h0127"  # after the demo's 126
    desk = core.open_desk(demo_desk.root)
    household = desk.households["h0127"]
    assert (household.community, household.building, household.unit, household.room) == (
        "jinxiu", "31", "2", "502")
    assert household.size == 2
    assert {str(f) for f in household.residents[0].flags} == {"elderly_alone",
                                                             "chronic_patient"}
    assert desk.households_by_phone()[normalize_phone("13912345678")] == [household]
    (log,) = logs(desk)
    assert (log["operator"], log["via"], log["added"]) == ("wang.fang", "intake", ["h0127"])


@pytest.mark.parametrize(("changes", "column", "words"), [
    ({"room": "5/502"}, "房号", "'/'"),
    ({"community": "火星社区"}, "社区", "unknown community"),
    ({"community": ""}, "社区", "is empty"),
    ({"residents": (ResidentLine("刘桂兰", age="eighty"),)}, "年龄", "not a whole number"),
    ({"residents": (ResidentLine("刘桂兰", flags="富人"),)}, "重点人群", "priority group"),
    ({"residents": ()}, "姓名", "is empty"),
    # one bad resident of two: the household is not written with the other alone
    ({"residents": (CALLER, ResidentLine("刘强", age="-3"))}, "年龄", "negative"),
])
def test_a_bad_form_names_the_field_and_writes_nothing(
        demo_desk: Desk, changes: dict[str, object], column: str, words: str) -> None:
    before = (demo_desk.root / "households.toml").read_bytes()
    with pytest.raises(HouseholdRejected) as caught:
        save_household(demo_desk, form(**changes), via="intake")
    assert caught.value.rejected[0].column == column
    assert words in caught.value.rejected[0].message
    assert (demo_desk.root / "households.toml").read_bytes() == before
    assert not (demo_desk.root / IMPORTS_DIR).exists()


def test_an_address_already_registered_is_refused(demo_desk: Desk) -> None:
    first = next(iter(demo_desk.households.values()))
    with pytest.raises(HouseholdRejected, match=f"household {first.id}'s address"):
        save_household(demo_desk, form(community=first.community, building=first.building,
                                       unit=first.unit, room=first.room), via="intake")


def test_a_correction_changes_the_household_and_is_attributed(demo_desk: Desk) -> None:
    old = demo_desk.households["h0002"]
    lines = tuple(ResidentLine(r.name, r.phone, str(r.age or ""), "、".join(sorted(r.flags)))
                  for r in old.residents)
    corrected = form(community=old.community, building=old.building, unit=old.unit,
                     room="1203", phone=old.phone, residents=lines)
    saved = save_household(demo_desk, corrected, via="case", operator="li.na", correcting=old)
    assert (saved.added, saved.changed) == (False, ("room",))
    desk = core.open_desk(demo_desk.root)
    assert desk.households["h0002"] == saved.household and saved.household.room == "1203"
    assert len(desk.households) == len(demo_desk.households)
    (log,) = logs(desk)
    assert (log["operator"], log["via"], log["updated"]) == (
        "li.na", "case", [{"key": "h0002", "fields": ["room"]}])
    # the same form again changes nothing and writes nothing
    again = save_household(desk, corrected, via="case", correcting=saved.household)
    assert again.changed == () and len(logs(desk)) == 1


def test_a_household_changed_meanwhile_is_not_overwritten(demo_desk: Desk) -> None:
    old = demo_desk.households["h0002"]
    save_household(demo_desk, form(community=old.community, building=old.building,
                                   unit=old.unit, room=old.room, phone=old.phone,
                                   residents=(ResidentLine("新名字"),)),
                   via="case", correcting=old)
    before = (demo_desk.root / "households.toml").read_bytes()
    with pytest.raises(HouseholdChangedMeanwhile) as caught:
        save_household(demo_desk, form(room="9"), via="case", correcting=old)
    assert caught.value.current.residents[0].name == "新名字"
    assert (demo_desk.root / "households.toml").read_bytes() == before


SLOW_SAVE = """
import sys, time
import core
import core.registers.households as households
checked = households._checked
def slow_checked(*args, **kwargs):
    result = checked(*args, **kwargs)
    time.sleep(0.6)  # the window in which a colleague's registration could be lost
    return result
households._checked = slow_checked
desk = core.open_desk(sys.argv[1])
households.save_household(desk, households.HouseholdForm(
    "jinxiu", "98", "1", sys.argv[2], residents=(households.ResidentLine(sys.argv[3]),)),
    via="intake")
"""


@pytest.mark.reliability
def test_two_operators_registering_at_once_both_keep_their_households(
        demo_desk: Desk) -> None:
    before = len(demo_desk.households)
    processes = []
    for room, name in (("101", "甲"), ("102", "乙")):
        processes.append(subprocess.Popen([sys.executable, "-c", SLOW_SAVE,
                                           str(demo_desk.root), room, name],
                                          cwd=Path(__file__).resolve().parents[2]))
        time.sleep(0.2)
    assert [p.wait(timeout=60) for p in processes] == [0, 0]
    desk = core.open_desk(demo_desk.root)
    names = {r.name for h in desk.households.values() for r in h.residents}
    assert {"甲", "乙"} <= names
    assert len({h.id for h in desk.households.values()}) == before + 2
