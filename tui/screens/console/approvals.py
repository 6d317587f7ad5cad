"""The approval queue (待审核): resolutions waiting for a supervisor, the longest waiting first.

``a`` approves one (审核通过), ``s`` sends one back to the department with a reason (退回重办);
both are recorded with the supervisor's name and opinion (:mod:`core.cases.approval`). ``o``
opens a case.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core.cases.approval import Waiting, approval_queue, decide
from core.cases.case import TransitionError
from core.cases.store import ConflictError
from core.identity import NotASupervisor
from core.problems import DeskError
from core.storage.atomic import LockTimeout
from tui.i18n import _, category_name, record_name
from tui.screens.console import ComputedPage, ReasonDialog, case_state
from tui.text import duration, fit_label
from tui.widgets.common import Choice, Picker


class ApprovalScreen(ComputedPage[str, list[Waiting]]):
    CSS_PATH = "board.tcss"
    TITLE_MSGID = "Approval queue"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide(True)", "Approve", id="approvals.approve"),
        Binding("s", "decide(False)", "Send back", id="approvals.send_back"),
        Binding("o", "open_case", "Open case", id="approvals.open"),
        Binding("r", "reload", "Refresh", id="approvals.refresh"),
        Binding("escape", "back", "Back", id="approvals.back"),
    ]

    def inputs(self, now: datetime) -> str:
        return "queue"

    def files(self) -> Hashable:
        return case_state(self.desk_app.desk)

    def compute(self, inputs: str, now: datetime) -> list[Waiting]:
        return approval_queue(self.desk_app.desk)

    def draw(self, result: list[Waiting]) -> Text:
        app = self.desk_app
        now = app.clock()
        out = Text()
        out.append(fit_label(_("Case"), 15) + fit_label(_("Waiting"), 8)
                   + fit_label(_("Department"), 14) + fit_label(_("Category"), 16)
                   + _("Resolved by") + "\n", style="bold")
        for item in result:
            case = item.case
            department = record_name(app.desk.departments.get(case.department),
                                     case.department)
            waited = duration((now - item.since).total_seconds())
            out.append(fit_label(case.id, 15) + fit_label(waited, 8)
                       + fit_label(department, 14) + fit_label(category_name(case.category), 16)
                       + fit_label(item.resolution.operator, 24) + "\n")
            if item.resolution.note:
                out.append("  " + fit_label(item.resolution.note, 74).rstrip() + "\n", style="dim")
        if not result:
            out.append("  " + _("No resolution is waiting for approval.") + "\n")
        return out

    def action_reload(self) -> None:
        self.recompute(force=True)

    def _choices(self) -> list[Choice]:
        return [Choice.of(item.case.id, f"{item.case.id} {category_name(item.case.category)}")
                for item in self.outcome or ()]

    def action_decide(self, approve: bool) -> None:
        choices = self._choices()
        if not choices:
            self.notify(_("No resolution is waiting for approval."))
            return
        app = self.desk_app
        title = _("Approve a resolution") if approve else _("Send a resolution back")

        def done(answer: tuple[str | None, str] | None) -> None:
            if answer is None or answer[0] is None:
                return
            try:
                decide(app.desk, answer[0], approve=approve, supervisor=app.operator,
                       note=answer[1], time=app.clock())
            except NotASupervisor:
                self.notify(_("Supervisors only"), severity="error")
                return
            except ConflictError:
                self.notify(_("Another operator changed the case meanwhile; nothing was saved."),
                            severity="warning")
                self.recompute(force=True)
                return
            except (TransitionError, DeskError, LockTimeout, OSError) as exc:
                self.notify(f"{_('Cannot save')}: {exc}", severity="error")
                return
            self.notify(_("Approved and recorded with your name.") if approve
                        else _("Sent back and recorded with your name and reason."))
            app.after_write()
            self.recompute(force=True)

        self.app.push_screen(ReasonDialog(title, "", choices, "Case", choices[0].value), done)

    def action_open_case(self) -> None:
        choices = self._choices()
        if not choices:
            self.notify(_("No resolution is waiting for approval."))
            return

        def chosen(case_id: str | None) -> None:
            if case_id:
                self.desk_app.open_case(case_id)

        self.app.push_screen(Picker("Open case", choices), chosen)
