"""SVG snapshots of every screen, both languages, at 80x24 and 120x40, and of the edit dialog.

One Pilot session per language and size replays a call with named checkpoints. Update with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tui.conftest import AppFactory, settle
from tui.app import BaogongApp

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_screens(make_app: AppFactory, desk, snap: Callable[[BaogongApp, str], None],
                       language: str, size: tuple[int, int]) -> None:
    path = desk.cases.path_for("20261122-0006")
    path.write_text("broken = [\n", encoding="utf-8")  # one problem entry to show
    app = make_app(language=language)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        snap(app, "1-queue")
        await pilot.press("f")
        await settle(pilot)
        snap(app, "2-filters")
        # past the name, community and address the household filled in, to the category
        await pilot.press("escape", "n", *"13800000001", *["tab"] * 7, "enter", *"shwz")
        await settle(pilot)
        snap(app, "3-category-picker")
        await pilot.press("enter", "tab", "enter", "down", "space")  # priority, flags
        await settle(pilot)
        snap(app, "3-flags-picker")
        await pilot.press("enter", "enter", *"dm", "enter", "backspace", "2", "enter", "tab",
                          *"需要米")
        await settle(pilot)
        snap(app, "4-intake")  # her open groceries case: the repeat-call warning
        await pilot.press("ctrl+s", "ctrl+s")  # asks once, then saves a new case
        await settle(pilot)
        snap(app, "5-read-back")
        await pilot.press("enter", "enter")
        await settle(pilot)
        snap(app, "6-detail")
        await pilot.press("d")
        await settle(pilot)
        snap(app, "7-dispatch")
        await pilot.press("escape", "escape", "h")
        await settle(pilot)
        snap(app, "8-handover")
        await pilot.press("escape", "p")
        await settle(pilot)
        snap(app, "9-problems")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_edit_dialog(make_app: AppFactory, snap: Callable[[BaogongApp, str], None],
                           language: str) -> None:
    app = make_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0001")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        snap(app, "1-edit")
        await pilot.press("ctrl+u", *"138-abc", "ctrl+s")
        await settle(pilot)
        snap(app, "2-bad-phone")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_detail_long_text(make_app: AppFactory, desk,
                                snap: Callable[[BaogongApp, str], None], language: str,
                                size: tuple[int, int]) -> None:
    from tests.tui.test_queue_detail import add_long_history

    add_long_history(desk)
    app = make_app(language=language)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_case("20261122-0001")
        await settle(pilot)
        snap(app, "1-top")
        await pilot.press("end")
        await settle(pilot)
        snap(app, "2-end")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_handover_received(make_app: AppFactory, desk, clock,
                                 snap: Callable[[BaogongApp, str], None], language: str,
                                 size: tuple[int, int]) -> None:
    handovers = desk.root / "handovers"
    handovers.mkdir()
    (handovers / "20261122-2000-li.txt").write_text(
        "交接班\n\n--- 给下一班的交代 ---\n20261122-0003 停水，上午回电\n和平社区米面已到\n",
        encoding="utf-8")
    app = make_app(language=language)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        snap(app, "1-to-acknowledge")
        await pilot.press("ctrl+a")
        await settle(pilot)
        snap(app, "2-acknowledged")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_price_complaint_facts(make_app: AppFactory, desk,
                                     snap: Callable[[BaogongApp, str], None], language: str,
                                     size: tuple[int, int]) -> None:
    from core.cases.case import Category

    case = desk.cases.create(Category.PRICE_GOUGING, operator="wang", community="hx-01",
                             description="鸡蛋一板卖到六十元")
    app = make_app(language=language)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_case(case.id)
        await settle(pilot)
        await pilot.press("f", "tab", *"便民店", "tab", *"鸡蛋", "tab", *"六十")
        await pilot.press("ctrl+s")  # refused: the price is not an amount
        await settle(pilot)
        snap(app, "1-dialog")
        await pilot.press("ctrl+u", *"60", "tab", *"24", "ctrl+s")
        await settle(pilot)
        snap(app, "2-case")
