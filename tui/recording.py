"""Recorded call sessions (通话录制) and their deterministic replay.

``baogong --record FILE`` records an operator's session; ``baogong replay FILE`` plays it back
against a scratch copy of the desk and reports the files it produced; ``tests/replay`` replays
every recording in ``fixtures/sessions/`` under Textual's Pilot and compares the screens at its
checkpoints and the case files it wrote with syrupy snapshots.

This module is the recording itself (its format, limits, loading and saving); the package
:mod:`tui.replay` makes and plays recordings: :mod:`~tui.replay.session` (the desk's identity,
clock and ids), :mod:`~tui.replay.settling` (waiting for the app), :mod:`~tui.replay.recorder`,
:mod:`~tui.replay.player` and :mod:`~tui.replay.masking`.

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

import math
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from textual import events

from core.problems import DeskError, Problem
from core.storage.atomic import make_directories, write_atomic
from core.storage.convert import converter
from core.storage.tomlio import KeyPath, dumps, line_of, locate_lines, parse_toml, structure

if TYPE_CHECKING:
    pass

FORMAT_VERSION = 1
DEMO = "demo"
#: the key a recording operator presses to take a checkpoint (it never reaches the app)
CHECKPOINT_KEY = "f12"
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


def sessions_in(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.toml"))


def describe(recording: Recording) -> str:
    s = recording.session
    return (f"{s.title or '(untitled)'}: {len(s.desk.source) and s.desk.source} desk, "
            f"{len(recording.key)} keys over {s.duration:.0f} s, "
            f"{len(recording.checkpoint)} checkpoint(s), operator {s.operator}, "
            f"{s.size[0]}x{s.size[1]} {s.language}")
