"""A key typed into a form field repaints the field alone; its text still scrolls into view."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import AppFactory, settle
from tests.tui.screen_text import screen_lines
from tui.screens.intake import IntakeScreen
from tui.widgets.common import TextField


async def test_typing_into_a_field_does_not_lay_out_the_form(
        make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        layouts: list[Any] = []
        refresh_layout = type(intake)._refresh_layout

        def counted(screen: Any, *args: Any, **kwargs: Any) -> None:
            layouts.append(screen)
            refresh_layout(screen, *args, **kwargs)

        monkeypatch.setattr(type(intake), "_refresh_layout", counted)
        intake.query_one("#name").focus()
        await settle(pilot)
        layouts.clear()
        for char in "王秀英":
            await pilot.press(char)
            await pilot.pause()
        await settle(pilot)
        assert intake.query_one("#name").value == "王秀英"
        assert layouts == []


async def test_text_longer_than_a_field_scrolls_to_the_cursor(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        field = app.screen.query_one("#building", TextField)
        field.focus()
        await settle(pilot)
        width = field.content_region.width
        typed = "".join(str(i % 10) for i in range(width * 2)) + "xyz"
        await pilot.press(*typed)
        await settle(pilot)
        assert field.value == typed
        row = screen_lines(app)[field.content_region.y]
        shown = row[field.content_region.x:field.content_region.right]
        assert "xyz" in shown  # the end of the text, where the cursor is, is on screen
        await pilot.press("home")
        await settle(pilot)
        row = screen_lines(app)[field.content_region.y]
        assert row[field.content_region.x:field.content_region.right].startswith("0123")
