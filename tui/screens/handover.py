"""Shift handover (交接班) screen: the report of the shift that is ending, notes to the next
shift, and the next shift's acknowledgement (building, saving and reading: :mod:`core.handovers`).

ctrl+s saves the report, a plain text file meant for printing, to
``<desk>/handovers/<shift start YYYYMMDD-HHMM>-<operator>.txt``. The next shift sees the notes
at the top of its own handover view and acknowledges them with ctrl+a.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TextArea

from core.cases.index import CaseRow
from core.handovers import LISTED, NOTES_TITLE, Handovers, ShiftFigures, mark
from core.problems import DeskError
from core.shifts import Shift
from core.storage.atomic import LockTimeout
from tui.i18n import _, category_name, flag_marks, status_name
from tui.text import clock_time, time_left
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import DeskFooter, NoteArea, Tr

if TYPE_CHECKING:
    from tui.app import BaogongApp


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
        notes = self.query_one("#notes", TextArea)
        notes.focus()
        # Focusing scrolls the notes into view only if the screen has been laid out by then
        # (before, the notes have no size yet and nothing scrolls): the same scroll, made once
        # the report is laid out, shows the notes under a long report whichever comes first.
        self.call_after_refresh(self._show_notes, notes)

    def _show_notes(self, notes: TextArea) -> None:
        if self.focused is notes and not self.can_view_entire(notes):
            self.scroll_to_center(notes, animate=False, origin_visible=True)

    @property
    def handovers(self) -> Handovers:
        return self.desk_app.desk.handovers

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            # offered while the previous shift's handover waits for this operator's receipt
            app = self.desk_app
            return self.handovers.waiting_for(app.operator, app.clock())
        return True

    def report(self, notes: str = "") -> str:
        app = self.desk_app
        now = app.clock()
        figures = self.handovers.figures(app.reader, now, app.operator)
        out = self._figures_lines(figures)
        out += self._received_lines(self.handovers.received(now))
        out += ["", f"{_('Overdue and late call-backs')} ({_('first {n}').format(n=LISTED)}):"]
        out += [self._line(figures, r) for r in figures.overdue_listed] or [f"  {_('none')}"]
        out += ["", f"{_('Taken this shift')}:"]
        out += [self._line(figures, r) for r in figures.taken[:LISTED]] or [f"  {_('none')}"]
        out += ["", f"{_('Closed this shift')}:"]
        out += [self._line(figures, r) for r in figures.closed[:LISTED]] or [f"  {_('none')}"]
        if notes:
            out += ["", mark(NOTES_TITLE, app.language), notes.strip()]
        return "\n".join(out)

    def _figures_lines(self, figures: ShiftFigures) -> list[str]:
        app = self.desk_app
        shift = figures.shift
        out = [
            f"{_('Shift handover')}  {app.desk.settings.name}",
            f"{_('Shift')}: {shift.label(app.language)}  {clock_time(shift.start)} - "
            f"{clock_time(shift.end)}   {_('Operator')}: {figures.operator}",
            "",
            f"{_('Open cases')}: {figures.open}"
            + (f" ({_('awaiting approval')}: {figures.awaiting})" if figures.awaiting else "")
            + f"   {_('Overdue')}: {figures.overdue}   "
            f"{_('Call-backs late')}: {figures.late_callbacks}",
            f"{_('Taken this shift')}: {len(figures.taken)} "
            f"({_('by you')}: {figures.taken_by_operator})   "
            f"{_('Closed this shift')}: {len(figures.closed)}",
        ]
        if figures.ended:
            out[1] += f"   ({_('ended')})"
        return out

    @staticmethod
    def _line(figures: ShiftFigures, row: CaseRow) -> str:
        due = row.due if row.is_open else row.callback_due
        left, _late = time_left(figures.now, due)
        marks = flag_marks(row.flags)
        return (f"  {row.id}  {status_name(row.status)}  {category_name(row.category)}  "
                f"{row.name}  {left}" + (f"  {marks}" if marks else ""))

    def _received_lines(self, previous: Shift) -> list[str]:
        """What the shift before left, and who has signed for it."""
        app = self.desk_app
        out: list[str] = []
        for handover in self.handovers.of(previous):
            out += ["", f"{_('From the previous shift')} ({previous.label(app.language)}, "
                        f"{handover.author}):"]
            out += [f"  {t}" for t in handover.notes.splitlines()] or [f"  {_('none')}"]
            out += [f"  {_('Received by the next shift')}: {r}" for r in handover.receipts] or [
                f"  {_('Not yet acknowledged: ctrl+a to acknowledge')}"]
        return out

    def show(self) -> None:
        self.query_one("#report", Static).update(self.report())
        self.refresh_bindings()

    def action_save(self) -> None:
        app = self.desk_app
        now = app.clock()
        notes = self.query_one("#notes", TextArea).text
        try:
            path = self.handovers.save(self.report(notes), app.operator, now, app.language)
        except (OSError, LockTimeout, DeskError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.saved_path = path
        self.notify(_("Handover report saved for printing: {path}").format(
            path=path.relative_to(app.desk.root)), timeout=8)

    def action_acknowledge(self) -> None:
        app = self.desk_app
        now = app.clock()
        try:
            signed = self.handovers.acknowledge(app.operator, now, app.language)
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
