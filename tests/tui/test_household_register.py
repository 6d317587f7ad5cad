"""A desk started with ``init`` and a small register takes calls: a registered caller is found
by phone, a caller not in the register is registered from the call in one step (and the next
call finds them), a bad address is refused with its message, and a household is corrected from
the case screen with the operator's name on the change."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

import core
from core.cases.case import Category
from core.deskload import IMPORTS_DIR
from core.registers import RegisterKind, import_register, register_table
from core.reports.table import write_csv
from tests.tui.conftest import settle
from tests.tui.deskfactory import FakeClock
from tests.tui.screen_text import screen_text
from tests.tui.test_setup import new_desk
from tui import i18n
from tui.app import BaogongApp
from tui.screens.detail import DetailScreen
from tui.screens.household_dialog import HouseholdDialog
from tui.screens.intake import IntakeScreen
from tui.widgets.common import Notice, PickerField

SIZE = (80, 24)
REGISTER = ("社区,楼栋,单元,房号,姓名,电话,年龄,重点人群\n"
            "锦绣社区,7,1,101,赵凤英,13700000001,79,独居老人\n"
            "锦绣社区,7,1,102,钱志强,13700000002,45,\n"
            "锦绣社区,7,1,102,孙丽,,43,\n")
NEW_PHONE = "13955556666"


@pytest.fixture
def desk(tmp_path: Path, demo_desk: core.Desk) -> Iterator[core.Desk]:
    """A desk from ``init`` with the demo's communities and a register of two households."""
    desk = new_desk(tmp_path / "new")
    communities = write_csv(register_table(demo_desk, RegisterKind.COMMUNITIES),
                            tmp_path / "communities.csv")
    assert import_register(desk, RegisterKind.COMMUNITIES, communities).written
    desk.refresh()
    households = tmp_path / "households.csv"
    households.write_text(REGISTER, encoding="gb18030")
    assert import_register(desk, RegisterKind.HOUSEHOLDS, households).written
    desk.cases.index.close()
    desk = core.open_desk(desk.root)
    yield desk
    desk.cases.index.close()
    i18n.set_language("zh")


def logs(desk: core.Desk) -> list[dict[str, object]]:
    return [tomllib.loads(p.read_text(encoding="utf-8"))
            for p in (desk.root / IMPORTS_DIR).glob("*-households.toml")]


def app_on(desk: core.Desk, language: str = "en") -> BaogongApp:
    return BaogongApp(desk, operator="wang", language=language, clock=FakeClock(),
                      cursor_blink=False, poll_interval=None)


async def test_a_call_on_an_init_desk_finds_the_imported_household(desk: core.Desk) -> None:
    app = app_on(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13700000001")
        await settle(pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert "Registered household" in screen_text(app) and "赵凤英" in screen_text(app)
        assert intake.query_one("#room", Input).value == "101"
        await pilot.press(*["tab"] * 7, "enter", *"shwz", "enter")  # category: 生活物资
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Notice)
    (case,) = list(desk.cases)
    assert case.household == "h0001" and case.community == "jinxiu"
    assert case.category is Category.GROCERIES


async def register_new_caller(app: BaogongApp, pilot: object, room: str) -> HouseholdDialog:
    """A call from a phone in no register: the caller's name, then ctrl+g and the address."""
    await pilot.press("n", *NEW_PHONE, "tab", *"周桂芝")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("f1")  # the keys panel lists the key that registers a caller
    await settle(pilot)  # type: ignore[arg-type]
    assert "^g" in screen_text(app), screen_text(app)
    await pilot.press("f1", "ctrl+g")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    dialog = app.screen
    assert isinstance(dialog, HouseholdDialog)
    await pilot.press("enter", *"jinxiu", "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    dialog.query_one("#building", Input).focus()
    await pilot.press(*"12", "tab", *"3", "tab", *room)  # type: ignore[attr-defined]
    residents = dialog.query_one("#residents", TextArea)
    residents.text += "\n周明, , 8"  # another resident: the household's size is its lines
    await settle(pilot)  # type: ignore[arg-type]
    return dialog


async def test_a_new_caller_is_registered_from_the_call_and_found_by_the_next(
        desk: core.Desk, snap: Callable[[BaogongApp, str], None]) -> None:
    for language in ("zh", "en"):
        app = app_on(desk, language)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            dialog = await register_new_caller(app, pilot, "1501")
            residents = dialog.query_one("#residents", TextArea).text
            assert residents.startswith(f"周桂芝, {NEW_PHONE}")
            snap(app, f"register-household-{language}")
            if language == "zh":
                await pilot.press("escape", "escape", "y")  # nothing saved in the first pass
                await settle(pilot)
                continue
            await pilot.press("ctrl+s")
            await settle(pilot)
            intake = app.screen
            assert isinstance(intake, IntakeScreen)
            assert intake.household == "h0003"
            assert "Registered household" in screen_text(app)
            assert intake.query_one("#community", PickerField).value == "jinxiu"
            assert intake.query_one("#room", Input).value == "1501"
            await pilot.press("escape")  # cancel this call...
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            await pilot.press("n", *NEW_PHONE)  # ...and the next call from the phone finds them
            await settle(pilot)
            assert "Registered household" in screen_text(app) and "周桂芝" in screen_text(app)
    household = core.open_desk(desk.root).households["h0003"]
    assert [r.name for r in household.residents] == ["周桂芝", "周明"]
    assert household.residents[1].age == 8
    (record,) = [r for r in logs(desk) if "via" in r]  # the import's own record has a source
    assert (record["operator"], record["via"], record["added"]) == ("wang", "intake", ["h0003"])


async def test_a_bad_room_shows_its_message_and_writes_nothing(desk: core.Desk) -> None:
    before = (desk.root / "households.toml").read_bytes()
    logs = sorted((desk.root / IMPORTS_DIR).iterdir())
    app = app_on(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await register_new_caller(app, pilot, "15/01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#household-error", Static).render())
        assert "房号" in error and "'/'" in error
        dialog.query_one("#room", Input).value = "1501"
        dialog.query_one("#community", PickerField).set_value(None)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "社区/community is empty" in str(dialog.query_one("#household-error",
                                                               Static).render())
    assert (desk.root / "households.toml").read_bytes() == before
    assert sorted((desk.root / IMPORTS_DIR).iterdir()) == logs


async def test_a_household_is_corrected_from_the_case_screen(desk: core.Desk) -> None:
    app = app_on(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13700000002", *["tab"] * 7, "enter", *"shwz", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # the read-back notice
        await settle(pilot)
        (case_id,) = [c.id for c in desk.cases]
        app.push_screen(DetailScreen(case_id))
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HouseholdDialog) and dialog.correcting is not None
        assert dialog.query_one("#room", Input).value == "102"
        dialog.query_one("#room", Input).value = "202"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    household = core.open_desk(desk.root).households["h0002"]
    assert household.room == "202" and [r.name for r in household.residents] == ["钱志强", "孙丽"]
    (record,) = [r for r in logs(desk) if "via" in r]
    assert (record["operator"], record["via"]) == ("wang", "case")
    assert record["updated"] == [{"key": "h0002", "fields": ["room"]}]
