"""The replay's barrier (tui/replay/settling.py): it waits for every pump still handling
something, a handler suspended half-way included, and leaves parked pumps alone."""

from __future__ import annotations

import asyncio

from textual import on
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Static

from tui.replay.settling import barrier


class Slow(Message):
    pass


class Worker(Static):
    def __init__(self, release: asyncio.Event, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.release = release
        self.handled = 0

    @on(Slow)
    async def take_slowly(self) -> None:
        await self.release.wait()
        self.handled += 1


class Panel(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Worker(self.release, id="busy")
        for number in range(8):
            yield Static(f"idle {number}")


def test_the_barrier_waits_for_a_handler_still_awaiting() -> None:
    async def scenario() -> None:
        app = Panel()
        async with app.run_test() as pilot:
            await pilot.pause()
            worker = app.query_one("#busy", Worker)
            worker.post_message(Slow())
            await asyncio.sleep(0.01)  # the handler has started and is suspended
            waiting = asyncio.create_task(barrier(app))
            await asyncio.sleep(0.05)
            finished_early = waiting.done()
            app.release.set()  # first: a handler left waiting would hold up the app's exit
            assert not finished_early
            await asyncio.wait_for(waiting, 5)
            assert worker.handled == 1

    asyncio.run(scenario())


def test_the_barrier_sends_nothing_to_parked_pumps() -> None:
    async def scenario() -> None:
        app = Panel()
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.pause()
            sent: list[str] = []
            for pump in [app, *app.screen.walk_children(with_self=True)]:
                call_later = pump.call_later

                def counting(callback: object, *args: object, _pump: object = pump,
                             _call_later: object = call_later) -> bool:
                    sent.append(repr(_pump))
                    return _call_later(callback, *args)  # type: ignore[operator, no-any-return]

                pump.call_later = counting  # type: ignore[method-assign]
            await asyncio.wait_for(barrier(app), 5)
            assert sent == []
            app.query_one("#busy", Worker).post_message(Slow())
            app.release.set()
            await asyncio.wait_for(barrier(app), 5)
            assert len(sent) >= 1
            assert app.query_one("#busy", Worker).handled == 1

    asyncio.run(scenario())
