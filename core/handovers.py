"""Shift handover (交接班): the shift that is ending, what is open and overdue, what it took
and closed, notes to the next shift, and the next shift's acknowledgement.

The shifts are the desk's (``[[shifts]]`` in desk.toml, :mod:`core.shifts`): a handover covers
the shift that is ending (the current one, or in the first hour of a shift the one just ended).
It is saved as a plain text file meant for printing, one per operator, at
``<desk>/handovers/<shift start YYYYMMDD-HHMM>-<operator>.txt``::

    <the report, as the operator's screen shows it>

    --- 给下一班的交代 ---            (or "--- Notes to the next shift ---")
    <notes>

    --- 接班确认 ---                  (or "--- Received by the next shift ---")
    <operator>  <YYYY-MM-DD HH:MM>

The next shift reads the notes and acknowledges them: each operator's receipt line is added to
every handover file of the shift before, written atomically under the handovers' lock. Either
language's marks are read (and the oldest files' ``--- notes ---``); a saved file keeps its
receipts when the report is saved again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import attrs

from core.cases.case import CaseStatus
from core.cases.index import CaseRow, Query
from core.cases.queue import Queue
from core.cases.store import LOCKS_DIR
from core.deskload import HANDOVERS_DIR as HANDOVER_DIR
from core.shifts import Shift, Shifts
from core.storage.atomic import exclusive_lock, write_atomic
from core.storage.deskfiles import make_desk_directories, read_or_problem

LOCK_NAME = "handovers.lock"  # in the desk's .locks/, beside the cases' locks
#: cases listed per part of the report (overdue, taken, closed)
LISTED = 10
NOTES_MARK = "--- {title} ---"
#: the titles of the file's parts, in the languages of the user interface
NOTES_TITLE: Mapping[str, str] = {"en": "Notes to the next shift", "zh": "给下一班的交代"}
RECEIVED_TITLE: Mapping[str, str] = {"en": "Received by the next shift", "zh": "接班确认"}
_OLD_NOTES_MARK = "--- notes ---"


def mark(title: Mapping[str, str], language: str) -> str:
    """The line that opens a part of the file, in ``language`` (English if it has none)."""
    return NOTES_MARK.format(title=title.get(language, title["en"]))


def _marks(title: Mapping[str, str]) -> set[str]:
    """The line that opens a part of the file, in either language (and the old English one)."""
    marks = {NOTES_MARK.format(title=t) for t in title.values()}
    if title is NOTES_TITLE:
        marks.add(_OLD_NOTES_MARK)
    return marks


def stamp(shift: Shift) -> str:
    return shift.start.strftime("%Y%m%d-%H%M")


def receipt_line(operator: str, when: datetime) -> str:
    return f"{operator}  {when.strftime('%Y-%m-%d %H:%M')}"


def _parts(text: str) -> dict[str, list[str]]:
    """The lines under each mark: notes, receipts."""
    titles = {"notes": _marks(NOTES_TITLE), "received": _marks(RECEIVED_TITLE)}
    parts: dict[str, list[str]] = {"notes": [], "received": []}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        found = next((part for part, marks in titles.items() if stripped in marks), None)
        if found is not None:
            current = found
        elif current is not None:
            parts[current].append(line)
    return parts


def read_handover(path: Path) -> tuple[str, list[str]]:
    """(the notes, the receipt lines) of a handover file; empty for one that cannot be read."""
    raw, _problem = read_or_problem(path)
    try:
        text = raw.decode("utf-8") if raw is not None else ""
    except UnicodeDecodeError:
        return "", []
    parts = _parts(text)
    notes = "\n".join(parts["notes"]).strip()
    return notes, [line.strip() for line in parts["received"] if line.strip()]


def _signed(receipts: Sequence[str], operator: str) -> bool:
    return any(line.split()[0] == operator for line in receipts if line.split())


def acknowledge(path: Path, operator: str, when: datetime, *, lock: Path, mode: int,
                language: str = "zh") -> bool:
    """Add ``operator``'s receipt to a handover file; False if they had already signed it.

    Under the handovers' lock, read and rewritten atomically: two operators signing at once
    both end up in the file, and a crash leaves the old file or the new, never half of one.
    A file without receipts yet gets the receipts' mark in ``language``.
    """
    with exclusive_lock(lock, mode=mode):
        raw, problem = read_or_problem(path)
        if raw is None:
            raise OSError(problem.message if problem else f"cannot read {path}")
        text = raw.decode("utf-8", errors="replace")
        _notes, receipts = read_handover(path)
        if _signed(receipts, operator):
            return False
        if not any(line.strip() in _marks(RECEIVED_TITLE) for line in text.splitlines()):
            text = text.rstrip("\n") + "\n\n" + mark(RECEIVED_TITLE, language) + "\n"
        text = text.rstrip("\n") + "\n" + receipt_line(operator, when) + "\n"
        write_atomic(path, text.encode("utf-8"), mode=mode)
    return True


@attrs.frozen
class Handover:
    """One saved handover file: the shift it covers, who wrote it, the notes and receipts."""

    path: Path
    shift: Shift
    author: str  # the operator, as the file name has it
    notes: str
    receipts: tuple[str, ...]

    def signed_by(self, operator: str) -> bool:
        return _signed(self.receipts, operator)


@attrs.frozen
class ShiftFigures:
    """What a handover reports of the shift that is ending, at ``now``."""

    shift: Shift
    now: datetime
    operator: str
    open: int
    overdue: int
    late_callbacks: int
    taken: tuple[CaseRow, ...]  # created during the shift, newest first
    closed: tuple[CaseRow, ...]  # closed and last changed during the shift, latest first
    overdue_listed: tuple[CaseRow, ...]  # the first LISTED overdue or late, newest first
    #: resolutions waiting for a supervisor's approval (待审核): open, and not closed
    awaiting: int = 0

    @property
    def taken_by_operator(self) -> int:
        return sum(1 for row in self.taken if row.created_by == self.operator)

    @property
    def ended(self) -> bool:
        return self.shift.end <= self.now


@attrs.frozen
class Handovers:
    """The handovers of a desk (``desk.handovers``): building, saving, reading, acknowledging."""

    root: Path
    shifts: Shifts
    file_mode: int

    @property
    def directory(self) -> Path:
        return self.root / HANDOVER_DIR

    def ending(self, now: datetime) -> Shift:
        """The shift a handover written at ``now`` covers: the one that is ending."""
        return self.shifts.to_hand_over(now)

    def received(self, now: datetime) -> Shift:
        """The shift whose handover the shift at ``now`` receives: the one before it."""
        return self.shifts.received_at(now)

    def figures(self, queue: Queue, now: datetime, operator: str) -> ShiftFigures:
        """The figures of the shift that is ending, from the case index."""
        shift = self.ending(now)
        return ShiftFigures(
            shift=shift, now=now, operator=operator,
            open=queue.count(Query(open_only=True)),
            overdue=queue.count(Query.past_due(now)),
            late_callbacks=queue.count(Query.late_callbacks(now)),
            taken=tuple(r for r in queue.query(Query(since=shift.start)) if r.created < shift.end),
            closed=tuple(r for r in queue.closed_since(shift.start) if r.updated < shift.end),
            overdue_listed=tuple(queue.query(Query(overdue_at=now, limit=LISTED))),
            awaiting=queue.count(Query(status=frozenset({CaseStatus.AWAITING_APPROVAL}))),
        )

    def paths(self, shift: Shift) -> list[Path]:
        """The handover files saved for ``shift`` (one per operator), oldest name first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"{stamp(shift)}-*.txt"))

    def of(self, shift: Shift) -> list[Handover]:
        """The handovers saved for ``shift``, read."""
        found = []
        for path in self.paths(shift):
            notes, receipts = read_handover(path)
            found.append(Handover(path, shift, path.stem[len(stamp(shift)) + 1:], notes,
                                  tuple(receipts)))
        return found

    def waiting_for(self, operator: str, now: datetime) -> bool:
        """Whether a handover of the shift before waits for ``operator``'s receipt."""
        return any(not h.signed_by(operator) for h in self.of(self.received(now)))

    def path_for(self, shift: Shift, operator: str) -> Path:
        safe = "".join(ch if ch.isalnum() else "_" for ch in operator)
        return self.directory / f"{stamp(shift)}-{safe}.txt"

    def lock(self) -> Path:
        """The lock every writer of a handover file holds (created on first use)."""
        directory = self.root / LOCKS_DIR
        make_desk_directories(self.root, directory, mode=self.file_mode)
        return directory / LOCK_NAME

    def save(self, report: str, operator: str, now: datetime, language: str = "zh") -> Path:
        """Save ``report`` (with its notes) as ``operator``'s handover of the shift ending at
        ``now``; saved again, the report is new but the next shift's receipts stay.

        Raises :class:`OSError`, :class:`core.storage.atomic.LockTimeout` or
        :class:`core.problems.DeskError` when it cannot be written.
        """
        path = self.path_for(self.ending(now), operator)
        make_desk_directories(self.root, self.directory, mode=self.file_mode)
        with exclusive_lock(self.lock(), mode=self.file_mode):
            _notes, receipts = read_handover(path) if path.exists() else ("", [])
            text = report + "\n"
            if receipts:
                text += "\n" + mark(RECEIVED_TITLE, language) + "\n" + "\n".join(receipts) + "\n"
            write_atomic(path, text.encode("utf-8"), mode=self.file_mode)
        return path

    def acknowledge(self, operator: str, now: datetime, language: str = "zh") -> int:
        """Sign every handover of the shift before for ``operator``; how many were signed now."""
        lock = self.lock()
        return sum(acknowledge(path, operator, now, lock=lock, mode=self.file_mode,
                               language=language)
                   for path in self.paths(self.received(now)))


__all__ = ["HANDOVER_DIR", "LISTED", "NOTES_TITLE", "RECEIVED_TITLE", "Handover", "Handovers",
           "ShiftFigures", "acknowledge", "mark", "read_handover", "receipt_line", "stamp"]
