"""The dialogs of a case's actions (工单操作): the note of an action, a correction of the
case's details, and the conflict shown when another operator saved the case first.

:class:`ActionRequest` is what the operator asked for, kept until the case screen saves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from core.cases.case import Action, Case, Evaluation, Priority
from core.cases.edits import Details, Edit, plan_edit
from core.problems import InvalidField
from tui.i18n import (
    EVALUATION_NAMES,
    _,
    action_name,
    chinese,
    evaluation_name,
    field_error,
    priority_name,
    status_name,
)
from tui.text import clock_time
from tui.widgets.choices import priority_choices
from tui.widgets.common import Choice, NoteArea, PickerField, TextField, Tr
from tui.widgets.form import FormDialog, KeyHints, form_bindings

if TYPE_CHECKING:
    from tui.app import BaogongApp

KEEP = "keep"
REOPEN = "reopen"

DIALOG_TITLES = {
    Action.DISPATCH: "Dispatch to a department",
    Action.START: "Department started work",
    Action.NOTE: "Add a note",
    Action.REPLY: "Record the department's reply",
    Action.CHASE: "Chase the department",
    Action.RESOLVE: "Resolve the case",
    Action.CALL_BACK: "Call the caller back",
    Action.EVALUATE: "Record the caller's evaluation",
    Action.REOPEN: "Reopen the case",
    Action.EDIT: "Correct the case's details",
}


@attrs.frozen
class ActionRequest:
    """What the operator asked for in a dialog, kept until it is saved (or dropped).

    An edit carries the details the operator saw (``seen``) and the ones they want, so that it can
    be carried over to a newer version of the case; its ``note`` is the planned change, shown if
    saving meets a conflict.
    """

    action: Action
    note: str = ""
    department: str | None = None
    evaluation: Evaluation | None = None
    seen: Details | None = None
    wanted: Details | None = None
    reopen: bool = False  # an unsatisfied evaluation: reopen the case and chase, at once


def then_choices() -> list[Choice]:
    return [Choice.of(KEEP, _("Leave it evaluated"), chinese("Leave it evaluated")),
            Choice.of(REOPEN, _("Reopen and chase the department"),
                      chinese("Reopen and chase the department"))]


def evaluation_choices() -> list[Choice]:
    return [Choice.of(e.value, evaluation_name(e), chinese(EVALUATION_NAMES[e]))
            for e in Evaluation]


class ActionDialog(FormDialog[ActionRequest | None]):
    """The note (and department or evaluation) of one action."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("action")
    ENTER_SUBMITS = True
    DEFAULT_CSS = """
    ActionDialog > Vertical { width: 72; }
    """

    def __init__(self, action: Action, case: Case) -> None:
        super().__init__()
        self.action = action
        self.case = case

    def fields(self) -> ComposeResult:
        app: BaogongApp = self.app  # type: ignore[assignment]
        yield Static(f"{_(DIALOG_TITLES[self.action])}  {self.case.id}", classes="title")
        if self.action is Action.DISPATCH:
            yield Horizontal(Tr("Department", classes="label"),
                             PickerField("Department", app.department_choices,
                                         self.case.department or None, empty="(choose)",
                                         id="department"))
        if self.action in (Action.EVALUATE, Action.CALL_BACK):
            yield Horizontal(Tr("Evaluation", classes="label"),
                             PickerField("Evaluation", evaluation_choices, None,
                                         empty="(not given)", id="evaluation"))
        yield Horizontal(Tr("Note", classes="label"),
                         TextField(placeholder="what was said or done", id="note"))
        if self.action in (Action.EVALUATE, Action.CALL_BACK):
            # offered once the caller is unsatisfied; after the note, so typing runs on
            yield Horizontal(Tr("Then", classes="label"),
                             PickerField("Then", then_choices, KEEP, id="then"),
                             id="then-row")

    def on_mount(self) -> None:
        if self.query("#evaluation"):
            self.query_one("#evaluation", PickerField).focus()
            self.query_one("#then-row").display = False
        else:
            self.query_one("#note", Input).focus()

    @on(PickerField.Changed, "#evaluation")
    def _evaluated(self, event: PickerField.Changed) -> None:
        unsatisfied = event.value == Evaluation.UNSATISFIED.value
        self.query_one("#then-row").display = unsatisfied
        if unsatisfied:
            self.notify(_("The caller is not satisfied: choose Then to reopen the case and "
                          "chase the department in the same step"), timeout=6)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        department = evaluation = None
        if self.query("#department"):
            department = self.query_one("#department", PickerField).value
            if not department:
                self.notify(_("Choose the department"), severity="error")
                return
        if self.query("#evaluation"):
            value = self.query_one("#evaluation", PickerField).value
            evaluation = Evaluation(value) if value else None
            if self.action is Action.EVALUATE and evaluation is None:
                self.notify(_("Choose the caller's evaluation"), severity="error")
                return
        note = self.query_one("#note", Input).value.strip()
        reopen = evaluation is Evaluation.UNSATISFIED and bool(self.query("#then")) and \
            self.query_one("#then", PickerField).value == REOPEN
        self.dismiss(ActionRequest(self.action, note, department, evaluation, reopen=reopen))


def note_language(app: BaogongApp) -> str:
    """Notes written into a case file speak the desk's language, whoever is at the keyboard."""
    return "en" if app.desk.settings.locale == "en" else "zh"


def plan_for(app: BaogongApp, case: Case, wanted: Details) -> Edit | None:
    desk = app.desk
    return plan_edit(case, wanted, rules=desk.settings.sla, communities=desk.communities,
                     lang=note_language(app))


def one_line(note: str) -> str:
    """A note of several lines (an edit's changes) on one line."""
    return "; ".join(line for line in note.splitlines() if line)


#: Details field -> the dialog row whose error line reports it
EDIT_ROWS = {"name": "caller", "phone": "caller", "street": "address", "building": "address",
             "unit": "address", "room": "address", "community": "community",
             "priority": "priority", "description": "description"}
EDIT_TEXT_FIELDS = ("phone", "name", "street", "building", "unit", "room")


class EditDialog(FormDialog[ActionRequest | None]):
    """Correct a case's details, prefilled with the case as it is; errors show beside the field."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("edit")
    DEFAULT_CSS = """
    EditDialog Tr.label2 { width: auto; color: $text-muted; padding: 0 1; }
    EditDialog TextField { width: 1fr; }
    EditDialog #street { margin-right: 1; }
    EditDialog #building, EditDialog #unit { max-width: 8; margin-right: 1; }
    EditDialog #room { max-width: 8; }
    EditDialog #description-row { height: 3; }
    EditDialog #description { height: 3; }
    """

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self.seen = Details.of(case)

    def fields(self) -> ComposeResult:
        app: BaogongApp = self.app  # type: ignore[assignment]
        seen = self.seen
        yield Static(f"{_(DIALOG_TITLES[Action.EDIT])}  {self.case.id}", classes="title")
        yield Horizontal(Tr("Caller phone", classes="label"),
                         TextField(seen.phone, placeholder="phone number", id="phone"),
                         Tr("Name", classes="label2"),
                         TextField(seen.name, placeholder="name", id="name"))
        yield Static(id="caller-error", classes="error")
        yield Horizontal(Tr("Address", classes="label"),
                         TextField(seen.street, placeholder="street", id="street"),
                         TextField(seen.building, placeholder="bldg", id="building"),
                         TextField(seen.unit, placeholder="unit", id="unit"),
                         TextField(seen.room, placeholder="room", id="room"))
        yield Static(id="address-error", classes="error")
        yield Horizontal(Tr("Community", classes="label"),
                         PickerField("Community", app.community_choices,
                                     seen.community or None, empty="(choose)",
                                     id="community"))
        yield Static(id="community-error", classes="error")
        yield Horizontal(Tr("Priority", classes="label"),
                         PickerField("Priority", priority_choices, seen.priority.value,
                                     id="priority"))
        yield Static(id="priority-error", classes="error")
        yield Horizontal(Tr("Description", classes="label"),
                         NoteArea(seen.description, id="description"),
                         id="description-row")
        yield Static(id="description-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#phone", Input).focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def wanted(self) -> Details:
        """The details in the form; :class:`InvalidField` for one that cannot be."""
        seen = self.seen

        def text(name: str) -> str:
            typed = self.query_one(f"#{name}", Input).value
            before = str(getattr(seen, name))
            # surrounding blanks are tidied away, but an untouched field stays as it was
            return before if typed.strip() == before.strip() else typed.strip()

        description = self.query_one("#description", TextArea).text
        if description.strip() == seen.description.strip():
            description = seen.description
        else:
            description = description.strip()
        priority = self.query_one("#priority", PickerField).value
        return Details(**{name: text(name) for name in EDIT_TEXT_FIELDS},
                       community=self.query_one("#community", PickerField).value or "",
                       priority=Priority(priority) if priority else seen.priority,
                       description=description)

    def show_error(self, error: InvalidField) -> None:
        row = EDIT_ROWS.get(error.field, "description")
        for line in self.query(".error"):
            line.remove_class("shown")
        field = self.query(f"#{error.field}") if error.field in EDIT_ROWS else None
        widget = field.first() if field else None
        value = widget.text if isinstance(widget, TextArea) else getattr(widget, "value", "")
        message = field_error(error, str(value or ""))
        line = self.query_one(f"#{row}-error", Static)
        line.update(message)
        line.add_class("shown")
        if error.field in EDIT_ROWS:
            self.query_one(f"#{error.field}").focus()

    def action_submit(self) -> None:
        app: BaogongApp = self.app  # type: ignore[assignment]
        try:
            wanted = self.wanted()
            edit = plan_for(app, self.case, wanted)
        except InvalidField as error:
            self.show_error(error)
            return
        if edit is None:
            self.notify(_("Nothing was changed"))
            self.dismiss(None)
            return
        self.dismiss(ActionRequest(Action.EDIT, one_line(edit.note), seen=self.seen,
                                   wanted=wanted))


def describe_changes(loaded: Case, current: Case) -> list[str]:
    """What another operator changed, in words, for the conflict screen."""
    lines: list[str] = []
    if loaded.status != current.status:
        lines.append(f"{_('Status')}: {status_name(loaded.status)} -> "
                     f"{status_name(current.status)}")
    if loaded.department != current.department:
        lines.append(f"{_('Department')}: {loaded.department} -> {current.department}")
    if loaded.priority != current.priority:
        lines.append(f"{_('Priority')}: {priority_name(loaded.priority)} -> "
                     f"{priority_name(current.priority)}")
    if loaded.description != current.description:
        lines.append(f"{_('Description')}: {current.description}")
    for event in current.history[len(loaded.history):]:
        lines.append(f"{clock_time(event.time)} {event.operator}: {action_name(event.action)}"
                     + (f" - {one_line(event.note)}" if event.note else ""))
    return lines or [_("(details unchanged; the case was saved again)")]


class ConflictScreen(ModalScreen[bool | None]):
    """Someone else changed the case: show what, and let the operator choose."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose(True)", "Apply mine to the latest", id="conflict.apply"),
        Binding("d,escape", "choose(False)", "Drop mine", id="conflict.drop"),
    ]
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                background: $panel; padding: 0 1; }
    ConflictScreen .title { text-style: bold; color: $warning; }
    ConflictScreen .keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, loaded: Case, current: Case, request: ActionRequest) -> None:
        super().__init__()
        self.loaded = loaded
        self.current = current
        self.request = request

    def compose(self) -> ComposeResult:
        last = self.current.history[-1] if self.current.history else None
        who = last.operator if last else "?"
        with Vertical():
            yield Static(_("{id} was changed by {who} while you were working on it.").format(
                id=self.current.id, who=who), classes="title")
            yield Static(_("Their changes:"))
            yield Static("\n".join(f"  {line}" for line in
                                   describe_changes(self.loaded, self.current)))
            yield Static(_("Your action, not saved: {action}").format(
                action=action_name(self.request.action))
                + (f" - {self.request.note}" if self.request.note else ""))
            yield KeyHints(classes="keys")

    def action_choose(self, apply: bool) -> None:
        self.dismiss(apply)
