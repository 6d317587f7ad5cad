"""The price monitoring page (console key 7): keyboard-only entry of the day's prices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core.desk import Desk
from core.levels.prices import Necessity, StockState, prices_path, read_price_day
from tests.console.conftest import SUPERVISOR, ConsoleApp, settle
from tui.app import BaogongApp
from tui.screens.console.prices import PricesScreen

SUPERMARKETS = """\
[[supermarket]]
code = "hualian"
name = "华联超市"
name_en = "Hualian"

[[supermarket]]
code = "yonghui"
name = "永辉超市"
name_en = "Yonghui"
"""
DAY = date(2026, 11, 23)


@pytest.fixture
def with_markets(desk: Desk) -> Desk:
    (desk.root / "supermarkets.toml").write_text(SUPERMARKETS, encoding="utf-8")
    desk.refresh()
    assert sorted(desk.supermarkets) == ["hualian", "yonghui"]
    return desk


async def test_prices_are_entered_with_the_keyboard_and_saved_attributed(
        console_app: ConsoleApp, with_markets: Desk) -> None:
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PricesScreen) and screen.day == DAY
        # the first cell (grain at Hualian) has the focus; tab goes across, down goes a row
        await pilot.press(*"32.90", "tab", *"31.5")
        await pilot.press("down")  # oil at Yonghui
        await pilot.press(*"64.90", "space", *"low")
        await pilot.press("down", "down")  # eggs at Yonghui
        await pilot.press("shift+tab")  # eggs at Hualian
        await pilot.press(*"out")
        await pilot.press("ctrl+s")
        await settle(pilot)
        day, problems = read_price_day(prices_path(with_markets.root, DAY),
                                       with_markets.supermarkets)
        assert problems == [] and day is not None
        found = {(r.supermarket, r.necessity): (r.fen, r.stock, r.entered_by)
                 for r in day.price}
        assert found == {
            ("hualian", Necessity.GRAIN): (3290, StockState.OK, SUPERVISOR),
            ("yonghui", Necessity.GRAIN): (3150, StockState.OK, SUPERVISOR),
            ("yonghui", Necessity.OIL): (6490, StockState.LOW, SUPERVISOR),
            ("hualian", Necessity.EGGS): (None, StockState.OUT, SUPERVISOR),
        }
        assert any("Saved 4 prices" in str(n.message) for n in app._notifications)


async def test_a_bad_cell_is_named_and_nothing_is_written(
        console_app: ConsoleApp, with_markets: Desk) -> None:
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "7")
        await settle(pilot)
        await pilot.press(*"32.90", "tab", *"3x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#prices-error").render())
        assert "Yonghui" in error and "grain" in error and "'3x'" in error
        assert not prices_path(with_markets.root, DAY).exists()
        await pilot.press("escape")  # unsaved cells keep the page open
        await settle(pilot)
        assert isinstance(app.screen, PricesScreen)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_page_at_80x24(console_app: ConsoleApp, with_markets: Desk,
                                 snap: Callable[[BaogongApp, str], None], language: str) -> None:
    app = console_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "7")
        await settle(pilot)
        await pilot.press(*"32.90", "tab", *"缺" if language == "zh" else "out")
        await settle(pilot)
        snap(app, "prices")
