"""SVG snapshots of every console page, both languages, at 80x24 and 120x40.

Update with ``pytest tests/console/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.console.conftest import ConsoleApp, settle
from tui.app import BaogongApp

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_console_pages(console_app: ConsoleApp, snap: Callable[[BaogongApp, str], None],
                             language: str, size: tuple[int, int]) -> None:
    app = console_app(language=language)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        snap(app, "1-console")
        for key, name in [("1", "2-board"), ("2", "3-allocation"), ("3", "4-rounds"),
                          ("4", "5-reconcile"), ("5", "6-reports")]:
            await pilot.press(key)
            await settle(pilot)
            snap(app, name)
            await pilot.press("escape")
            await settle(pilot)
