"""Shift handover (交接班): what is open and overdue, what this shift took and closed, notes.

The shift began at the last handover saved on this desk (or 12 hours ago). ctrl+s writes the
report, a plain text file meant for printing, to ``<desk>/handovers/`` and the next shift sees
the notes at the top of its own handover view.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TextArea

from core.atomic import write_atomic
from core.deskfiles import make_desk_directories, read_or_problem
from core.index import CaseRow, Query
from core.problems import DeskError
from tui.i18n import _, category_name, flag_marks, status_name
from tui.text import clock_time, time_left
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import DeskFooter, NoteArea, Tr

if TYPE_CHECKING:
    from tui.app import BaogongApp

HANDOVER_DIR = "handovers"
DEFAULT_SHIFT = timedelta(hours=12)
LISTED = 10
NOTES_MARK = "## "


def last_handover(root: Path) -> tuple[Path | None, datetime | None]:
    directory = root / HANDOVER_DIR
    if not directory.is_dir():
        return None, None
    reports = sorted(p for p in directory.glob("*.txt") if p.name[:8].isdigit())
    if not reports:
        return None, None
    latest = reports[-1]
    try:
        when = datetime.strptime(latest.name[:13], "%Y%m%d-%H%M")
    except ValueError:
        return latest, None
    return latest, when


def previous_notes(path: Path | None) -> str:
    if path is None:
        return ""
    raw, _problem = read_or_problem(path)
    try:
        text = raw.decode("utf-8") if raw is not None else ""
    except UnicodeDecodeError:
        return ""
    marker = "\n--- notes ---\n"
    return text.split(marker, 1)[1].strip() if marker in text else ""


class HandoverScreen(Screen[None]):
    CSS_PATH = "handover.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save report", id="handover.save"),
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

    def shift_start(self, now: datetime) -> datetime:
        _path, when = last_handover(self.desk_app.desk.root)
        if when is None:
            return now - DEFAULT_SHIFT
        return when.replace(tzinfo=now.tzinfo)

    def report(self, notes: str = "") -> str:
        app = self.desk_app
        reader = app.reader
        now = app.clock()
        start = self.shift_start(now)
        path, _when = last_handover(app.desk.root)
        open_count = reader.count(Query(open_only=True))
        overdue_count = reader.count(Query.past_due(now))
        late_callbacks = reader.count(Query.late_callbacks(now))
        taken = reader.query(Query(since=start))
        closed = reader.closed_since(start)
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
            f"{_('Shift')}: {clock_time(start)} - {clock_time(now)}   "
            f"{_('Operator')}: {app.operator}",
            "",
            f"{_('Open cases')}: {open_count}   {_('Overdue')}: {overdue_count}   "
            f"{_('Call-backs late')}: {late_callbacks}",
            f"{_('Taken this shift')}: {len(taken)} ({_('by you')}: {len(mine)})   "
            f"{_('Closed this shift')}: {len(closed)}",
        ]
        earlier = previous_notes(path)
        if earlier:
            out += ["", f"{_('From the previous shift')}:", *(f"  {t}" for t in
                                                              earlier.splitlines())]
        out += ["", f"{_('Overdue and late call-backs')} ({_('first {n}').format(n=LISTED)}):"]
        out += [line(r) for r in overdue] or [f"  {_('none')}"]
        out += ["", f"{_('Taken this shift')}:"]
        out += [line(r) for r in taken[:LISTED]] or [f"  {_('none')}"]
        out += ["", f"{_('Closed this shift')}:"]
        out += [line(r) for r in closed[:LISTED]] or [f"  {_('none')}"]
        if notes:
            out += ["", "--- notes ---", notes.strip()]
        return "\n".join(out)

    def show(self) -> None:
        self.query_one("#report", Static).update(self.report())

    def action_save(self) -> None:
        app = self.desk_app
        now = app.clock()
        notes = self.query_one("#notes", TextArea).text
        directory = app.desk.root / HANDOVER_DIR
        safe = "".join(ch if ch.isalnum() else "_" for ch in app.operator)
        path = directory / f"{now.strftime('%Y%m%d-%H%M')}-{safe}.txt"
        try:
            make_desk_directories(app.desk.root, directory, mode=app.desk.file_mode)
            write_atomic(path, (self.report(notes) + "\n").encode("utf-8"),
                         mode=app.desk.file_mode)
        except (OSError, DeskError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.saved_path = path
        self.notify(_("Handover report saved for printing: {path}").format(
            path=path.relative_to(app.desk.root)), timeout=8)

    def action_back(self) -> None:
        self.app.pop_screen()

    def relabel(self) -> None:
        self.show()
