"""The daily medical-supplies allocation (防疫物资调配): sheets, proposal, approval, report."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core.allocation import Proposal, approve, day_report, propose
from core.levels import NotASupervisor
from core.medicalclock import SendRefused, record_report_sent, report_due
from core.reports.table import Table, render_table
from core.storage.atomic import make_directories
from tui.i18n import _
from tui.screens.console import ComputedPage, ReasonDialog
from tui.screens.console.decisions import ReportDialog, ReportForm
from tui.xlsx import write_xlsx

EXPORTS_DIR = "exports"


class AllocationScreen(ComputedPage[date, tuple[Proposal, Table]]):
    CSS_PATH = "allocation.tcss"
    TITLE_MSGID = "Medical supplies allocation"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", "Approve", id="allocation.approve"),
        Binding("x", "export", "Export 17:30 report", id="allocation.export"),
        Binding("s", "sent", "Report sent", id="allocation.sent"),
        Binding("escape", "back", "Back", id="allocation.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exported: list[Path] = []

    @property
    def proposal(self) -> Proposal | None:
        return self.outcome[0] if self.outcome else None

    def inputs(self, now: datetime) -> date:
        """The day whose requests are allocated."""
        return now.astimezone(self.desk_app.desk.settings.zone).date()

    def compute(self, inputs: date, now: datetime) -> tuple[Proposal, Table]:
        desk = self.desk_app.desk
        return propose(desk, inputs), day_report(desk, inputs, now=now)

    def draw(self, result: tuple[Proposal, Table]) -> Text:
        lang = self.desk_app.language
        p, table = result
        day = p.day
        out = Text()
        out.append(_("Requests collected until 11:00 on {day}").format(day=f"{day:%Y-%m-%d}")
                   + "\n", style="bold")
        for sheet in (*p.sheets, *p.waiting, *p.unsigned):
            lines = ", ".join(f"{line.item} {line.quantity}" for line in sheet.request.lines)
            state = (_("late: tomorrow") if sheet.late else "") if sheet.signed \
                else _("unsigned: returned")
            out.append(f"  {sheet.id}  {sheet.request.time:%H:%M}  {sheet.request.unit}  "
                       f"{_('signed by')} {sheet.request.head or '-'}  {lines}  {state}"
                       .rstrip() + "\n")
        if not (p.sheets or p.waiting or p.unsigned):
            out.append("  " + _("No requests waiting.") + "\n")
        out.append("\n" + _("Proposal and reasoning") + "\n", style="bold")
        for reason in p.reasons:
            out.append(f"{reason.get(lang)}\n")
        out.append("\n" + _("Proposed issues") + "\n", style="bold")
        for issue in p.issues:
            out.append(f"  {issue.request}  {issue.unit}  {issue.item} {issue.quantity}  "
                       f"{_('from')} {issue.store}\n")
        if not p.issues:
            out.append("  " + _("none") + "\n")
        out.append("\n")
        out.append(render_table(table, lang))
        return out

    def action_approve(self) -> None:
        app = self.desk_app
        proposal = self.proposal
        if proposal is None or not proposal.sheets:
            self.notify(_("Nothing to approve."))
            return

        def done(answer: tuple[str | None, str] | None) -> None:
            if answer is None:
                return
            try:
                written = approve(app.desk, proposal, supervisor=app.operator,
                                  reason=answer[1], when=app.clock())
            except NotASupervisor:
                self.notify(_("Supervisors only"), severity="error")
                return
            except (ValueError, OSError) as exc:
                self.notify(f"{_('Cannot save')}: {exc}", severity="error")
                return
            self.notify(_("Approved: {n} ledger records written.").format(n=len(written)))
            self.recompute()

        summary = _("{sheets} sheets, {issues} issues").format(
            sheets=len(proposal.sheets), issues=len(proposal.issues))
        self.app.push_screen(ReasonDialog(_("Approve the allocation"), summary), done)

    def action_sent(self) -> None:
        """Record that today's 17:30 report was sent: to whom, the reference, when."""
        app = self.desk_app
        now = app.clock()
        day = now.astimezone(app.desk.settings.zone).date()

        def done(form: ReportForm | None) -> None:
            if form is None:
                return
            when = datetime.combine(day, form.time, now.tzinfo)
            try:
                record_report_sent(app.desk, day, to=form.to, reference=form.reference,
                                   at=when, supervisor=app.operator, now=now)
            except NotASupervisor:
                self.notify(_("Supervisors only"), severity="error")
                return
            except (SendRefused, OSError) as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(_("Report recorded as sent, with your name."))
            self.recompute()

        summary = _("Medical supplies report of {day}, due by {due}").format(
            day=f"{day:%Y-%m-%d}", due=f"{report_due(app.desk, day):%H:%M}")
        self.app.push_screen(ReportDialog(summary, now, _("Record the report sent")), done)

    def action_export(self) -> None:
        app = self.desk_app
        day = app.clock().astimezone(app.desk.settings.zone).date()
        table = day_report(app.desk, day)
        path = app.desk.root / EXPORTS_DIR / f"medical-{day:%Y%m%d}.xlsx"
        try:
            make_directories(path.parent, mode=app.desk.file_mode)
            write_xlsx([table], path, lang=app.language, mode=app.desk.file_mode)
        except OSError as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.exported.append(path)
        self.notify(_("Saved {path}").format(path=path.relative_to(app.desk.root)))
