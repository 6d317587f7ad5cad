"""Recording sessions: the keys an app receives (:class:`Recorder`), a person at the
keyboard (``baogong --record FILE``) or a script driving the real app (the fixtures).
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from textual import events
from textual.app import App
from textual.widgets import Input, TextArea

from core.problems import DeskError
from tui.recording import (
    CHECKPOINT_KEY,
    DEMO,
    Checkpoint,
    DeskIdentity,
    KeyPress,
    Recording,
    SessionInfo,
    default_char,
    save_recording,
)
from tui.replay.player import make_app
from tui.replay.session import KeyClock, desk_identity, prepare_desk, produced_files, snapshot_files
from tui.replay.settling import quiesce, refresh_displays, screen_text, settle

if TYPE_CHECKING:
    from textual.pilot import Pilot


class Recorder:
    """Collects the keys an app receives, with their offsets from ``time_source``.

    ``time_source`` returns seconds since the session started: the monotonic clock when a person
    is typing, a virtual clock when a script drives the app (see :class:`ScriptedOperator`).
    """

    def __init__(self, *, size: tuple[int, int], language: str, operator: str,
                 start: datetime, uid_seed: int, desk: DeskIdentity, title: str = "",
                 time_source: Callable[[], float] | None = None) -> None:
        self.info = SessionInfo(size=size, language=language, operator=operator, start=start,
                                uid_seed=uid_seed, desk=desk, title=title)
        self.clock = KeyClock(start)
        origin = time.monotonic()
        self.time_source = time_source or (lambda: time.monotonic() - origin)
        self.keys: list[KeyPress] = []
        self.checkpoints: list[Checkpoint] = []
        self.app: App[Any] | None = None
        self._last = 0.0

    def now(self) -> float:
        """Seconds since the start, to the millisecond, never before the previous entry."""
        t = max(round(self.time_source(), 3), self._last)
        self._last = t
        return t

    def attach(self, app: App[Any]) -> None:
        """Record every key and paste ``app`` receives from its terminal (or from Pilot)."""
        self.app = app
        original = app.on_event

        async def on_event(event: events.Event) -> None:
            if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
                if isinstance(event, events.Key) and event.key == CHECKPOINT_KEY:
                    self.checkpoint()
                    return
                self.key(event)
            await original(event)

        app.on_event = on_event  # type: ignore[method-assign]

    def _field(self) -> str:
        focused = self.app.focused if self.app is not None else None
        if isinstance(focused, Input | TextArea) and focused.id:
            return focused.id
        return ""

    def key(self, event: events.Key | events.Paste) -> None:
        t = self.now()
        if self.checkpoints and t <= self.checkpoints[-1].t:
            t = self._last = round(self.checkpoints[-1].t + 0.001, 3)
        self.clock.offset = t
        if isinstance(event, events.Paste):
            self.keys.append(KeyPress(t, paste=event.text, field=self._field()))
            return
        field = self._field() if event.is_printable else ""
        char = None if event.character == default_char(event.key) else event.character
        self.keys.append(KeyPress(t, event.key, char, field))

    def checkpoint(self, name: str | None = None) -> Checkpoint:
        t = self.now()
        self.clock.offset = t
        name = name or f"checkpoint-{len(self.checkpoints) + 1}"
        if any(c.name == name for c in self.checkpoints):
            raise ValueError(f"a checkpoint named {name!r} was already taken")
        checkpoint = Checkpoint(t, name)
        self.checkpoints.append(checkpoint)
        if self.app is not None:
            refresh_displays(self.app)
            self.app.notify(f"checkpoint {name}", timeout=2)
        return checkpoint

    def recording(self) -> Recording:
        duration = max([self.now(), *(k.t for k in self.keys)])
        return Recording(attrs.evolve(self.info, duration=duration), tuple(self.keys),
                         tuple(self.checkpoints))


# --- scripted recording: the fixtures are made by driving the real app -----------------------


class ScriptedOperator:
    """Drives the real app through Pilot at a human pace while a :class:`Recorder` listens.

    Time is virtual: typing advances it by ``per_char`` a character, ``think`` by whatever the
    caller and operator talk about, so a five-minute call is recorded in a second or two. Every
    key goes through the app exactly as in a replay (post the event, wait for the app to settle),
    and ``expect`` checks the screen, so a script that no longer matches the app's flow fails
    while recording instead of producing a recording of nonsense.
    """

    def __init__(self, pilot: Pilot[Any], recorder: Recorder, *, per_char: float = 0.22,
                 per_key: float = 0.7) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.recorder = recorder
        self.per_char = per_char
        self.per_key = per_key
        self.t = 0.0

    async def _send(self, event: events.Key | events.Paste) -> None:
        event.set_sender(self.app)
        self.app.post_message(event)
        await quiesce(self.pilot)

    async def press(self, *keys: str, gap: float | None = None) -> None:
        """Named keys ("enter", "tab", "ctrl+s") or single characters."""
        for key in keys:
            self.t += self.per_key if gap is None else gap
            await self._send(events.Key(key, default_char(key) if key != "space" else " "))

    async def type(self, text: str, *, per_char: float | None = None) -> None:
        for char in text:
            self.t += self.per_char if per_char is None else per_char
            key = "space" if char == " " else char
            await self._send(events.Key(key, char))

    async def paste(self, text: str) -> None:
        self.t += self.per_key
        await self._send(events.Paste(text))

    def think(self, seconds: float) -> None:
        """Time passes: the caller explains, the operator listens or looks something up."""
        self.t += seconds

    async def checkpoint(self, name: str) -> None:
        self.t += 0.5
        await settle(self.pilot)
        self.recorder.checkpoint(name)
        await settle(self.pilot)

    async def expect(self, *texts: str) -> str:
        await settle(self.pilot)
        shown = screen_text(self.app)
        missing = [t for t in texts if t not in shown]
        if missing:
            raise AssertionError(f"expected {missing!r} on the screen, which shows:\n{shown}")
        return shown

    def screen(self) -> Any:
        return self.app.screen


Script = Callable[[ScriptedOperator], Awaitable[None]]


async def record_scripted(script: Script, desk_root: Path, *, title: str = "",
                          size: tuple[int, int] = (80, 24), language: str = "zh",
                          operator: str = "wang.li", start: datetime,
                          uid_seed: int = 1, source: str = DEMO) -> tuple[Recording,
                                                                          dict[str, bytes]]:
    """Record ``script`` driving the real app on ``desk_root``; returns it and the files made."""
    from tui import i18n

    identity = desk_identity(desk_root, source)
    before = snapshot_files(desk_root)
    holder: dict[str, ScriptedOperator] = {}
    recorder = Recorder(size=size, language=language, operator=operator, start=start,
                        uid_seed=uid_seed, desk=identity, title=title,
                        time_source=lambda: holder["op"].t if holder else 0.0)
    session = recorder.info
    desk, _clock = prepare_desk(desk_root, session, recorder.clock)
    app = make_app(desk, Recording(session), clock=recorder.clock)
    recorder.attach(app)
    try:
        async with app.run_test(size=size) as pilot:
            operator_ = holder["op"] = ScriptedOperator(pilot, recorder)
            await settle(pilot)
            await script(operator_)
            await settle(pilot)
            operator_.t += 1.0
    finally:
        desk.cases.index.close()
        i18n.set_language("zh")
    return recorder.recording(), produced_files(before, snapshot_files(desk_root))


# --- a person recording a session ------------------------------------------------------------


def run_recording(desk_root: Path, record_to: Path, *, operator: str | None = None,
                  language: str | None = None, start: datetime | None = None,
                  source: str | None = None, title: str = "",
                  size: tuple[int, int] | None = None) -> int:
    """Run the desk app in this terminal and record the session to ``record_to`` on exit.

    ``f12`` takes a checkpoint. The recording is written even if the app ends with an error.
    """
    import shutil
    import sys

    from core.desk import Desk
    from core.identity import acting_name
    from tui import i18n
    from tui.launch import run_keeping_drafts

    identity = desk_identity(desk_root, source or str(desk_root))
    desk = Desk.open(desk_root)
    zone = desk.settings.zone
    start = start or datetime.now(zone).replace(microsecond=0)
    language = i18n.choose_language(language, desk.settings.locale)
    if size is None:
        columns, rows = shutil.get_terminal_size((80, 24))
        size = (columns, rows)
    recorder = Recorder(size=size, language=language, operator=acting_name(desk, operator),
                        start=start, uid_seed=random.SystemRandom().randrange(2**31),
                        desk=identity, title=title)
    desk, _clock = prepare_desk(desk_root, recorder.info, recorder.clock)
    app = make_app(desk, Recording(recorder.info), clock=recorder.clock, live=True)
    recorder.attach(app)
    drafts, _problems = app.drafts.load_all()
    if drafts:
        print(f"baogong: note: {len(drafts)} unsaved draft(s) will be offered back; a replay "
              "starts without them and will differ", file=sys.stderr)

    try:
        result = run_keeping_drafts(app)
    finally:
        desk.cases.index.close()
        save_recording(recorder.recording(), record_to, mode=desk.file_mode)
        print(f"recorded {len(recorder.keys)} keys and {len(recorder.checkpoints)} "
              f"checkpoint(s) to {record_to}", file=sys.stderr)
    return int(result or 0)


def record_from_args(args: Any) -> int:
    """``baogong --record FILE``: the desk app on the usual desk, recorded to FILE."""
    import sys

    from core.identity import NotTheOperator
    from tui.deskpath import resolve_desk

    try:
        root = resolve_desk(getattr(args, "desk", None))
        return run_recording(root, Path(args.record), operator=getattr(args, "operator", None),
                             language=getattr(args, "lang", None), source=str(root))
    except DeskError as exc:
        print("baogong: cannot open the desk:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem.render()}", file=sys.stderr)
        return 2
    except NotTheOperator as exc:
        print(f"baogong: --operator: {exc}", file=sys.stderr)
        return 2
