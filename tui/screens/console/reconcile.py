"""Reconciliation (对账): run it for a period and scope, browse findings, open the record, sign
a period off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

import attrs
from rich.text import Text
from textual.binding import Binding, BindingType

from core.ledger import Ledgers, Reconciliation, Scope
from core.storage.deskfiles import FileKind, read_or_problem
from tui.i18n import _, record_name
from tui.screens.console import ConsolePage, ReasonDialog
from tui.widgets.common import Choice, Notice

EXCERPT = 6


class ReconcileScreen(ConsolePage):
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
        self.cursor = 0

    def body(self) -> Text:
        app = self.desk_app
        lang = app.language
        today = app.clock().astimezone(app.desk.settings.zone).date()
        if self.end is None:
            self.end = today
            self.start = today - timedelta(days=6)
        book = Ledgers(app.desk)
        self.result = r = book.reconcile(start=self.start, end=self.end,
                                         scope=self.scope, as_of=app.clock())
        out = Text()
        out.append(f"{_('Period')} {self.start} .. {self.end}   "
                   f"{_('Scope')}: {self.scope_label()}\n", style="bold")
        closes = book.closes()
        for close in getattr(closes, "closes", ()):
            out.append("  " + _("Signed off: {name} by {who}").format(
                name=close.name, who=close.signed_by) + "\n")
        out.append(_("{records} records, {findings} findings, {open} open items").format(
            records=r.records, findings=len(r.findings), open=len(r.open_items)) + "\n\n")
        self.cursor = min(self.cursor, max(len(r.findings) - 1, 0))
        for number, finding in enumerate(r.findings):
            mark = "> " if number == self.cursor else "  "
            style = "reverse" if number == self.cursor else ""
            out.append(f"{mark}{finding.severity.value:<7} {finding.where(app.desk.root)}\n",
                       style=style)
            out.append(f"    {finding.message(lang)}\n")
            if number == self.cursor:
                out.append(f"    {finding.action(lang)}\n")
        if not r.findings:
            out.append("  " + _("No findings: the ledgers balance.") + "\n")
        for problem in r.problems:
            out.append(problem.render(app.desk.root) + "\n", style="bold")
        return out

    def action_move(self, delta: int) -> None:
        if self.result and self.result.findings:
            self.cursor = max(0, min(len(self.result.findings) - 1, self.cursor + delta))
            self.show()

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
            self.start, self.end, self.cursor = start, end, 0
            self.show()

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
                self.cursor = 0
                self.show()

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
                Ledgers(app.desk).close(start, end, signed_by=app.operator, signed=app.clock(),
                                        note=answer[1])
            except PermissionError:
                self.notify(_("Supervisors only"), severity="error")
                return
            except (FileExistsError, OSError, ValueError) as exc:
                self.notify(f"{_('Cannot save')}: {exc}", severity="error")
                return
            self.notify(_("Period signed off with your name."))
            self.show()

        findings = len(self.result.findings) if self.result else 0
        self.app.push_screen(ReasonDialog(
            _("Sign off {start} .. {end}").format(start=start, end=end),
            _("{n} findings are open in this period.").format(n=findings)), done)
