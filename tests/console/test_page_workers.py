"""The board, rounds, allocation and reports pages compute once per change of what they read:
never for a key that only scrolls, toggles the view or switches the language."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.console.conftest import ConsoleApp, settle
from tests.tui.deskfactory import FakeClock
from tui.app import BaogongApp
from tui.screens.console import ComputedPage
from tui.screens.console.allocation import AllocationScreen
from tui.screens.console.board import BoardScreen
from tui.screens.console.menu import ConsoleScreen
from tui.screens.console.reports import ReportsScreen
from tui.screens.console.rounds import RoundsScreen
from tui.widgets.common import Notice

#: only move, scroll or switch the language
VIEW_KEYS = ("down", "down", "pagedown", "up", "end", "home", "f2", "f2")


def counting(monkeypatch: pytest.MonkeyPatch, page: type[ComputedPage[Any, Any]]
             ) -> list[Hashable]:
    """The inputs of every computation of ``page`` from now on."""
    calls: list[Hashable] = []
    compute = page.compute

    def counted(self: ComputedPage[Any, Any], inputs: Hashable, now: datetime) -> Any:
        calls.append(inputs)
        return compute(self, inputs, now)

    monkeypatch.setattr(page, "compute", counted)
    return calls


async def open_page(app: BaogongApp, pilot: Pilot[None], key: str,
                    page: type[ComputedPage[Any, Any]]) -> ComputedPage[Any, Any]:
    await settle(pilot)
    await pilot.press("b", key)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, page) and screen.outcome is not None
    return screen


async def view_keys(pilot: Pilot[None]) -> str:
    """Press keys that only change the view; the page's text (in English) afterwards."""
    for key in VIEW_KEYS:
        await pilot.press(key)
    await settle(pilot)
    return str(pilot.app.screen.query_one("#body").render())


async def shown_again(app: BaogongApp, pilot: Pilot[None]) -> None:
    """Another screen over the page and back: the page is shown again."""
    app.push_screen(Notice("-", "-"))
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def test_board(console_app: ConsoleApp, desk, clock: FakeClock,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch, BoardScreen)
    app = console_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_page(app, pilot, "1", BoardScreen)
        assert len(calls) == 1
        await view_keys(pilot)
        await shown_again(app, pilot)
        clock.advance(minutes=20)  # the same hour
        await shown_again(app, pilot)
        assert len(calls) == 1
        await pilot.press("r")  # refresh: always
        await settle(pilot)
        assert len(calls) == 2
        await pilot.press("l", "enter", *"III", "enter", "tab", *"超市大米断货", "ctrl+s")
        await settle(pilot)
        assert len(calls) == 3  # the level decided is a file the board reads
        assert "超市大米断货" in str(screen.query_one("#body").render())
        clock.advance(hours=1)
        await shown_again(app, pilot)
        assert len(calls) == 4


async def test_rounds(console_app: ConsoleApp, desk, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch, RoundsScreen)
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_page(app, pilot, "3", RoundsScreen)
        plan = screen.plan
        assert len(calls) == 1
        before = await view_keys(pilot)
        await pilot.press("l")  # labels on, then off
        await settle(pilot)
        with_labels = str(screen.query_one("#body").render())
        await pilot.press("l")
        await settle(pilot)
        assert len(with_labels) > len(before)
        assert str(screen.query_one("#body").render()) == before
        await shown_again(app, pilot)
        assert len(calls) == 1 and screen.plan is plan
        (desk.root / "packing.toml").write_text(
            '[ration]\nfrom_level = "II"\n[ration.per_person_kg]\ngrain_oil = 1.0\n',
            encoding="utf-8")
        await shown_again(app, pilot)
        assert len(calls) == 2 and screen.plan is not plan


async def test_allocation(console_app: ConsoleApp, desk,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch, AllocationScreen)
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_page(app, pilot, "2", AllocationScreen)
        assert len(calls) == 1
        await view_keys(pilot)
        await pilot.press("x")  # the export is a file the page does not read
        await settle(pilot)
        await shown_again(app, pilot)
        assert len(calls) == 1
        await pilot.press("a", *"按原则调配", "ctrl+s")  # writes ledger records
        await settle(pilot)
        assert len(calls) == 2
        assert screen.proposal is not None and not screen.proposal.sheets


async def test_reports(console_app: ConsoleApp, desk, clock: FakeClock,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch, ReportsScreen)
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_page(app, pilot, "5", ReportsScreen)
        assert calls == [("daily", clock.now.replace(minute=0))]
        english = await view_keys(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert str(screen.query_one("#body").render()) != english  # drawn again in Chinese
        await pilot.press("f2")
        await shown_again(app, pilot)
        assert len(calls) == 1
        await pilot.press("t")  # another report
        await settle(pilot)
        assert [kind for kind, _hour in calls] == ["daily", "day"]
        assert str(screen.query_one("#body").render()) != english
        clock.advance(hours=1)
        await shown_again(app, pilot)
        assert len(calls) == 3 and calls[-1] == ("day", clock.now.replace(minute=0))


async def test_leaving_a_page_while_it_computes(console_app: ConsoleApp, desk,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    compute = BoardScreen.compute

    def slow(self: BoardScreen, inputs: datetime, now: datetime) -> Any:
        release.wait(10)
        return compute(self, inputs, now)

    monkeypatch.setattr(BoardScreen, "compute", slow)
    app = console_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b", "1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen) and screen.outcome is None
        assert "Working it out..." in str(screen.query_one("#body").render())
        await pilot.press("escape")  # gone before its result arrives
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)


async def test_a_result_for_an_earlier_report_is_not_shown(
        console_app: ConsoleApp, desk, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    compute = ReportsScreen.compute
    asked: list[str] = []

    def slow(self: ReportsScreen, inputs: tuple[str, datetime], now: datetime) -> Any:
        asked.append(inputs[0])
        release.wait(10)
        return compute(self, inputs, now)

    monkeypatch.setattr(ReportsScreen, "compute", slow)
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.outcome is None
        await pilot.press("t")
        await pilot.pause()
        release.set()
        await settle(pilot)
        assert asked == ["daily", "day"]
        assert screen.computed is not None and screen.computed[0][0] == "day"
        assert screen.outcome is not None
        assert str(screen.query_one("#body").render()).startswith(
            screen.draw(screen.outcome)[:20])
