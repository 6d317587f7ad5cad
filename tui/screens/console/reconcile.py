"""Reconciliation (对账): run it for a period and scope, browse findings, open the record, sign
a period off.

Reconciling 200,000 records takes seconds, so it runs in a worker thread, once per change of
what it reads (the ledger files' modification times and sizes, the period, the scope, the hour
its open items are aged to); moving the selection only draws the page again.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime, timedelta
from typing import ClassVar

import attrs
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from core.ledger import ClosedPeriods, Reconciliation, Scope
from core.storage.deskfiles import FileKind, read_or_problem
from tui.i18n import _, record_name
from tui.screens.console import ComputedPage, ReasonDialog
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import Choice, DeskFooter, Notice

EXCERPT = 6
#: findings drawn by one widget
CHUNK = 40

#: what a reconciliation is computed for: period, scope, hour of ``as_of``
Inputs = tuple[date | None, date | None, Scope, datetime]


class ReconcileScreen(ComputedPage[Inputs, tuple[Reconciliation, ClosedPeriods]]):
    CSS_PATH = "reconcile.tcss"
    TITLE_MSGID = "Reconciliation"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "period", "Period", id="reconcile.period"),
        Binding("c", "scope", "Scope", id="reconcile.scope"),
        Binding("j", "move(1)", "Next finding", id="reconcile.next"),
        Binding("k", "move(-1)", "Previous finding", show=False, id="reconcile.previous"),
        Binding("enter", "open", "Open record", id="reconcile.open"),
        Binding("s", "sign_off", "Sign off", id="reconcile.sign_off"),
        Binding("escape", "back", "Back", id="reconcile.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.end: date | None = None
        self.start: date | None = None
        self.scope = Scope()
        self.result: Reconciliation | None = None
        self.closes = ClosedPeriods((), ())
        self.cursor = 0

    def on_mount(self) -> None:
        app = self.desk_app
        today = app.clock().astimezone(app.desk.settings.zone).date()
        self.end, self.start = today, today - timedelta(days=6)
        super().on_mount()
        if app.poll_interval:  # other operators' batches show without a key
            self.set_interval(app.poll_interval, self.recompute)

    def inputs(self, now: datetime) -> Inputs:
        return self.start, self.end, self.scope, now.replace(minute=0, second=0, microsecond=0)

    def files(self) -> Hashable:
        return self.desk_app.desk.ledgers.fingerprint()

    def compute(self, inputs: Inputs, now: datetime) -> tuple[Reconciliation, ClosedPeriods]:
        book = self.desk_app.desk.ledgers
        start, end, scope, _hour = inputs
        return book.reconcile(start=start, end=end, scope=scope, as_of=now), book.closes()

    def took(self) -> None:
        if self.outcome is None:
            self.result = None
            return
        self.result, self.closes = self.outcome
        self.cursor = min(self.cursor, max(len(self.result.findings) - 1, 0))

    def inputs_changed(self) -> None:
        """The period or the scope changed: the result shown is not theirs; reconcile them."""
        self.result, self.cursor = None, 0
        super().inputs_changed()

    def compose(self) -> ComposeResult:
        # more than CHUNK findings are drawn in chunks between #body (the heading) and #tail, so
        # a key that moves the selection redraws two chunks, not thousands of lines
        yield DeskHeader(self.TITLE_MSGID)
        with VerticalScroll(id="body-scroll"):
            yield Static(id="body")
            yield Static(id="tail")
        yield DeskFooter()

    def chunked(self) -> bool:
        return (self.failure is None and self.result is not None
                and len(self.result.findings) > CHUNK)

    def body(self) -> Text:
        """The whole page; with more than :data:`CHUNK` findings only its heading."""
        if self.failure is not None:
            raise self.failure
        out = Text()
        out.append(f"{_('Period')} {self.start} .. {self.end}   "
                   f"{_('Scope')}: {self.scope_label()}\n", style="bold")
        r = self.result
        if r is None:
            out.append("  " + _("Reconciling the ledgers..."))
            return out
        for close in self.closes.closes:
            out.append("  " + _("Signed off: {name} by {who}").format(
                name=close.name, who=close.signed_by) + "\n")
        out.append(_("{records} records, {findings} findings, {open} open items").format(
            records=r.records, findings=len(r.findings), open=len(r.open_items)) + "\n\n")
        if self.chunked():
            out.right_crop(1)  # the first chunk starts on the next line
            return out
        self._append_findings(out, 0, len(r.findings))
        self._append_tail(out)
        return out

    def _append_findings(self, out: Text, first: int, last: int) -> None:
        """Findings ``first`` to ``last`` (excluded), the selected one with its next action."""
        app = self.desk_app
        lang = app.language
        findings = self.result.findings if self.result else ()
        for number in range(first, min(last, len(findings))):
            finding = findings[number]
            mark = "> " if number == self.cursor else "  "
            style = "reverse" if number == self.cursor else ""
            out.append(f"{mark}{finding.severity.value:<7} {finding.where(app.desk.root)}\n",
                       style=style)
            out.append(f"    {finding.message(lang)}\n")
            if number == self.cursor:
                out.append(f"    {finding.action(lang)}\n")

    def _append_tail(self, out: Text) -> None:
        """That there are no findings, and the records that could not be read."""
        r = self.result
        if r is None:
            return
        if not r.findings:
            out.append("  " + _("No findings: the ledgers balance.") + "\n")
        for problem in r.problems:
            out.append(problem.render(self.desk_app.desk.root) + "\n", style="bold")

    def chunk(self, index: int) -> Text:
        out = Text()
        self._append_findings(out, index * CHUNK, (index + 1) * CHUNK)
        out.right_crop(1)  # the next chunk starts on the next line
        return out

    def show(self) -> None:
        super().show()
        chunked = self.chunked()
        count = -(-len(self.result.findings) // CHUNK) if chunked and self.result else 0
        chunks = list(self.query(".findings").results(Static))
        for extra in chunks[count:]:
            extra.remove()
        for index, widget in enumerate(chunks[:count]):
            widget.update(self.chunk(index))
        tail = self.query_one("#tail", Static)
        if count > len(chunks):
            self.query_one("#body-scroll").mount_all(
                [Static(self.chunk(index), classes="findings")
                 for index in range(len(chunks), count)], before=tail)
        tail.display = chunked
        if chunked:
            text = Text()
            self._append_tail(text)
            tail.update(text)  # as the whole page would end: an empty line at least

    def action_move(self, delta: int) -> None:
        if not self.result or not self.result.findings:
            return
        before = self.cursor
        self.cursor = max(0, min(len(self.result.findings) - 1, self.cursor + delta))
        if not self.chunked():
            self.show()
            return
        chunks = list(self.query(".findings").results(Static))
        for index in {before // CHUNK, self.cursor // CHUNK}:
            if index < len(chunks):
                chunks[index].update(self.chunk(index))

    def action_open(self) -> None:
        if not self.result or not self.result.findings:
            return
        finding = self.result.findings[self.cursor]
        excerpt = ""
        if finding.path is not None and finding.line is not None:
            raw, problem = read_or_problem(finding.path, FileKind.LEDGER)
            if raw is None:
                excerpt = problem.message if problem else ""
            else:
                lines = raw.decode("utf-8", errors="replace").splitlines()
                first = max(finding.line - 1, 0)
                excerpt = "\n".join(f"{n:>5}  {text}" for n, text in enumerate(
                    lines[first:first + EXCERPT], start=first + 1))
        self.app.push_screen(Notice(finding.where(self.desk_app.desk.root),
                                    finding.record, excerpt))

    def action_period(self) -> None:
        def done(answer: tuple[str | None, str] | None) -> None:
            if answer is None:
                return
            try:
                first, _sep, last = answer[1].replace(" ", "").partition("..")
                start, end = date.fromisoformat(first), date.fromisoformat(last or first)
            except ValueError:
                self.notify(_("Write the period as 2026-11-16..2026-11-22"), severity="error")
                return
            self.start, self.end = start, end
            self.inputs_changed()

        self.app.push_screen(ReasonDialog(
            _("Period to reconcile"), _("Write the period as 2026-11-16..2026-11-22")), done)

    def scope_label(self) -> str:
        desk = self.desk_app.desk
        scope = self.scope
        if scope.community:
            community = desk.communities.get(scope.community)
            return f"{_('Community')} {record_name(community, scope.community)}"
        if scope.supermarket:
            supermarket = desk.supermarkets.get(scope.supermarket)
            return f"{_('Supermarket')} {record_name(supermarket, scope.supermarket)}"
        if scope.grid_worker:
            return f"{_('Grid worker')} {scope.grid_worker}"
        return _("everything")

    def scope_choices(self) -> list[Choice]:
        """Everything, each community, each supermarket and each community's grid workers."""
        desk = self.desk_app.desk
        choices = [Choice.of("", _("everything"))]
        for code, community in desk.communities.items():
            name = record_name(community, code)
            choices.append(Choice.of(f"community:{code}", f"{_('Community')} {name}",
                                     community.name, community.name_en))
        for code, supermarket in desk.supermarkets.items():
            name = record_name(supermarket, code)
            choices.append(Choice.of(f"supermarket:{code}", f"{_('Supermarket')} {name}",
                                     supermarket.name, supermarket.name_en))
        for code, community in desk.communities.items():
            for worker in community.grid_workers:
                choices.append(Choice.of(
                    f"grid_worker:{worker}",
                    f"{_('Grid worker')} {worker} ({record_name(community, code)})",
                    community.name))
        return choices

    def action_scope(self) -> None:
        scope = self.scope
        current = next((f"{kind}:{value}" for kind, value in attrs.asdict(scope).items()
                        if value), "")

        def done(answer: tuple[str | None, str] | None) -> None:
            if answer is not None:
                kind, _sep, value = (answer[0] or "").partition(":")
                self.scope = Scope(**{kind: value}) if value else Scope()
                self.inputs_changed()

        self.app.push_screen(ReasonDialog(_("Scope"), _("Why this scope (for the record)"),
                                          self.scope_choices(), "Scope", current), done)

    def action_sign_off(self) -> None:
        app = self.desk_app
        if self.start is None or self.end is None:
            return
        start, end = self.start, self.end

        def done(answer: tuple[str | None, str] | None) -> None:
            if answer is None:
                return
            try:
                app.desk.ledgers.close(start, end, signed_by=app.operator, signed=app.clock(),
                                        note=answer[1])
            except PermissionError:
                self.notify(_("Supervisors only"), severity="error")
                return
            except (FileExistsError, OSError, ValueError) as exc:
                self.notify(f"{_('Cannot save')}: {exc}", severity="error")
                return
            self.notify(_("Period signed off with your name."))
            self.recompute()

        findings = len(self.result.findings) if self.result else 0
        self.app.push_screen(ReasonDialog(
            _("Sign off {start} .. {end}").format(start=start, end=end),
            _("{n} findings are open in this period.").format(n=findings)), done)
