"""Fixtures for the desk app: a small deterministic desk, a fixed clock, an app factory."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.image import SVGImageSnapshotExtension
from textual.pilot import Pilot

from core.desk import Desk
from tests.tui.deskfactory import FakeClock, make_desk
from tui import i18n
from tui.app import BaogongApp


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk_root(tmp_path: Path) -> Path:
    return tmp_path / "desk"


@pytest.fixture
def desk(desk_root: Path, clock: FakeClock) -> Iterator[Desk]:
    desk = make_desk(desk_root, clock)
    yield desk
    desk.cases.index.close()


AppFactory = Callable[..., BaogongApp]


@pytest.fixture
def make_app(desk: Desk, clock: FakeClock) -> Iterator[AppFactory]:
    def make(language: str = "en", **kwargs: Any) -> BaogongApp:
        kwargs.setdefault("poll_interval", None)
        return BaogongApp(desk, operator="wang", language=language, clock=clock,
                          cursor_blink=False, **kwargs)

    yield make
    i18n.set_language("zh")


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers (index queries) finish, keys typed ahead land (a loaded machine lets them
    go slowly: tui.typeahead) and the screen repaint."""
    type_ahead = getattr(pilot.app, "type_ahead", None)
    deadline = asyncio.get_running_loop().time() + 60
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        while type_ahead is not None and (type_ahead.held or type_ahead.unsettled):
            assert asyncio.get_running_loop().time() < deadline, "typed-ahead keys never landed"
            await asyncio.sleep(0.005)
    await pilot.pause()


@pytest.fixture
def snap(snapshot: SnapshotAssertion) -> Callable[[BaogongApp, str], None]:
    """Compare an SVG screenshot of the app with the stored one named ``name``."""
    svg = snapshot.use_extension(SVGImageSnapshotExtension)

    def take(app: BaogongApp, name: str) -> None:
        assert app.export_screenshot(title="baogong") == svg(name=name)

    return take


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(function(**arguments))
    return True
