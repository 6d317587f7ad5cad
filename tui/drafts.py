"""Drafts of calls being logged (草稿): a dropped connection loses nothing.

While an operator fills the intake form, its fields are written (atomically) to
``<desk>/.drafts/<operator>/<draft id>.json`` a moment after every change. Saving the case or
discarding the call deletes the draft; the next time that operator starts the app, any draft
left behind is offered back. A draft file that cannot be read is reported and left alone: it is
never written over, since every new call gets a new file name.

The writes themselves (two ``fsync``, tens of milliseconds on a busy disk) are made by one writer
thread per store, so that a key typed while a draft is being written is not kept waiting. The
writer takes the waiting writes in the order they were asked for, keeping only the latest one per
draft, so an older draft never lands over a newer one; a write asked for with :meth:`save` (the
app quitting or hanging up) and :meth:`discard` wait until it is done.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from core.problems import Problem
from core.storage.atomic import PRIVATE_FILE_MODE, write_atomic
from core.storage.deskfiles import make_desk_directories, read_or_problem

DRAFTS_DIR = ".drafts"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@attrs.define
class Draft:
    id: str
    fields: dict[str, Any] = attrs.Factory(dict)
    saved: datetime | None = None
    started: datetime | None = None


def new_draft_id() -> str:
    return uuid.uuid4().hex[:12]


@attrs.frozen
class _Write:
    """A write waiting for the writer thread: the draft's bytes, or None to delete it."""

    sequence: int
    data: bytes | None
    on_error: Callable[[Exception], None] | None = None


class DraftStore:
    def __init__(self, desk_root: Path, operator: str, *, mode: int = PRIVATE_FILE_MODE) -> None:
        safe = _SAFE.sub("_", operator) or "operator"
        self.desk_root = desk_root
        self.directory = desk_root / DRAFTS_DIR / safe
        #: the desk's file mode: on a shared desk ``.drafts/`` must stay open to every operator
        self.mode = mode
        # reentrant: a hang-up signal may save the drafts while this thread is queueing one
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        #: the latest write asked for per draft id, not yet taken by the writer
        self._waiting: dict[str, _Write] = {}
        self._sequence = 0
        #: per draft id, the sequence of the latest write done (or failed), and the failure
        self._done: dict[str, int] = {}
        self._failed: dict[str, tuple[int, Exception]] = {}
        self._writer: threading.Thread | None = None

    def path(self, draft: Draft) -> Path:
        return self.directory / f"{draft.id}.json"

    def save(self, draft: Draft, now: datetime) -> None:
        """Write ``draft`` as it is now, and wait until it is on disk (or raise why not)."""
        self._wait(draft.id, self._queue(draft.id, self._encode(draft, now)))

    def save_later(self, draft: Draft, now: datetime,
                   on_error: Callable[[Exception], None] | None = None) -> None:
        """Write ``draft`` as it is now, in the writer thread; a newer save of the same draft
        asked for before this one is written replaces it. ``on_error`` hears of a failure
        (in the writer thread)."""
        self._queue(draft.id, self._encode(draft, now), on_error)

    def discard(self, draft: Draft) -> None:
        """Delete the draft's file, and drop any write of it still waiting."""
        self._wait(draft.id, self._queue(draft.id, None))

    def flush(self) -> None:
        """Wait until every write asked for is done."""
        with self._lock:
            while self._waiting or self._writer is not None:
                self._changed.wait()

    def _encode(self, draft: Draft, now: datetime) -> bytes:
        """The draft's file as of now: a copy taken at once, whatever the form does next."""
        draft.saved = now
        data = {
            "id": draft.id,
            "saved": now.isoformat(),
            "started": draft.started.isoformat() if draft.started else None,
            "fields": draft.fields,
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    def _queue(self, draft_id: str, data: bytes | None,
               on_error: Callable[[Exception], None] | None = None) -> int:
        with self._lock:
            self._sequence += 1
            self._waiting[draft_id] = _Write(self._sequence, data, on_error)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_waiting, name="drafts",
                                                daemon=True)
                self._writer.start()
            return self._sequence

    def _wait(self, draft_id: str, sequence: int) -> None:
        """Wait until a write of ``draft_id`` at least as new as ``sequence`` is done."""
        with self._lock:
            while self._done.get(draft_id, 0) < sequence:
                self._changed.wait()
            failed = self._failed.get(draft_id)
            if failed is not None and failed[0] >= sequence:
                raise failed[1]

    def _write_waiting(self) -> None:
        """The writer thread: the waiting writes, oldest first, until there are none."""
        while True:
            with self._lock:
                if not self._waiting:
                    self._writer = None
                    self._changed.notify_all()
                    return
                draft_id, write = min(self._waiting.items(), key=lambda item: item[1].sequence)
                del self._waiting[draft_id]
            error: Exception | None = None
            try:
                self._write(draft_id, write.data)
            except Exception as exc:  # told to whoever asked; the writer goes on with the rest
                error = exc
            with self._lock:
                self._done[draft_id] = write.sequence
                if error is not None:
                    self._failed[draft_id] = (write.sequence, error)
                self._changed.notify_all()
            if error is not None and write.on_error is not None:
                with contextlib.suppress(Exception):  # the app is gone: nobody left to tell
                    write.on_error(error)

    def _write(self, draft_id: str, data: bytes | None) -> None:
        path = self.directory / f"{draft_id}.json"
        if data is None:
            path.unlink(missing_ok=True)
            return
        make_desk_directories(self.desk_root, self.directory, mode=self.mode)
        write_atomic(path, data, mode=self.mode)

    def load_all(self) -> tuple[list[Draft], list[Problem]]:
        """The readable drafts, oldest first, and a problem for each unreadable one."""
        drafts: list[Draft] = []
        problems: list[Problem] = []
        if not self.directory.is_dir():
            return drafts, problems
        for path in sorted(self.directory.glob("*.json")):
            raw, problem = read_or_problem(path)
            if raw is None:
                problems.extend([problem] if problem else [])
                continue
            try:
                data = json.loads(raw.decode("utf-8"))
                draft = Draft(
                    id=path.stem,
                    fields=dict(data["fields"]),
                    saved=datetime.fromisoformat(data["saved"]) if data.get("saved") else None,
                    started=(datetime.fromisoformat(data["started"])
                             if data.get("started") else None),
                )
            except (ValueError, KeyError, TypeError, RecursionError) as exc:
                problems.append(Problem(path, None, f"cannot read the draft: {exc}"))
                continue
            drafts.append(draft)
        drafts.sort(key=lambda d: d.saved.isoformat() if d.saved else "")
        return drafts, problems
