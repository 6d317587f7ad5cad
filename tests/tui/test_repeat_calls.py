"""A repeat call joins its open case; a known caller's details are carried over; what the form
shows is what is saved (priority, due time); flags take several choices; phones are checked."""

from __future__ import annotations

from core.cases.case import Action, Category, Priority
from core.reference import PriorityFlag
from tests.tui.conftest import AppFactory, settle
from tests.tui.screen_text import screen_text
from tui.screens.intake import IntakeScreen
from tui.screens.intake_fields import FlagsField, PriorityField
from tui.widgets.common import Notice, PickerField

TO_CATEGORY = ["tab"] * 7  # phone, name, community, street, building, unit, room, category


async def test_ctrl_r_adds_the_call_to_the_open_case_instead_of_a_new_one(
        make_app: AppFactory, desk) -> None:
    before = desk.cases.get("20261122-0002")
    files = sorted(desk.cases.paths())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"139 0000 0002", *TO_CATEGORY, "enter", *"htjg", "enter")
        await pilot.press("tab", "enter", *"elderly", "space", "enter")  # flags: elderly alone
        await pilot.press("tab", *"又涨价了")  # past the items to the description
        await settle(pilot)
        assert "Possible duplicate" in screen_text(app) and "20261122-0002" in screen_text(app)
        assert "ctrl+r adds this call to 20261122-0002" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, Notice)
        assert "20261122 - 0002" in screen_text(app)
    assert sorted(desk.cases.paths()) == files  # no second case
    case = desk.cases.get("20261122-0002")
    call = case.history[-1]
    assert call.action is Action.CALL and call.operator == "wang" and call.note == "又涨价了"
    assert call.time == app.clock()
    assert case.flags == {PriorityFlag.ELDERLY_ALONE} and case.priority is Priority.HIGH
    assert case.due is not None and before.due is not None and case.due < before.due
    assert case.status is before.status and case.revision == before.revision + 1


async def test_a_known_caller_s_address_and_flags_come_from_their_latest_case(
        make_app: AppFactory, desk) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"135-0000-0005")
        await settle(pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert "Called before" in screen_text(app)
        assert [intake.query_one(f"#{name}").value for name in
                ("name", "street", "building", "unit", "room")] == [
            "赵磊", "和平路", "5", "1", "203"]
        assert intake.query_one("#community", PickerField).value == "hx-01"


async def test_the_form_shows_the_priority_and_due_time_that_will_be_saved(
        make_app: AppFactory, desk) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13500000009", *TO_CATEGORY, "enter", *"shwz", "enter")
        await settle(pilot)
        intake = app.screen
        assert intake.query_one("#priority").has_focus  # the choice moved on to the priority
        assert "Normal" in screen_text(app) and "Due 11-24 09:30" in screen_text(app)
        await pilot.press("tab", "enter", "space", "down", "space", "enter")
        await settle(pilot)
        flags = intake.query_one(FlagsField).flags
        assert len(flags) == 2  # both ticked in one visit
        assert intake.query_one(PriorityField).saved is Priority.HIGH
        assert "High (priority people)" in screen_text(app)
        assert "Due 11-23 21:30" in screen_text(app)
        assert intake.query_one("#items").has_focus
        await pilot.press("ctrl+s")
        await settle(pilot)
    case = desk.cases.get("20261123-0003")
    assert case.category is Category.GROCERIES and case.flags == flags
    assert case.priority is Priority.HIGH and case.due.strftime("%m-%d %H:%M") == "11-23 21:30"


async def test_space_unticks_and_escape_keeps_the_flags(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13800000001")
        await settle(pilot)
        intake = app.screen
        known = set(intake.query_one(FlagsField).flags)
        assert known == {PriorityFlag.ELDERLY_ALONE, PriorityFlag.CHRONIC_PATIENT}
        intake.query_one(FlagsField).focus()
        await pilot.press("enter", "space", "escape")
        await settle(pilot)
        assert intake.query_one(FlagsField).flags == known
        await pilot.press("enter", "space", "enter")  # unticks the first (elderly alone)
        await settle(pilot)
        assert intake.query_one(FlagsField).flags == {PriorityFlag.CHRONIC_PATIENT}


async def test_a_wrong_phone_is_refused_in_the_operator_s_language(
        make_app: AppFactory, desk) -> None:
    for language, expected in (("en", "is not a phone number"), ("zh", "不是有效的电话号码")):
        app = make_app(language)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("n", *"1380000000", *TO_CATEGORY, "enter", *"shwz", "enter",
                              "ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, IntakeScreen)
            assert any(expected in n.message for n in app._notifications), language
            assert app.screen.query_one("#phone").has_focus
            await pilot.press("escape", "y")  # discard the call (and its draft)
            await settle(pilot)
    assert not desk.cases.path_for("20261123-0003").exists()
