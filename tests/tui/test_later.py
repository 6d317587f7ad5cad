"""Work left for after the first paint (tui.later) waits for a pause in the typing, runs one job
at a time in the order asked, and a newer request replaces an older one still waiting."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.app import App

from core.demo import copy_demo_desk
from core.desk import Desk
from tui.app import BaogongApp
from tui.later import QUIET_FOR, Job, Later


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.later = Later(self)


def watch(later: Later) -> tuple[list[float], list[float]]:
    """When ``later`` saw each key, and when each job's work started."""
    keys: list[float] = []
    starts: list[float] = []
    key, run = later.key, later._run

    def seen() -> None:
        keys.append(time.monotonic())
        key()

    def started(work: Callable[[], None]) -> Coroutine[Any, Any, None]:
        starts.append(time.monotonic())
        return run(work)

    later.key = seen  # type: ignore[method-assign]
    later._run = started  # type: ignore[method-assign]
    return keys, starts


def after_a_pause(keys: list[float], starts: list[float]) -> bool:
    """Whether every job started at least QUIET_FOR after the last key before it (timed by the
    app itself, so a loaded machine slows both alike)."""
    return all(at - max((k for k in keys if k <= at), default=-1e9) >= QUIET_FOR * 0.99
               for at in starts)


async def test_jobs_run_one_at_a_time_in_order_once_the_typing_pauses() -> None:
    app = Host()
    ran: list[str] = []
    running: list[str] = []
    overlapped: list[str] = []
    lock = threading.Lock()
    keys, starts = watch(app.later)

    def job(name: str) -> Job:
        def work() -> None:
            with lock:
                if running:
                    overlapped.append(name)
                running.append(name)
            time.sleep(0.05)
            ran.append(name)
            with lock:
                running.remove(name)
        return lambda: work

    async with app.run_test():
        app.later.add("a", job("a"))
        app.later.add("b", job("b-old"))
        app.later.add("c", job("c"))
        app.later.add("b", job("b"))
        app.later.add("gone", lambda: None)
        await asyncio.sleep(QUIET_FOR * 2)
        assert ran == []  # nothing before the first paint
        app.later.key()  # typed ahead while the desk was starting
        app.later.start()
        for _ in range(6):
            await asyncio.sleep(QUIET_FOR / 4)
            app.later.key()
        await asyncio.wait_for(app.later.drained(), 30)
    assert ran == ["a", "c", "b"]
    assert len(starts) == 3 and after_a_pause(keys, starts)
    assert overlapped == []


async def test_the_desk_loads_the_new_call_screen_when_the_operator_pauses(
        tmp_path: Path) -> None:
    desk = Desk.open(copy_demo_desk(tmp_path / "desk"))
    app = BaogongApp(desk, language="en", poll_interval=None, cursor_blink=False)
    keys, starts = watch(app.later)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3000):
            if app._queue_shown:
                break
            await asyncio.sleep(0.01)
        for _ in range(12):
            await pilot.press("down")  # keys through the app, as from the terminal
        await asyncio.wait_for(app.later.drained(), 60)
    # the new-call screen and pypinyin, then the search text: each after a pause
    assert keys and len(starts) >= 2 and after_a_pause(keys, starts)
