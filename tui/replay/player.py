"""Replaying a recording on a scratch copy of its desk: headless under Pilot (fast or at the
recorded pace) or in this terminal, with the checkpoint screens and the files it produced.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from textual.app import App

from tui.recording import Checkpoint, Recording
from tui.replay.painting import frames_on_demand
from tui.replay.session import (
    KeyClock,
    desk_fingerprint,
    prepare_desk,
    produced_files,
    snapshot_files,
)
from tui.replay.settling import quiesce, settle

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from core.desk import Desk
    from tui.app import BaogongApp


@attrs.frozen
class ReplayResult:
    files: dict[str, bytes]  # created or changed, by path relative to the desk
    screens: dict[str, str]  # checkpoint name -> SVG (only when screenshots were asked for)
    seconds: float
    keys: int

    @property
    def case_ids(self) -> list[str]:
        return sorted({Path(name).stem for name in self.files if name.startswith("cases/")})


CheckpointHook = Callable[[str, App[Any]], Awaitable[None] | None]


class DeskMismatch(Exception):
    """The desk a replay would start from is not the one the session was recorded on."""


def make_app(desk: Desk, recording: Recording, *, clock: KeyClock,
             live: bool = False) -> BaogongApp:
    """The desk app as it runs in a recorded session: key clock, no polling."""
    from tui.app import BaogongApp

    session = recording.session
    return BaogongApp(desk, operator=session.operator, language=session.language, clock=clock,
                      cursor_blink=live, poll_interval=None)


async def drive(pilot: Pilot[Any], recording: Recording, clock: KeyClock, *,
                real_speed: bool = False, screenshots: bool = False,
                on_checkpoint: CheckpointHook | None = None) -> tuple[dict[str, str], int]:
    """Deliver a recording's keys to a running app; returns the checkpoint screens and key count."""
    app = pilot.app
    screens: dict[str, str] = {}
    origin = time.monotonic()
    count = 0
    await settle(pilot)
    for step in recording.steps():
        if real_speed:
            delay = step.t - (time.monotonic() - origin)
            if delay > 0:
                await asyncio.sleep(delay)
        clock.offset = step.t
        if isinstance(step, Checkpoint):
            await settle(pilot)
            if screenshots:
                screens[step.name] = app.export_screenshot(title="baogong")
            if on_checkpoint is not None:
                result = on_checkpoint(step.name, app)
                if result is not None:
                    await result
            continue
        event = step.event()
        event.set_sender(app)
        app.post_message(event)
        count += 1
        await quiesce(pilot)
    await settle(pilot)
    return screens, count


async def replay(recording: Recording, desk_root: Path, *, real_speed: bool = False,
                 screenshots: bool = False, on_checkpoint: CheckpointHook | None = None,
                 check_desk: bool = True, show: bool = False,
                 every_frame: bool = False) -> ReplayResult:
    """Replay ``recording`` on the desk at ``desk_root`` (a scratch copy: it is written to).

    Headless at the recorded size, unless ``show``: then in this terminal, at its size.
    Headless, the screen is painted only when a checkpoint looks at it
    (:mod:`tui.replay.painting`), unless ``every_frame``: then after every key, as a terminal is.
    """
    from tui import i18n

    if check_desk and recording.session.desk.fingerprint:
        found = desk_fingerprint(desk_root)
        if found != recording.session.desk.fingerprint:
            raise DeskMismatch(
                f"the desk at {desk_root} is not the one this session was recorded on "
                f"(fingerprint {found}, recorded {recording.session.desk.fingerprint})")
    before = snapshot_files(desk_root)
    desk, clock = prepare_desk(desk_root, recording.session)
    app = make_app(desk, recording, clock=clock, live=show)
    outcome: dict[str, Any] = {}

    async def autopilot(pilot: Pilot[Any]) -> None:
        outcome["drive"] = await drive(pilot, recording, clock, real_speed=real_speed,
                                       screenshots=screenshots, on_checkpoint=on_checkpoint)
        await asyncio.sleep(1.0)
        app.exit(0)

    started = time.perf_counter()
    try:
        if show:
            await app.run_async(auto_pilot=autopilot)
        else:
            async with app.run_test(size=recording.session.size) as pilot:
                with nullcontext() if every_frame else frames_on_demand(app):
                    outcome["drive"] = await drive(pilot, recording, clock,
                                                   real_speed=real_speed,
                                                   screenshots=screenshots,
                                                   on_checkpoint=on_checkpoint)
    finally:
        desk.cases.index.close()
        i18n.set_language("zh")
    seconds = time.perf_counter() - started
    screens, count = outcome.get("drive", ({}, 0))
    return ReplayResult(produced_files(before, snapshot_files(desk_root)), screens, seconds,
                        count)


def replay_sync(recording: Recording, desk_root: Path, **options: Any) -> ReplayResult:
    return asyncio.run(replay(recording, desk_root, **options))
