"""The supervisor's forms for decisions taken above the desk: recording a level's activation or
de-escalation (启动/降级记录) and a report-up (向上报告). Every rule is checked in :mod:`core`
(:func:`core.levels.authority.record_change`, :func:`core.levels.reportup.record_report`);
these forms only gather the fields and show the refusal."""

from __future__ import annotations

from datetime import datetime, time
from typing import ClassVar

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from core.levels import Level
from core.levels.authority import Authority, Change
from tui.i18n import _, level_name
from tui.widgets.common import Choice, PickerField, TextField, Tr
from tui.widgets.form import FormDialog, field_moves


@attrs.frozen
class ActivationForm:
    """What the activation form gathered."""

    change: Change
    level: Level
    authority: Authority
    person: str
    reference: str
    time: time


@attrs.frozen
class ReportForm:
    """What the report-up form gathered."""

    to: str
    reference: str
    time: time


def authority_name(authority: Authority) -> str:
    names = {Authority.STREET_OFFICE: _("street office"),
             Authority.COUNTY: _("county government"), Authority.CITY: _("city government")}
    return names[authority]


def _parse_time(text: str) -> time | None:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        return None


class ActivationDialog(FormDialog[ActivationForm | None]):
    """Record an activation or a de-escalation: the level, who decided (the authority and the
    person), the document or call, and when."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Record", id="activation.record"),
        Binding("escape", "cancel", "Cancel", id="activation.cancel"),
        *field_moves("activation"),
    ]
    DEFAULT_CSS = """
    ActivationDialog Tr.label { width: 16; }
    ActivationDialog #error { color: $error; }
    """

    def __init__(self, change: Change, level: Level, authority: Authority, now: datetime,
                 summary: str = "") -> None:
        super().__init__()
        self.change = change
        self.level = level
        self.authority = authority
        self.now = now
        self.summary = summary

    def fields(self) -> ComposeResult:
        title = (_("Record a level activation") if self.change is Change.ACTIVATE
                 else _("Record a de-escalation"))
        yield Static(title, classes="title")
        if self.summary:
            yield Static(self.summary)
        levels = [Choice.of(level.value, level_name(level)) for level in Level
                  if level is not Level.NONE or self.change is Change.DEESCALATE]
        authorities = [Choice.of(a.value, authority_name(a)) for a in Authority]
        yield Horizontal(Tr("Level", classes="label"),
                         PickerField("Level", lambda: levels, self.level.value, id="level"))
        yield Horizontal(Tr("Decided by", classes="label"),
                         PickerField("Decided by", lambda: authorities, self.authority.value,
                                     id="authority"))
        yield Horizontal(Tr("Person", classes="label"),
                         TextField(placeholder="name and title", id="person"))
        yield Horizontal(Tr("Document or call", classes="label"),
                         TextField(placeholder="document number, or the call", id="reference"))
        yield Horizontal(Tr("Decided at", classes="label"),
                         TextField(f"{self.now:%H:%M}", id="time"))
        yield Static(id="error")

    def on_mount(self) -> None:
        self.query_one("#level").focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        level = self.query_one("#level", PickerField).value
        authority = self.query_one("#authority", PickerField).value
        person = self.query_one("#person", Input).value.strip()
        reference = self.query_one("#reference", Input).value.strip()
        when = _parse_time(self.query_one("#time", Input).value)
        error = self.query_one("#error", Static)
        if not person or not reference:
            error.update(_("Name the person who decided and the document or call."))
            return
        if when is None:
            error.update(_("Give the time as HH:MM."))
            return
        self.dismiss(ActivationForm(self.change, Level(level or self.level.value),
                                    Authority(authority or self.authority.value), person,
                                    reference, when))


class ReportDialog(FormDialog[ReportForm | None]):
    """Record a report-up (or another report, ``title``): to whom, the reference, and when."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Record", id="reportup.record"),
        Binding("escape", "cancel", "Cancel", id="reportup.cancel"),
        *field_moves("reportup"),
    ]
    DEFAULT_CSS = """
    ReportDialog Tr.label { width: 16; }
    ReportDialog #error { color: $error; }
    """

    def __init__(self, summary: str, now: datetime, title: str | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.now = now
        self.title_text = title  # translated; None: a report-up

    def fields(self) -> ComposeResult:
        yield Static(self.title_text or _("Record a report-up"), classes="title")
        yield Static(self.summary)
        yield Horizontal(Tr("Reported to", classes="label"),
                         TextField(placeholder="e.g. the district government duty office",
                                   id="to"))
        yield Horizontal(Tr("Report reference", classes="label"),
                         TextField(placeholder="document number, or the call", id="reference"))
        yield Horizontal(Tr("Reported at", classes="label"),
                         TextField(f"{self.now:%H:%M}", id="time"))
        yield Static(id="error")

    def on_mount(self) -> None:
        self.query_one("#to").focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        to = self.query_one("#to", Input).value.strip()
        reference = self.query_one("#reference", Input).value.strip()
        when = _parse_time(self.query_one("#time", Input).value)
        error = self.query_one("#error", Static)
        if not to or not reference:
            error.update(_("Say to whom it was reported and give the reference."))
            return
        if when is None:
            error.update(_("Give the time as HH:MM."))
            return
        self.dismiss(ReportForm(to, reference, when))
