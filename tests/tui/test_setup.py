"""A desk fresh from ``baogong init`` opens on its set-up checklist, which follows the imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

import core
from core.deskinit import init_desk
from core.registers import RegisterKind, import_register, register_table
from core.reports.table import write_csv
from tests.tui.conftest import settle
from tests.tui.deskfactory import FakeClock
from tui import i18n
from tui.app import BaogongApp

SIZE = (80, 24)


def new_desk(root: Path) -> core.Desk:
    """A desk from ``init``, made a training desk so that the tests' operator name is taken."""
    init_desk(root, name="长风街道保供热线", name_en="Changfeng hotline")
    settings = root / "desk.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "training = false", "training = true"), encoding="utf-8")
    return core.open_desk(root)


async def test_a_new_desk_shows_what_it_lacks_and_the_commands_that_fill_it(
        tmp_path: Path, snap: Callable[[BaogongApp, str], None]) -> None:
    for language in ("zh", "en"):
        desk = new_desk(tmp_path / language)
        app = BaogongApp(desk, operator="wang", language=language, clock=FakeClock(),
                         cursor_blink=False, poll_interval=None)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            setup = app.screen.query_one("#setup", Static)
            assert setup.display
            text = str(setup.render())
            assert "baogong import households" in text and "baogong import catalogue" in text
            snap(app, f"setup-checklist-{language}")
        desk.cases.index.close()
    i18n.set_language("zh")


async def test_the_checklist_follows_the_imports_and_goes_when_all_are_in(
        tmp_path: Path, demo_desk: core.Desk) -> None:
    desk = new_desk(tmp_path / "new")
    app = BaogongApp(desk, operator="wang", language="en", clock=FakeClock(),
                     cursor_blink=False, poll_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        setup = app.screen.query_one("#setup", Static)
        for kind in (RegisterKind.COMMUNITIES, RegisterKind.SUPERMARKETS,
                     RegisterKind.CATALOGUE):
            register = write_csv(register_table(demo_desk, kind), tmp_path / f"{kind.value}.csv")
            assert import_register(desk, kind, register).written
        desk.refresh()
        app.screen.update_setup()  # what the app's poll does
        await settle(pilot)
        text = str(setup.render())
        assert "households" in text and "communities" not in text.replace("Households", "")
        register = write_csv(register_table(demo_desk, RegisterKind.HOUSEHOLDS),
                             tmp_path / "households.csv")
        assert import_register(desk, RegisterKind.HOUSEHOLDS, register).written
        desk.refresh()
        app.screen.update_setup()
        await settle(pilot)
        assert not setup.display
    desk.cases.index.close()
    i18n.set_language("zh")
