"""Shift handover (交接班): the shift that is ending, what is open and overdue, what it took
and closed, notes to the next shift, and the next shift's acknowledgement.

The shifts are the desk's (``[[shifts]]`` in desk.toml, :mod:`core.shifts`): the report covers
the shift that is ending (the current one, or in the first hour of a shift the one just ended).
ctrl+s writes it, a plain text file meant for printing, to
``<desk>/handovers/<shift start YYYYMMDD-HHMM>-<operator>.txt``. The next shift sees the notes
at the top of its own handover view and acknowledges them with ``a``: the operator's name and
the time are added to each handover file of that shift, written atomically under a lock.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TextArea

from core.cases.index import CaseRow, Query
from core.cases.store import LOCKS_DIR
from core.problems import DeskError
from core.shifts import Shift, shift_at, shift_before, shift_to_hand_over
from core.storage.atomic import LockTimeout, exclusive_lock, write_atomic
from core.storage.deskfiles import make_desk_directories, read_or_problem
from tui.i18n import _, category_name, chinese, flag_marks, status_name
from tui.text import clock_time, time_left
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import DeskFooter, NoteArea, Tr

if TYPE_CHECKING:
    from tui.app import BaogongApp

HANDOVER_DIR = "handovers"
LOCK_NAME = "handovers.lock"  # in the desk's .locks/, beside the cases' locks
LISTED = 10
NOTES_MARK = "--- {title} ---"
NOTES_TITLE = "Notes to the next shift"
RECEIVED_TITLE = "Received by the next shift"


def _marks(title: str) -> set[str]:
    """The line that opens a part of the file, in either language (and the old English one)."""
    marks = {NOTES_MARK.format(title=title)}
    if chinese(title):
        marks.add(NOTES_MARK.format(title=chinese(title)))
    if title == NOTES_TITLE:
        marks.add("--- notes ---")
    return marks


def stamp(shift: Shift) -> str:
    return shift.start.strftime("%Y%m%d-%H%M")


def handovers_of(root: Path, shift: Shift) -> list[Path]:
    """The handover files saved for ``shift`` (one per operator), oldest name first."""
    directory = root / HANDOVER_DIR
    if not directory.is_dir():
        return []
    return sorted(directory.glob(f"{stamp(shift)}-*.txt"))


def _parts(text: str) -> dict[str, list[str]]:
    """The lines under each mark: notes, receipts."""
    parts: dict[str, list[str]] = {NOTES_TITLE: [], RECEIVED_TITLE: []}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        found = next((t for t in parts if stripped in _marks(t)), None)
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
    notes = "\n".join(parts[NOTES_TITLE]).strip()
    return notes, [line.strip() for line in parts[RECEIVED_TITLE] if line.strip()]


def receipt_line(operator: str, when: datetime) -> str:
    return f"{operator}  {when.strftime('%Y-%m-%d %H:%M')}"


def lock_path(root: Path, mode: int) -> Path:
    """The lock every writer of a handover file holds (created on first use)."""
    directory = root / LOCKS_DIR
    make_desk_directories(root, directory, mode=mode)
    return directory / LOCK_NAME


def acknowledge(path: Path, operator: str, when: datetime, *, lock: Path, mode: int) -> bool:
    """Add ``operator``'s receipt to a handover file; False if they had already signed it.

    Under the handovers' lock, read and rewritten atomically: two operators signing at once
    both end up in the file, and a crash leaves the old file or the new, never half of one.
    """
    with exclusive_lock(lock, mode=mode):
        raw, problem = read_or_problem(path)
        if raw is None:
            raise OSError(problem.message if problem else f"cannot read {path}")
        text = raw.decode("utf-8", errors="replace")
        _notes, receipts = read_handover(path)
        if any(line.split()[0] == operator for line in receipts if line.split()):
            return False
        if not any(line.strip() in _marks(RECEIVED_TITLE) for line in text.splitlines()):
            text = text.rstrip("\n") + "\n\n" + NOTES_MARK.format(title=_(RECEIVED_TITLE)) + "\n"
        text = text.rstrip("\n") + "\n" + receipt_line(operator, when) + "\n"
        write_atomic(path, text.encode("utf-8"), mode=mode)
    return True


class HandoverScreen(Screen[None]):
    CSS_PATH = "handover.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save report", id="handover.save"),
        Binding("ctrl+a", "acknowledge", "Acknowledge", priority=True,
                id="handover.acknowledge"),
        Binding("escape", "back", "Back", id="handover.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.saved_path: Path | None = None

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DeskHeader("Shift handover")
        with VerticalScroll(id="report-scroll"):
            yield Static(id="report")
            yield Tr("Notes to the next shift", classes="section")
            yield NoteArea(id="notes")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#notes", TextArea).focus()

    def ending(self, now: datetime) -> Shift:
        """The shift this handover covers: the one that is ending."""
        settings = self.desk_app.desk.settings
        return shift_to_hand_over(settings.shifts, now, settings.zone)

    def received(self, now: datetime) -> Shift:
        """The shift whose handover this shift receives: the one before the current one."""
        settings = self.desk_app.desk.settings
        return shift_before(settings.shifts, shift_at(settings.shifts, now, settings.zone),
                            settings.zone)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            # offered while the previous shift's handover waits for this operator's receipt
            app = self.desk_app
            return any(not any(r.split()[0] == app.operator for r in read_handover(p)[1])
                       for p in handovers_of(app.desk.root, self.received(app.clock())))
        return True

    def report(self, notes: str = "") -> str:
        app = self.desk_app
        reader = app.reader
        now = app.clock()
        shift = self.ending(now)
        language = app.language
        open_count = reader.count(Query(open_only=True))
        overdue_count = reader.count(Query.past_due(now))
        late_callbacks = reader.count(Query.late_callbacks(now))
        taken = [r for r in reader.query(Query(since=shift.start)) if r.created < shift.end]
        closed = [r for r in reader.closed_since(shift.start) if r.updated < shift.end]
        overdue = reader.query(Query(overdue_at=now, limit=LISTED))
        mine = [r for r in taken if r.created_by == app.operator]

        def line(row: CaseRow) -> str:
            due = row.due if row.is_open else row.callback_due
            left, _late = time_left(now, due)
            marks = flag_marks(row.flags)
            return (f"  {row.id}  {status_name(row.status)}  {category_name(row.category)}  "
                    f"{row.name}  {left}" + (f"  {marks}" if marks else ""))

        out = [
            f"{_('Shift handover')}  {app.desk.settings.name}",
            f"{_('Shift')}: {shift.label(language)}  {clock_time(shift.start)} - "
            f"{clock_time(shift.end)}   {_('Operator')}: {app.operator}",
            "",
            f"{_('Open cases')}: {open_count}   {_('Overdue')}: {overdue_count}   "
            f"{_('Call-backs late')}: {late_callbacks}",
            f"{_('Taken this shift')}: {len(taken)} ({_('by you')}: {len(mine)})   "
            f"{_('Closed this shift')}: {len(closed)}",
        ]
        if shift.end <= now:
            out[1] += f"   ({_('ended')})"
        out += self._received_lines(self.received(now))
        out += ["", f"{_('Overdue and late call-backs')} ({_('first {n}').format(n=LISTED)}):"]
        out += [line(r) for r in overdue] or [f"  {_('none')}"]
        out += ["", f"{_('Taken this shift')}:"]
        out += [line(r) for r in taken[:LISTED]] or [f"  {_('none')}"]
        out += ["", f"{_('Closed this shift')}:"]
        out += [line(r) for r in closed[:LISTED]] or [f"  {_('none')}"]
        if notes:
            out += ["", NOTES_MARK.format(title=_("Notes to the next shift")), notes.strip()]
        return "\n".join(out)

    def _received_lines(self, previous: Shift) -> list[str]:
        """What the shift before left, and who has signed for it."""
        app = self.desk_app
        out: list[str] = []
        for path in handovers_of(app.desk.root, previous):
            notes, receipts = read_handover(path)
            who = path.stem[len(stamp(previous)) + 1:]
            out += ["", f"{_('From the previous shift')} ({previous.label(app.language)}, "
                        f"{who}):"]
            out += [f"  {t}" for t in notes.splitlines()] or [f"  {_('none')}"]
            out += [f"  {_('Received by the next shift')}: {r}" for r in receipts] or [
                f"  {_('Not yet acknowledged: ctrl+a to acknowledge')}"]
        return out

    def show(self) -> None:
        self.query_one("#report", Static).update(self.report())
        self.refresh_bindings()

    def action_save(self) -> None:
        app = self.desk_app
        now = app.clock()
        notes = self.query_one("#notes", TextArea).text
        directory = app.desk.root / HANDOVER_DIR
        safe = "".join(ch if ch.isalnum() else "_" for ch in app.operator)
        path = directory / f"{stamp(self.ending(now))}-{safe}.txt"
        try:
            make_desk_directories(app.desk.root, directory, mode=app.desk.file_mode)
            with exclusive_lock(lock_path(app.desk.root, app.desk.file_mode),
                                mode=app.desk.file_mode):
                # saved again, the report is new but the next shift's receipts stay
                _notes, receipts = read_handover(path) if path.exists() else ("", [])
                text = self.report(notes) + "\n"
                if receipts:
                    text += "\n" + NOTES_MARK.format(title=_("Received by the next shift")) + \
                        "\n" + "\n".join(receipts) + "\n"
                write_atomic(path, text.encode("utf-8"), mode=app.desk.file_mode)
        except (OSError, LockTimeout, DeskError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.saved_path = path
        self.notify(_("Handover report saved for printing: {path}").format(
            path=path.relative_to(app.desk.root)), timeout=8)

    def action_acknowledge(self) -> None:
        app = self.desk_app
        now = app.clock()
        signed = 0
        try:
            lock = lock_path(app.desk.root, app.desk.file_mode)
            for path in handovers_of(app.desk.root, self.received(now)):
                signed += acknowledge(path, app.operator, now, lock=lock,
                                      mode=app.desk.file_mode)
        except (OSError, LockTimeout, UnicodeDecodeError, DeskError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        if signed:
            self.notify(_("Handover acknowledged: {operator} {time}").format(
                operator=app.operator, time=clock_time(now)))
        self.show()

    def action_back(self) -> None:
        self.app.pop_screen()

    def relabel(self) -> None:
        self.show()
