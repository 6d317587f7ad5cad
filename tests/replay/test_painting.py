"""Headless replays paint only the frames a checkpoint looks at (tui/replay/painting.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input

from tui.replay.painting import frames_on_demand
from tui.replay.settling import screen_text, update_due


class Field(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="field")


def _count_paints(app: App[Any]) -> list[int]:
    painted = [0]
    compositor = app.screen._compositor
    render_update = compositor.render_update

    def counting(*args: Any, **kwargs: Any) -> Any:
        painted[0] += 1
        return render_update(*args, **kwargs)

    compositor.render_update = counting  # type: ignore[method-assign]
    return painted


async def _type(on_demand: bool) -> tuple[int, str, str]:
    app = Field()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        painted = _count_paints(app)
        if on_demand:
            with frames_on_demand(app):
                await pilot.press(*"北京 rice")
                await pilot.pause()
                seen = screen_text(app)
                svg = app.export_screenshot()
        else:
            await pilot.press(*"北京 rice")
            await pilot.pause()
            seen = screen_text(app)
            svg = app.export_screenshot()
        # the screenshot is the one full paint looked at; the keys' repaints are the rest
        return painted[0] - 1, seen, svg


def test_keys_are_not_painted_on_demand_but_the_screen_shows_them() -> None:
    keys_painted, seen, _svg = asyncio.run(_type(on_demand=True))
    assert keys_painted == 0
    assert "北京 rice" in seen


def test_the_screen_is_the_same_as_when_every_key_is_painted() -> None:
    painted, seen, svg = asyncio.run(_type(on_demand=False))
    assert painted > 0
    _none, seen_on_demand, svg_on_demand = asyncio.run(_type(on_demand=True))
    assert seen_on_demand == seen
    assert svg_on_demand == svg


def test_an_app_outside_paints_every_frame() -> None:
    async def run() -> int:
        other = Field()
        async with other.run_test(size=(40, 5)) as pilot:
            await pilot.pause()
            app = Field()
            async with app.run_test(size=(40, 5)):
                with frames_on_demand(app):
                    painted = _count_paints(other)
                    await pilot.press(*"abc")
                    await pilot.pause()
                    return painted[0]

    assert asyncio.run(run()) > 0


def test_an_update_due_is_made_at_once_and_only_when_due() -> None:
    async def run() -> tuple[bool, bool, list[str], bool]:
        app = Field()
        async with app.run_test(size=(40, 5)) as pilot:
            await pilot.pause()
            ran: list[str] = []
            idle = update_due(app)
            # what a key left for the next tick, its messages all handled: a field to
            # repaint, then a callback for after the repaint
            app.screen._update_timer.pause()
            app.screen._dirty_widgets.add(app.screen.query_one(Input))
            app.screen._callbacks.append((lambda: ran.append("after refresh"), app.screen))
            before = list(ran)
            made = update_due(app)
            for _ in range(3):
                await asyncio.sleep(0)
            return idle, made, before + ran, update_due(app)

    idle, made, ran, again = asyncio.run(run())
    assert not idle and made and not again
    assert ran == ["after refresh"]


def test_no_update_is_made_while_a_message_is_queued() -> None:
    async def run() -> bool:
        app = Field()
        async with app.run_test(size=(40, 5)) as pilot:
            await pilot.pause()
            app.screen._update_timer.pause()
            field = app.screen.query_one(Input)
            app.screen._dirty_widgets.add(field)
            field.post_message(Input.Changed(field, "x"))
            return update_due(app)

    assert not asyncio.run(run())
