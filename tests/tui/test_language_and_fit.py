"""Everything in the UI's language and whole at 80x24: f1 keys, footers, labels, the header,
and a case just saved is shown with the counts up to date."""

from __future__ import annotations

from core.desk import Desk
from tests.tui.conftest import AppFactory, settle
from tests.tui.screen_text import screen_lines, screen_text
from tui.widgets.case_list import CaseList
from tui.widgets.common import DeskKeys, Notice


async def test_f1_lists_the_keys_in_chinese(make_app: AppFactory) -> None:
    app = make_app(language="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0002")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        assert "派单" in text and "下移一行" in text and "快捷键" in text
        for english in ("Scroll Up", "Scroll Down", "Dispatch", "Page Down", "Quit"):
            assert english not in text, english
        await pilot.press("f1")
        await settle(pilot)
        assert not app.screen.query(DeskKeys)


async def test_footers_fit_80_columns_in_english(make_app: AppFactory) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = screen_lines(app)[-1].rstrip()
        assert footer.endswith("f1 Keys") and "New call" in footer
        app.open_case("20261122-0001")  # dispatched: many actions
        await settle(pilot)
        footer = screen_lines(app)[-1].rstrip()
        assert footer.endswith(("f1 Keys", "f2 Language")), footer
    app = make_app(language="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert screen_lines(app)[-1].rstrip().endswith("f2 Language")  # room for all


async def test_english_labels_lose_whole_words_not_half_ones(make_app: AppFactory) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = next(line for line in screen_lines(app) if "20261122-0001" in line)
        assert "Groceries " in row and "Groceries and" not in row
        header = screen_lines(app)[0]
        name = app.desk.settings.name_en
        assert name in header or not any(word in header for word in name.split()[:1])


async def test_a_case_saved_under_a_search_is_shown_selected_and_counted(
        make_app: AppFactory, desk: Desk) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.open_count
        await pilot.press("slash", *"wsf", "enter")  # a search that will not match the call
        await settle(pilot)
        # a known caller: seven tabs to the category (the household filled the rest)
        await pilot.press("n", *"13800000001", *["tab"] * 7, "enter", *"shwz", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")  # her groceries case of yesterday is open: it asks once
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Notice)
        assert app.open_count == before + 1
        await pilot.press("enter")
        await settle(pilot)
        queue = app.screen
        case_list = queue.query_one(CaseList)
        assert queue.query_one("#search").value == "" and not queue.filters.active
        assert case_list.current_id == "20261123-0003"
        assert f"Open {before + 1}" in screen_lines(app)[0]
