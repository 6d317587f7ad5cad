"""Headless replays paint only the frames a checkpoint looks at (tui/replay/painting.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input

from tui.replay.painting import frames_on_demand
from tui.replay.settling import screen_text


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
