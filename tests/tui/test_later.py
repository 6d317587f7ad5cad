"""Work left for after the first paint (tui.later) waits for a pause in the typing, runs one job
at a time in the order asked, and a newer request replaces an older one still waiting."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from textual.app import App

from core.demo import copy_demo_desk
from core.desk import Desk
from tui.app import BaogongApp
from tui.later import QUIET_FOR, Later


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.later = Later(self)


async def test_jobs_run_one_at_a_time_in_order_once_the_typing_pauses() -> None:
    app = Host()
    ran: list[tuple[str, float]] = []
    running: list[str] = []
    overlapped: list[str] = []
    lock = threading.Lock()

    def job(name: str) -> object:
        def work() -> None:
            with lock:
                if running:
                    overlapped.append(name)
                running.append(name)
            time.sleep(0.05)
            ran.append((name, time.monotonic()))
            with lock:
                running.remove(name)
        return lambda: work

    async with app.run_test():
        app.later.add("a", job("a"))  # type: ignore[arg-type]
        app.later.add("b", job("b-old"))  # type: ignore[arg-type]
        app.later.add("c", job("c"))  # type: ignore[arg-type]
        app.later.add("b", job("b"))  # type: ignore[arg-type]
        app.later.add("gone", lambda: None)
        await asyncio.sleep(QUIET_FOR * 2)
        assert ran == []  # nothing before the first paint
        app.later.start()
        typed_until = time.monotonic() + 3 * QUIET_FOR
        while time.monotonic() < typed_until:
            app.later.key()
            await asyncio.sleep(QUIET_FOR / 4)
        assert ran == []  # nothing while keys keep coming
        await asyncio.wait_for(app.later.drained(), 10)
    assert [name for name, _at in ran] == ["a", "c", "b"]
    assert ran[0][1] >= typed_until + QUIET_FOR * 0.9
    assert overlapped == []


async def test_the_desk_loads_the_new_call_screen_when_the_operator_pauses(
        tmp_path: Path) -> None:
    desk = Desk.open(copy_demo_desk(tmp_path / "desk"))
    app = BaogongApp(desk, language="en", poll_interval=None, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3000):
            if app._queue_shown:
                break
            await asyncio.sleep(0.01)
        typed_until = time.monotonic() + 4 * QUIET_FOR
        while time.monotonic() < typed_until:
            await pilot.press("down")  # keys through the app, as from the terminal
            await asyncio.sleep(QUIET_FOR / 4)
        waiting = [name for name, _job in app.later.jobs]
        assert "preload" in waiting and app.later._running is None
        await asyncio.wait_for(app.later.drained(), 30)
        assert not app.later.jobs
