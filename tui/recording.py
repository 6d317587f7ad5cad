"""Recorded call sessions (通话录制) and their deterministic replay.

``baogong --record FILE`` records an operator's session; ``baogong replay FILE`` plays it back
against a scratch copy of the desk and reports the files it produced; ``tests/replay`` replays
every recording in ``fixtures/sessions/`` under Textual's Pilot and compares the screens at its
checkpoints and the case files it wrote with syrupy snapshots.

The recording format (TOML, format version 1)::

    [session]
    format = 1                          # this module's FORMAT_VERSION
    title = "elderly resident ..."      # free text, optional
    size = [80, 24]                     # terminal columns and rows
    language = "zh"                     # the app's language at the start ("zh" or "en")
    operator = "wang.li"                # who the cases are attributed to
    start = 2026-11-23T09:00:00+08:00   # the desk's clock at t = 0 (offset-aware)
    uid_seed = 7                        # case UUIDs come from this seed
    duration = 312.4                    # seconds from the start to the end of the session
    keys = 1342                         # how many [[key]] entries follow (a cut file is refused)
    masked = ["name", "phone"]          # fields whose typed text was masked on export, if any

    [session.desk]
    source = "demo"                     # "demo" (the shipped demo desk) or the desk's path
    fingerprint = "sha256:..."          # content hash of the desk when recording started
    cases = 236                         # case files at the start (for the reader)

    [[key]]                             # every key, in order
    t = 1.375                           # seconds since the start (millisecond resolution)
    key = "n"                           # Textual's key name ("n", "ctrl+s", "enter", "米")
    char = " "                          # the character, only when it is not the key itself
    field = "phone"                     # the input that had the focus, when text went into one

    [[key]]
    t = 3.0
    paste = "和平路12号"                # a bracketed paste instead of a key

    [[checkpoint]]                      # screen snapshots taken during replay
    t = 4.2                             # after every key with t <= 4.2
    name = "intake"

Limits, checked on loading (each breach is a problem with its line): ``size`` from
:data:`MIN_SIZE` to :data:`MAX_SIZE`; every ``t`` and ``duration`` a finite number of seconds
from 0 to :data:`MAX_SECONDS`, keys in time order and none after ``duration``; at most
:data:`MAX_KEYS` keys; at least one key, and exactly ``keys`` of them when the session says how
many (older recordings do not).

Determinism. The app's clock during a recorded session is the clock of the *key stream*: the
start time plus the whole seconds elapsed at the last key delivered (``KeyClock``). Everything the
app writes (case creation and history times, due times, handover file names) is therefore a
function of the recording, and a replay that delivers the same keys at the same offsets sees the
same times. Case ids come from the desk's daily sequence, so the same starting desk gives the same
ids; the desk's fingerprint is recorded and checked before a replay. Case UUIDs come from
``uid_seed``. In fast mode the replay waits, after every key, until the app has no message, callback
or worker pending (:func:`quiesce`), so a key never lands on a screen that was not there when it was
recorded; at a checkpoint every time-dependent text is recomputed (:func:`refresh_displays`), the
same thing the recorder does when a checkpoint is taken, so the screen does not depend on when a
timer last fired.

What a recording does not hold: mouse events (the app is keyboard-only; they are ignored),
terminal resizes after the start, and whatever other operators wrote to a shared desk meanwhile
(the replay starts from the recorded state and only this operator's keys happen). The live
recorder also turns off the app's periodic polling of the desk for the same reason.

Masking (:func:`mask_recording`, ``baogong replay FILE --export-masked OUT``). Text typed into the
caller's phone, name and address fields and into the queue's search box is replaced character by
character on export: digits by other digits (a phone's first three digits, the carrier prefix, are
kept), Latin letters by ``x``, any other letter (Chinese names, streets) by 某; punctuation, spaces
and every non-text key are kept, so the structure of the call survives. ``--mask-text`` also masks
free text (description, notes, handover notes). What cannot be masked: personal data that is in
the starting desk (households, earlier cases: the recording only names the desk by fingerprint,
but replays and their screen snapshots show it), text chosen in pickers (categories, communities,
items: they are typed as search keys such as pinyin initials and are not personal), and key
presses whose field is unknown (recordings made before this field existed). A masked recording
replays the same keystrokes, but the app now sees a different phone or name: a call from a
registered household no longer fills in the address, so the screens and case files of a masked
replay differ from the original. Masking is for sharing a recording (a bug report), not for the
regression tests, which use recordings of made-up callers on the demo desk.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from textual import events
from textual.app import App
from textual.widgets import Input, TextArea

from core.problems import DeskError, Problem
from core.storage.atomic import make_directories, write_atomic
from core.storage.convert import converter
from core.storage.deskfiles import read_or_problem
from core.storage.tomlio import KeyPath, dumps, line_of, locate_lines, parse_toml, structure

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from core.desk import Desk
    from tui.app import BaogongApp

FORMAT_VERSION = 1
DEMO = "demo"
#: the key a recording operator presses to take a checkpoint (it never reaches the app)
CHECKPOINT_KEY = "f12"
#: fields holding the caller's personal data, masked on export
PERSONAL_FIELDS = frozenset({"phone", "name", "street", "building", "unit", "room", "search"})
#: free-text fields, masked with ``--mask-text``
TEXT_FIELDS = frozenset({"description", "note", "notes"})
#: what a desk's fingerprint covers: settings, reference data, cases and handover reports
FINGERPRINT_FILES = ("desk.toml", "departments.toml", "communities.toml", "supermarkets.toml",
                     "catalogue.toml", "households.toml")
FINGERPRINT_DIRS = ("cases", "handovers")
#: derived or private directories a replay never reports
IGNORED_DIRS = frozenset({".index", ".locks", ".drafts"})
#: the terminal sizes a recording may have (columns, rows)
MIN_SIZE = (40, 12)
MAX_SIZE = (500, 200)
#: the longest session a recording may hold (a day), seconds
MAX_SECONDS = 86_400.0
#: the most keys a recording may hold
MAX_KEYS = 200_000


# --- the recording as data -----------------------------------------------------------------


@attrs.frozen
class DeskIdentity:
    """The desk a session started on: where it came from and a hash of its contents."""

    source: str = DEMO
    fingerprint: str = ""
    cases: int = 0


@attrs.frozen
class SessionInfo:
    size: tuple[int, int]
    language: str = attrs.field()
    operator: str = attrs.field()
    start: datetime = attrs.field()
    uid_seed: int = attrs.field()
    desk: DeskIdentity = DeskIdentity()
    format: int = FORMAT_VERSION
    title: str = ""
    duration: float = 0.0
    masked: tuple[str, ...] = ()
    keys: int | None = None  # how many keys the file holds; None in recordings made before

    @language.validator
    def _check_language(self, _attribute: object, value: str) -> None:
        if value not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', got {value!r}")

    @start.validator
    def _check_start(self, _attribute: object, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("start must carry a UTC offset")


@attrs.frozen
class KeyPress:
    """One key (or one bracketed paste) at ``t`` seconds into the session."""

    t: float
    key: str = ""
    char: str | None = None
    field: str = ""
    paste: str | None = None

    def event(self) -> events.Key | events.Paste:
        if self.paste is not None:
            return events.Paste(self.paste)
        return events.Key(self.key, self.character)

    @property
    def character(self) -> str | None:
        return default_char(self.key) if self.char is None else self.char


@attrs.frozen
class Checkpoint:
    t: float
    name: str


@attrs.frozen
class Recording:
    session: SessionInfo
    key: tuple[KeyPress, ...] = ()
    checkpoint: tuple[Checkpoint, ...] = ()

    @property
    def keys(self) -> tuple[KeyPress, ...]:
        return self.key

    @property
    def checkpoints(self) -> tuple[Checkpoint, ...]:
        return self.checkpoint

    def steps(self) -> Iterator[KeyPress | Checkpoint]:
        """Keys and checkpoints in replay order: a checkpoint after every key with t <= its t."""
        keys = iter(self.key)
        pending = next(keys, None)
        for checkpoint in sorted(self.checkpoint, key=lambda c: c.t):
            while pending is not None and pending.t <= checkpoint.t:
                yield pending
                pending = next(keys, None)
            yield checkpoint
        while pending is not None:
            yield pending
            pending = next(keys, None)


def default_char(key: str) -> str | None:
    """The character a key carries unless the recording says otherwise."""
    return key if len(key) == 1 else None


def dumps_recording(recording: Recording) -> str:
    """The recording as TOML: ``[session]`` first, then one ``[[key]]`` per key, checkpoints."""
    data: dict[str, Any] = converter.unstructure(recording)
    session = data["session"]
    session["size"] = list(recording.session.size)
    if not recording.session.masked:
        del session["masked"]
    if not recording.session.title:
        del session["title"]
    session["keys"] = len(recording.key)
    ordered = {k: session[k] for k in (
        "format", "title", "size", "language", "operator", "start", "uid_seed", "duration",
        "keys", "masked", "desk") if k in session}
    out = ["# baogong session recording; the format is described in tui/recording.py\n",
           dumps({"session": ordered})]
    for press in recording.key:
        entry: dict[str, Any] = {"t": press.t}
        if press.paste is None:
            entry["key"] = press.key
            if press.char is not None and press.char != default_char(press.key):
                entry["char"] = press.char
        else:
            entry["paste"] = press.paste
        if press.field:
            entry["field"] = press.field
        out.append("\n[[key]]\n" + dumps(entry))
    for checkpoint in recording.checkpoint:
        out.append("\n[[checkpoint]]\n" + dumps({"t": checkpoint.t, "name": checkpoint.name}))
    return "".join(out)


def loads_recording(path: Path, raw: bytes) -> tuple[Recording | None, list[Problem]]:
    data, text, problems = parse_toml(path, raw)
    if data is None:
        return None, problems
    session = data.get("session")
    if isinstance(session, dict):
        version = session.get("format")
        if isinstance(version, int) and version > FORMAT_VERSION:
            return None, [Problem(path, None, f"recording format {version} is newer than this "
                                  f"baogong understands ({FORMAT_VERSION})", "session.format")]
    recording, problems = structure(converter, data, Recording, path, text)
    if recording is None:
        return None, problems
    found = _check_limits(recording, path, locate_lines(text))
    if found:
        return None, found
    # the count is the file's check on itself; the recording in memory holds the keys
    return attrs.evolve(recording, session=attrs.evolve(recording.session, keys=None)), []


def _check_limits(
    recording: Recording, path: Path, lines: Mapping[KeyPath, int]
) -> list[Problem]:
    """Every number of a recording in range, its keys in order and all there."""
    session = recording.session
    found: list[Problem] = []

    def problem(where: KeyPath, field: str, message: str) -> None:
        found.append(Problem(path, line_of(lines, where), message, field))

    def seconds(value: float) -> str | None:
        if not math.isfinite(value):
            return f"must be a finite number of seconds, got {value}"
        if not 0 <= value <= MAX_SECONDS:
            return f"must be from 0 to {MAX_SECONDS:g} seconds, got {value:g}"
        return None

    columns, rows = session.size
    if not (MIN_SIZE[0] <= columns <= MAX_SIZE[0] and MIN_SIZE[1] <= rows <= MAX_SIZE[1]):
        problem(("session", "size"), "session.size",
                f"must be from {MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x{MAX_SIZE[1]}, "
                f"got {columns}x{rows}")
    if (wrong := seconds(session.duration)) is not None:
        problem(("session", "duration"), "session.duration", wrong)
    if len(recording.key) > MAX_KEYS:
        problem(("key",), "key", f"{len(recording.key)} keys: a recording holds at most "
                                 f"{MAX_KEYS}")
    if session.keys is not None and session.keys != len(recording.key):
        problem(("session", "keys"), "session.keys",
                f"the session recorded {session.keys} keys but the file holds "
                f"{len(recording.key)}: it is cut short or edited")
    elif not recording.key:
        problem(("session",), "key", "no keys: the recording is empty or cut short")
    last = 0.0
    for index, press in enumerate(recording.key):
        where = f"key[{index}]"
        if (press.paste is None) == (not press.key):
            problem(("key", index), where, "give either key or paste")
        if (wrong := seconds(press.t)) is not None:
            problem(("key", index, "t"), f"{where}.t", wrong)
            continue
        if press.t < last:
            problem(("key", index, "t"), f"{where}.t", f"t goes backwards ({press.t} < {last})")
        if math.isfinite(session.duration) and press.t > session.duration:
            problem(("key", index, "t"), f"{where}.t",
                    f"t is after the end of the session ({press.t} > {session.duration})")
        last = max(last, press.t)
    for index, checkpoint in enumerate(recording.checkpoint):
        if (wrong := seconds(checkpoint.t)) is not None:
            problem(("checkpoint", index, "t"), f"checkpoint[{index}].t", wrong)
    return found


def load_recording(path: Path | str) -> Recording:
    """Read a recording; :class:`DeskError` with every problem if it cannot be used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DeskError([Problem(path, None, f"cannot read: {exc.strerror or exc}")]) from None
    recording, problems = loads_recording(path, raw)
    if recording is None:
        raise DeskError(problems)
    return recording


def save_recording(recording: Recording, path: Path | str, *, mode: int = 0o600) -> None:
    """Write a recording atomically (``0600`` by default: it may hold personal data)."""
    path = Path(path)
    make_directories(path.parent, mode=mode)
    write_atomic(path, dumps_recording(recording).encode("utf-8"), mode=mode)


# --- the desk's identity --------------------------------------------------------------------


def _fingerprint_paths(root: Path) -> Iterator[Path]:
    for name in FINGERPRINT_FILES:
        if (root / name).is_file():
            yield root / name
    for directory in FINGERPRINT_DIRS:
        if (root / directory).is_dir():
            yield from sorted(p for p in (root / directory).rglob("*")
                              if p.is_file() and not p.name.startswith("."))


def desk_fingerprint(root: Path) -> str:
    """A hash of what the app reads from a desk: settings, reference data, cases, handovers."""
    digest = hashlib.sha256()
    for path in _fingerprint_paths(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        data, problem = read_or_problem(path)
        content = data if data is not None else (problem.message if problem else "").encode()
        digest.update(hashlib.sha256(content).digest())
    return f"sha256:{digest.hexdigest()}"


def desk_identity(root: Path, source: str) -> DeskIdentity:
    cases = sum(1 for p in (root / "cases").rglob("*.toml") if not p.name.startswith(".")) \
        if (root / "cases").is_dir() else 0
    return DeskIdentity(source, desk_fingerprint(root), cases)


def snapshot_files(root: Path) -> dict[str, bytes]:
    """Every file of a desk but the derived and private ones, by relative path."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in IGNORED_DIRS or not path.is_file() or path.name.endswith(".tmp"):
            continue
        data, _problem = read_or_problem(path)
        if data is not None:  # a link or an oversized file is not part of the desk
            files[relative.as_posix()] = data
    return files


def produced_files(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, bytes]:
    """Files created or changed between two snapshots."""
    return {name: data for name, data in after.items() if before.get(name) != data}


# --- clock and ids ----------------------------------------------------------------------------


class KeyClock:
    """The desk's clock during a recorded session: start + whole seconds at the last key."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.offset = 0.0

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=int(self.offset))


def uid_factory(seed: int) -> Callable[[], str]:
    """Version-4 UUIDs drawn from a seeded generator: the same seed, the same UUIDs."""
    rng = random.Random(seed)

    def make() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    return make


def prepare_desk(desk_root: Path, session: SessionInfo, clock: KeyClock | None = None
                 ) -> tuple[Desk, KeyClock]:
    """Open the desk with the session's clock (``clock``, else a new one) and UUIDs."""
    from core.desk import Desk

    clock = clock or KeyClock(session.start)
    return Desk.open(desk_root, clock=clock, uid_factory=uid_factory(session.uid_seed)), clock


# --- waiting for the app ----------------------------------------------------------------------


def _pumps(app: App[Any]) -> Iterator[Any]:
    yield app
    for screen in app.screen_stack:
        yield from screen.walk_children(with_self=True)


def busy(app: App[Any]) -> bool:
    """Whether any message or callback of the app is still queued, a worker running, or a key
    held or not yet confirmed handled by the type-ahead (:mod:`tui.typeahead`)."""
    if any(not worker.is_finished for worker in app.workers):
        return True
    type_ahead = getattr(app, "type_ahead", None)
    if type_ahead is not None and (type_ahead.held or type_ahead.unsettled):
        return True
    for pump in _pumps(app):
        if pump._message_queue.qsize() or pump._next_callbacks:
            return True
        if getattr(pump, "_callbacks", None):
            return True
    return False


async def quiesce(pilot: Pilot[Any], *, timeout: float = 30.0) -> None:
    """Wait until the app has handled everything the last key caused (screens, workers).

    Polls the app's queues (cheap) until nothing is queued, then confirms with one barrier
    (Pilot's: a callback queued behind every widget's current message, which catches a handler
    still awaiting, such as a screen being mounted); repeats until a barrier finds nothing new.
    Much cheaper per key than ``Pilot.pause``, which sleeps until the process looks idle.
    """
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle after a key")
        await asyncio.sleep(0)
        running = [worker for worker in app.workers if not worker.is_finished]
        if running:
            await app.workers.wait_for_complete(running)
            continue
        if busy(app):
            continue
        screen = app.screen
        await pilot._wait_for_screen()
        await asyncio.sleep(0)
        if app.screen is screen and not busy(app):
            return


def refresh_displays(app: App[Any]) -> None:
    """Recompute every time-dependent text (clocks, time left) from the app's clock now.

    The recorder calls it when a checkpoint is taken and the replay before each screenshot, so a
    checkpoint's screen does not depend on when a one-second timer last fired.
    """
    relabel = getattr(app, "set_language", None)
    language = getattr(app, "language", None)
    if callable(relabel) and language:
        relabel(language)


async def settle(pilot: Pilot[Any]) -> None:
    """Let everything finish and the screen repaint (before a screenshot)."""
    await quiesce(pilot)
    refresh_displays(pilot.app)
    for _ in range(2):
        await pilot.pause()
        await quiesce(pilot)


def screen_text(app: App[Any]) -> str:
    """The text on the app's screen, line by line."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


# --- recording --------------------------------------------------------------------------------


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


# --- replaying ------------------------------------------------------------------------------


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
                 check_desk: bool = True, show: bool = False) -> ReplayResult:
    """Replay ``recording`` on the desk at ``desk_root`` (a scratch copy: it is written to).

    Headless at the recorded size, unless ``show``: then in this terminal, at its size.
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
                outcome["drive"] = await drive(pilot, recording, clock, real_speed=real_speed,
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
    from tui.app import run_keeping_drafts

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


# --- masking -------------------------------------------------------------------------------


def _mask_char(char: str, rng: random.Random, position: int) -> str:
    if char.isdigit():
        return char if position < 3 else str(rng.randrange(10))
    if char.isascii() and char.isalpha():
        return "X" if char.isupper() else "x"
    if char.isalpha():
        return "某"
    return char


def mask_recording(recording: Recording, fields: Iterable[str] = PERSONAL_FIELDS,
                   seed: int = 0) -> Recording:
    """The recording with text typed into ``fields`` masked (see the module docstring)."""
    fields = frozenset(fields)
    rng = random.Random(seed)
    out: list[KeyPress] = []
    run_field, position = "", 0
    for press in recording.key:
        if press.field not in fields:
            out.append(press)
            if press.key in ("tab", "enter", "up", "down", "escape"):
                run_field, position = "", 0
            continue
        if press.field != run_field:
            run_field, position = press.field, 0
        if press.paste is not None:
            masked = "".join(_mask_char(c, rng, position + i) for i, c in enumerate(press.paste))
            position += len(press.paste)
            out.append(attrs.evolve(press, paste=masked))
            continue
        char = press.character
        if char is None or len(char) != 1:
            out.append(press)
            continue
        new = _mask_char(char, rng, position)
        position += 1
        out.append(attrs.evolve(press, key=new if new != " " else "space", char=new))
    names = tuple(sorted(set(recording.session.masked) | fields))
    return Recording(attrs.evolve(recording.session, masked=names), tuple(out),
                     recording.checkpoint)


def sessions_in(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.toml"))


def describe(recording: Recording) -> str:
    s = recording.session
    return (f"{s.title or '(untitled)'}: {len(s.desk.source) and s.desk.source} desk, "
            f"{len(recording.key)} keys over {s.duration:.0f} s, "
            f"{len(recording.checkpoint)} checkpoint(s), operator {s.operator}, "
            f"{s.size[0]}x{s.size[1]} {s.language}")


__all__: Sequence[str] = [
    "CHECKPOINT_KEY", "Checkpoint", "DeskIdentity", "DeskMismatch", "KeyClock", "KeyPress",
    "Recorder", "Recording", "ReplayResult", "ScriptedOperator", "SessionInfo",
    "desk_fingerprint", "dumps_recording", "load_recording", "mask_recording", "quiesce",
    "record_scripted", "refresh_displays", "replay", "replay_sync", "run_recording",
    "save_recording", "settle",
]
