"""Taking a call: known callers, catalogue search, duplicates, routing, saving, drafts."""

from __future__ import annotations

import asyncio

from core.cases.case import Category, ItemLine, PriorityFlag
from core.cases.store import decode_case
from tests.tui.conftest import AppFactory, settle
from tests.tui.screen_text import screen_text
from tui.screens.intake import IntakeScreen
from tui.widgets.common import Notice, PickerField


async def test_known_caller_call_is_saved_with_everything(make_app: AppFactory, desk) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press(*"13800000001")
        await settle(pilot)
        text = screen_text(app)
        assert "张桂兰" in text and "Registered household" in text
        assert "20261122-0001" in text  # the caller's earlier case
        intake = app.screen
        assert intake.query_one("#building").value == "3"
        assert intake.query_one("#room").value == "501"
        # past the name, community and address the household filled in (7 tabs), to the category,
        # picked by pinyin initials of 生活物资 (shwz)
        await pilot.press(*["tab"] * 7, "enter", *"shwz", "enter")
        await settle(pilot)
        assert intake.query_one("#category", PickerField).value == "groceries"
        # department suggested from the routing table
        assert intake.query_one("#department", PickerField).value == "commerce"
        # the choice moves on to the priority, shown as saved: the household's flags make it high
        assert intake.query_one("#priority").has_focus
        assert "High (priority people)" in screen_text(app)
        await pilot.press("tab", "tab")  # past the flags, to the items
        await pilot.press("enter", *"dm", "enter")  # 大米 by pinyin initials
        await pilot.press("backspace", "2", "enter")
        await pilot.press("enter", *"oil-5l", "enter", "enter")  # cooking oil by code, 1
        await settle(pilot)
        assert "Rice 5kg袋 x2" in screen_text(app)
        await pilot.press("tab", *"米和油各一")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # her groceries case of yesterday is still open: the first ctrl+s only asks
        assert isinstance(app.screen, IntakeScreen)
        assert "ctrl+s again saves a new case" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Notice)
        assert "20261123 - 0003" in screen_text(app)
    case = desk.cases.get("20261123-0003")
    assert case.category is Category.GROCERIES
    assert case.caller.name == "张桂兰" and case.caller.phone == "13800000001"
    assert case.caller.address.render() == "和平路3栋2单元501室"
    assert case.community == "hx-01" and case.household == "hx-01-3-2-501"
    assert case.flags == {PriorityFlag.ELDERLY_ALONE, PriorityFlag.CHRONIC_PATIENT}
    assert case.items == (ItemLine("rice-5kg", 2, "大米", 3500),
                          ItemLine("oil-5l", 1, "食用油", 6900))
    assert case.description == "米和油各一"
    assert case.department == "commerce"
    assert case.created_by == "wang"
    assert not list(app.drafts.directory.glob("*.json"))
    raw = desk.cases.path_for(case.id).read_bytes()
    assert decode_case(desk.cases.path_for(case.id), raw)[0] == case


async def test_duplicate_warning_for_same_phone_and_category(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13900000002", *["tab"] * 7, "enter", *"htjg", "enter")
        await settle(pilot)
        assert "Possible duplicate" in screen_text(app)
        assert "20261122-0002" in screen_text(app)


async def test_department_can_be_changed(make_app: AppFactory, desk) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13500000009", "tab", *"赵", *["tab"] * 6, "enter", *"tingshui",
                          "enter")
        await settle(pilot)
        intake = app.screen
        assert intake.query_one("#department", PickerField).value == "urban_management"
        intake.query_one("#department", PickerField).focus()
        await pilot.press("enter", *"power", "enter")
        await settle(pilot)
        assert intake.query_one("#department", PickerField).value == "power"
        await pilot.press("ctrl+s")
        await settle(pilot)
    case = desk.cases.get("20261123-0003")
    assert case.department == "power" and case.category is Category.WATER_OUTAGE


async def test_save_needs_a_category(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13500000009", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.query_one("#category").has_focus


async def test_draft_is_kept_and_offered_back(make_app: AppFactory, desk) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13600000004", "tab", *"陈明")
        await asyncio.sleep(0.6)  # the draft is written a moment after the last change
        await settle(pilot)
        drafts = list(app.drafts.directory.glob("*.json"))
        assert len(drafts) == 1
        # the connection drops: the app goes away without any question
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "unsaved call" in screen_text(again)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(again.screen, IntakeScreen)
        assert again.screen.query_one("#phone").value == "13600000004"
        assert again.screen.query_one("#name").value == "陈明"
        await pilot.press("escape", "y")  # discard the call: the draft goes too
        await settle(pilot)
    assert not list(again.drafts.directory.glob("*.json"))


async def test_unreadable_draft_is_reported_and_left_alone(make_app: AppFactory, desk) -> None:
    app = make_app()
    app.drafts.directory.mkdir(parents=True)
    broken = app.drafts.directory / "broken.json"
    broken.write_bytes(b"{not json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"1370000")
        await asyncio.sleep(0.6)
        await settle(pilot)
    assert broken.read_bytes() == b"{not json"


async def test_quit_asks_only_while_a_call_is_unsaved(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", "1")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert "Quit anyway" in screen_text(app)
        await pilot.press("n")  # keep logging
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
    quiet = make_app()
    async with quiet.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert quiet.return_code == 0
