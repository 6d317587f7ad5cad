"""The reconciliation page reconciles once per change of what it reads, never per keypress."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import core
from core import ledger as L
from core.demo import copy_demo_desk
from core.ledger.files import write_batch
from tests.console.test_console import open_reconcile
from tests.tui.conftest import settle
from tests.tui.deskfactory import FakeClock
from tui.app import BaogongApp
from tui.screens.console import reconcile as page
from tui.screens.console.menu import ConsoleScreen
from tui.screens.console.reconcile import ReconcileScreen


@pytest.mark.parametrize("chunk", [1, page.CHUNK])
async def test_moving_the_selection_does_not_reconcile(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       chunk: int) -> None:
    """Whether the findings are drawn in one text or in chunks (more than CHUNK of them)."""
    monkeypatch.setattr(page, "CHUNK", chunk)
    desk = core.open_desk(copy_demo_desk(tmp_path / "desk"))
    calls: list[L.Scope | None] = []
    reconcile = L.Ledgers.reconcile

    def counted(self: L.Ledgers, **kwargs: Any) -> L.Reconciliation:
        calls.append(kwargs.get("scope"))
        return reconcile(self, **kwargs)

    monkeypatch.setattr(L.Ledgers, "reconcile", counted)
    zone = desk.settings.zone
    app = BaogongApp(desk, operator=desk.settings.supervisors[0], language="en",
                     clock=FakeClock(datetime(2026, 11, 22, 20, 0, tzinfo=zone)),
                     cursor_blink=False, poll_interval=None)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_reconcile(app, pilot)
            assert len(calls) == 1 and len(screen.result.findings) == 4
            for key in "jjjkkjk":
                await pilot.press(key)
            await settle(pilot)
            assert screen.cursor == 1
            shown = "\n".join(str(part.render()) for part in screen.query("#body, .findings"))
            assert len(screen.query(".findings")) == (4 if chunk == 1 else 0)
            if chunk == 1:  # the chunks read as the whole page would
                pieces = [screen.body(), *(screen.chunk(i) for i in range(4))]
                tail = screen.query_one("#tail").render()
                joined = "\n".join([*(p.plain for p in pieces), str(tail)])
                monkeypatch.setattr(page, "CHUNK", 40)
                assert joined == screen.body().plain
                monkeypatch.setattr(page, "CHUNK", chunk)
            assert shown.count("> ") == 1
            assert f"> {screen.result.findings[1].severity.value}" in shown
            assert len(calls) == 1  # the selection moved; nothing was reconciled again
            await pilot.press("enter")  # the record, over the page, and back: nothing changed
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert len(calls) == 1
            # another operator's batch: the page reconciles again when it is shown again
            write_batch(desk.root, [L.draft(
                L.Collection, time=datetime(2026, 11, 22, 9, tzinfo=zone),
                household="hx-02-1-1-101", community="binhe", supermarket="hualian",
                round="r1122", order="late-1", grid_worker="grid.binhe.1", amount_fen=100)],
                operator="grid.binhe.1", zone=zone,
                recorded=datetime(2026, 11, 22, 19, tzinfo=zone), mode=0o600)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert len(calls) == 2
            assert screen.result is not None and screen.cursor == 1
            await pilot.press("p", *"2026-11-20..2026-11-22", "ctrl+s")
            await settle(pilot)
            assert len(calls) == 3 and (screen.start, screen.end) == (
                date(2026, 11, 20), date(2026, 11, 22))
            await pilot.press("j", "k", "j")
            await settle(pilot)
            assert len(calls) == 3
    finally:
        desk.cases.index.close()


async def test_leaving_the_page_while_it_reconciles(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    desk = core.open_desk(copy_demo_desk(tmp_path / "desk"))
    release = threading.Event()
    reconcile = L.Ledgers.reconcile

    def slow(self: L.Ledgers, **kwargs: Any) -> L.Reconciliation:
        release.wait(10)
        return reconcile(self, **kwargs)

    monkeypatch.setattr(L.Ledgers, "reconcile", slow)
    app = BaogongApp(desk, operator=desk.settings.supervisors[0], language="en",
                     clock=FakeClock(datetime(2026, 11, 22, 20, 0, tzinfo=desk.settings.zone)),
                     cursor_blink=False, poll_interval=None)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("b", "4")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReconcileScreen) and screen.result is None
            assert "Reconciling the ledgers..." in str(screen.query_one("#body").render())
            await pilot.press("escape")  # gone before its result arrives
            release.set()
            await settle(pilot)
            assert isinstance(app.screen, ConsoleScreen)
    finally:
        desk.cases.index.close()


async def test_a_result_for_an_earlier_period_is_not_shown(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    desk = core.open_desk(copy_demo_desk(tmp_path / "desk"))
    release = threading.Event()
    asked: list[date | None] = []
    reconcile = L.Ledgers.reconcile

    def slow(self: L.Ledgers, **kwargs: Any) -> L.Reconciliation:
        asked.append(kwargs.get("start"))
        release.wait(10)
        return reconcile(self, **kwargs)

    monkeypatch.setattr(L.Ledgers, "reconcile", slow)
    app = BaogongApp(desk, operator=desk.settings.supervisors[0], language="en",
                     clock=FakeClock(datetime(2026, 11, 22, 20, 0, tzinfo=desk.settings.zone)),
                     cursor_blink=False, poll_interval=None)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("b", "4")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReconcileScreen) and screen.result is None
            await pilot.press("p", *"2026-11-22..2026-11-22", "ctrl+s")
            await pilot.pause()
            seen: list[date | None] = []
            original = screen.show

            def show() -> None:
                seen.append(screen.result.start if screen.result else None)
                original()

            monkeypatch.setattr(screen, "show", show)
            release.set()
            await settle(pilot)
            assert asked == [date(2026, 11, 16), date(2026, 11, 22)]
            assert screen.result is not None and screen.result.start == date(2026, 11, 22)
            assert date(2026, 11, 16) not in seen
    finally:
        desk.cases.index.close()
