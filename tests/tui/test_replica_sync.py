"""The app on a replicated desk: the header says when the desk last synced, and it syncs on
``desk.toml``'s timer."""

from __future__ import annotations

from pathlib import Path

import core
from core.cases.case import Category
from tests.replica.sites import at, bare, case_files, replica, start
from tests.tui.conftest import settle
from tests.tui.deskfactory import FakeClock
from tests.tui.screen_text import screen_text
from tui.app import BaogongApp


async def test_the_header_shows_the_last_sync_and_the_timer_syncs(tmp_path: Path) -> None:
    hub = bare(tmp_path / "hub.git")
    hx = start(tmp_path / "hx", hub)
    xc = replica(hub, tmp_path / "xc", "XC")
    settings = xc / "desk.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "sync_minutes = 0", "sync_minutes = 5", 1), encoding="utf-8")
    (xc / ".git" / "baogong-last-sync").unlink(missing_ok=True)
    desk = core.open_desk(hx)
    made = desk.cases.create(Category.GROCERIES, operator="wang", created=at(0))
    desk.cases.index.close()
    desk = core.open_desk(xc)
    app = BaogongApp(desk, operator="li", language="en", clock=FakeClock(), cursor_blink=False,
                     poll_interval=None)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert "Synced -" in screen_text(app).splitlines()[0]
        from core.replica.git import sync_desk

        assert sync_desk(core.open_desk(hx)).ok  # the other site's call reaches the hub
        app.sync_now()  # what the five-minute timer calls
        await settle(pilot)
        assert app.last_sync is not None
        assert f"Synced {app.last_sync:%H:%M}" in screen_text(app).splitlines()[0]
    assert case_files(xc) == case_files(hx)
    assert (xc / "cases/2026/11/23" / f"{made.id}.toml").exists()
    desk.cases.index.close()
