"""A case in full (工单详情): every field, the history, and the actions of the closed loop.

Each action is attributed to the operator and saved with compare-and-swap; if another operator
changed the case meanwhile, the conflict screen shows what changed and the operator chooses to
apply their action to the latest version or to drop it. A correction of the case's details
(caller, address, community, priority, description) is one more action: applied to the latest
version it changes only the fields the operator corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import attrs
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static, TextArea

from core.cases.case import TRANSITIONS, Action, Case, Evaluation, Priority, TransitionError
from core.cases.edits import Details, Edit, plan_edit, rebase_details
from core.cases.facts import facts_field
from core.cases.store import CaseNotFound, ConflictError
from core.problems import DeskError, InvalidField
from core.reference import PriorityFlag
from core.reports.cases import fact_names
from core.storage.atomic import LockTimeout
from tui.i18n import (
    EVALUATION_NAMES,
    _,
    action_name,
    category_name,
    chinese,
    evaluation_name,
    field_error,
    flag_name,
    kind_name,
    priority_name,
    record_name,
    status_name,
)
from tui.screens.facts import FactsDialog, FactsResult, describe_facts, facts_line, facts_of
from tui.screens.intake import priority_choices
from tui.text import clock_time, time_left
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import (
    Choice,
    DeskFooter,
    NoteArea,
    PickerField,
    TextField,
    Tr,
)

if TYPE_CHECKING:
    from tui.app import BaogongApp

KEEP = "keep"
REOPEN = "reopen"

#: binding action name -> domain action
ACTIONS: dict[str, Action] = {
    "dispatch": Action.DISPATCH,
    "start": Action.START,
    "note": Action.NOTE,
    "reply": Action.REPLY,
    "chase": Action.CHASE,
    "resolve": Action.RESOLVE,
    "call_back": Action.CALL_BACK,
    "evaluate": Action.EVALUATE,
    "reopen": Action.REOPEN,
    "edit": Action.EDIT,
}

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


class ActionDialog(ModalScreen[ActionRequest | None]):
    """The note (and department or evaluation) of one action."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="action.save"),
        Binding("escape", "cancel", "Cancel", id="action.cancel"),
        Binding("down", "app.focus_next", "Next", show=False, id="action.next"),
        Binding("up", "app.focus_previous", "Previous", show=False, id="action.previous"),
    ]
    DEFAULT_CSS = """
    ActionDialog { align: center middle; }
    ActionDialog > Vertical { width: 72; max-width: 100%; height: auto; background: $panel;
                              padding: 0 1; }
    ActionDialog .title { text-style: bold; margin-bottom: 1; }
    ActionDialog Horizontal { height: 1; }
    ActionDialog Tr.label { width: 14; color: $text-muted; }
    ActionDialog .keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, action: Action, case: Case) -> None:
        super().__init__()
        self.action = action
        self.case = case

    def compose(self) -> ComposeResult:
        app: BaogongApp = self.app  # type: ignore[assignment]
        with Vertical():
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
            yield Static(f"enter/ctrl+s {_('Save')}   esc {_('Cancel')}", classes="keys")

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

    def action_cancel(self) -> None:
        self.dismiss(None)


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


class EditDialog(ModalScreen[ActionRequest | None]):
    """Correct a case's details, prefilled with the case as it is; errors show beside the field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="edit.save"),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
        Binding("down", "app.focus_next", "Next", show=False, id="edit.next"),
        Binding("up", "app.focus_previous", "Previous", show=False, id="edit.previous"),
    ]
    DEFAULT_CSS = """
    EditDialog { align: center middle; }
    EditDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                            background: $panel; padding: 0 1; }
    EditDialog .title { text-style: bold; margin-bottom: 1; }
    EditDialog Horizontal { height: 1; }
    EditDialog Tr.label { width: 14; color: $text-muted; }
    EditDialog Tr.label2 { width: auto; color: $text-muted; padding: 0 1; }
    EditDialog TextField { width: 1fr; }
    EditDialog #street { margin-right: 1; }
    EditDialog #building, EditDialog #unit { max-width: 8; margin-right: 1; }
    EditDialog #room { max-width: 8; }
    EditDialog #description-row { height: 3; }
    EditDialog #description { height: 3; }
    EditDialog .error { display: none; color: $error; text-style: bold; padding-left: 14; }
    EditDialog .error.shown { display: block; }
    EditDialog .keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self.seen = Details.of(case)

    def compose(self) -> ComposeResult:
        app: BaogongApp = self.app  # type: ignore[assignment]
        seen = self.seen
        with Vertical():
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
            yield Static(f"ctrl+s {_('Save')}   esc {_('Cancel')}", classes="keys")

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

    def action_cancel(self) -> None:
        self.dismiss(None)


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
            yield Static(f"a {_('Apply mine to the latest')}   d {_('Drop mine')}",
                         classes="keys")

    def action_choose(self, apply: bool) -> None:
        self.dismiss(apply)


class DetailScreen(Screen[None]):
    CSS_PATH = "detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False, id="detail.back"),
        Binding("d", "act('dispatch')", "Dispatch", id="detail.dispatch"),
        Binding("t", "act('start')", "Started", id="detail.start"),
        Binding("n", "act('note')", "Note", id="detail.note"),
        Binding("r", "act('reply')", "Reply", id="detail.reply"),
        Binding("c", "act('chase')", "Chase", id="detail.chase"),
        Binding("x", "act('resolve')", "Resolve", id="detail.resolve"),
        Binding("b", "act('call_back')", "Call back", id="detail.call_back"),
        Binding("e", "act('evaluate')", "Evaluate", id="detail.evaluate"),
        Binding("o", "act('reopen')", "Reopen", id="detail.reopen"),
        Binding("m", "act('edit')", "Edit", id="detail.edit"),
        Binding("f", "facts", "Facts", id="detail.facts"),
        # the case and its history scroll: long notes are shown in full, wrapped
        Binding("pagedown", "scroll('page_down')", "More", priority=True,
                id="detail.page_down"),
        Binding("pageup", "scroll('page_up')", "Back up", show=False, id="detail.page_up"),
        Binding("j", "scroll('down')", "Line down", show=False, id="detail.line_down"),
        Binding("k", "scroll('up')", "Line up", show=False, id="detail.line_up"),
        Binding("home", "scroll('home')", "Top", show=False, id="detail.top"),
        Binding("end", "scroll('end')", "Bottom", show=False, id="detail.bottom"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.case: Case | None = None
        self.error: str = ""

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DeskHeader("Case")
        with VerticalScroll(id="detail"):
            yield Static(id="fields")
            yield Tr("History", classes="section")
            yield Static(id="timeline")
        yield Static(id="more")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()
        scroll = self.query_one("#detail", VerticalScroll)
        scroll.focus()
        self.watch(scroll, "scroll_y", self._scrolled, init=False)
        self.watch(scroll, "virtual_size", self._scrolled, init=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._scrolled)

    def _scrolled(self) -> None:
        """The line under the case says how much is below, and how to read it."""
        scroll = self.query_one("#detail", VerticalScroll)
        below = max(0, round(scroll.max_scroll_y - scroll.scroll_y))
        more = self.query_one("#more", Static)
        more.update(_("{n} more lines below: pgdn or j to read on").format(n=below)
                    if below else "")
        self.refresh_bindings()

    def action_scroll(self, how: str) -> None:
        scroll = self.query_one("#detail", VerticalScroll)
        moves = {"page_down": scroll.scroll_page_down, "page_up": scroll.scroll_page_up,
                 "down": scroll.scroll_down, "up": scroll.scroll_up,
                 "home": scroll.scroll_home, "end": scroll.scroll_end}
        moves[how](animate=False)

    def load(self) -> None:
        try:
            self.case = self.desk_app.desk.cases.get(self.case_id)
            self.error = ""
        except CaseNotFound:
            self.case, self.error = None, _("This case file no longer exists.")
        except DeskError as exc:
            self.case = None
            self.error = _("This case file cannot be read; it is listed under problems "
                           "and will not be written to.") + "\n" + "\n".join(
                p.render(self.desk_app.desk.root) for p in exc.problems)
        self.show()
        self.refresh_bindings()

    def check_for_changes(self) -> None:
        """Called when the desk changed: reload if another operator saved this case."""
        if self.case is None or self.app.screen is not self:
            return
        rows = self.desk_app.reader.rows([self.case_id])
        row = rows.get(self.case_id)
        if row is not None and row.revision != self.case.revision:
            self.load()
            self.notify(_("Updated by another operator"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll" and parameters == ("page_down",):
            # shown in the footer only while there is more to read
            scrolls = self.query("#detail")
            return bool(scrolls) and scrolls.first().max_scroll_y > 0
        if action == "facts":
            return self.case is not None and facts_field(self.case.category.value) is not None
        if action != "act":
            return True
        if self.case is None:
            return False
        # False hides the key: the footer shows only what the case's status allows
        allowed, _target = TRANSITIONS[ACTIONS[str(parameters[0])]]
        return self.case.status in allowed

    # --- showing --------------------------------------------------------------------------

    def show(self) -> None:
        fields = self.query_one("#fields", Static)
        timeline = self.query_one("#timeline", Static)
        case = self.case
        if case is None:
            fields.update(Text(self.error, style="bold red"))
            timeline.update("")
            return
        app = self.desk_app
        desk = app.desk
        now = app.clock()
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")  # Chinese has no spaces to wrap at: fold anywhere
        left, overdue = time_left(now, case.due)
        due = f"{clock_time(case.due)}  ({left})" if case.due else ""
        if not case.is_open:
            due = clock_time(case.due) if case.due else ""
        rows: list[tuple[str, str | Text]] = [
            (_("Case"), Text(f"{case.id}   {status_name(case.status)}", style="bold")),
            (_("Category"), f"{kind_name(case.kind)} / {category_name(case.category)}"),
            (_("Priority"), priority_name(case.priority)),
            (_("Caller"), f"{case.caller.name}  {case.caller.phone}"),
            (_("Address"), f"{record_name(desk.communities.get(case.community), case.community)}"
                           f"  {case.caller.address.render()}"),
        ]
        if case.flags:
            rows.append((_("Priority people"), Text(", ".join(
                flag_name(f) for f in PriorityFlag if f in case.flags), style="bold yellow")))
        if case.items:
            rows.append((_("Items"), "; ".join(
                f"{record_name(desk.catalogue.get(i.code), i.name or i.code)} x{i.quantity:g}"
                for i in case.items)))
        kind = facts_field(case.category.value)
        facts = facts_of(case, kind) if kind else None
        if facts is not None:
            rows.append((_("Facts"), facts_line(facts, self.desk_app.desk)))
        elif kind:
            rows.append((_("Facts"), Text(_("not taken down yet: f to add"), style="dim")))
        rows += [
            (_("Description"), case.description),
            (_("Department"), record_name(desk.departments.get(case.department),
                                          case.department)),
            (_("Accepted"), f"{clock_time(case.created)}  {case.created_by}"),
            (_("Due"), Text(due, style="bold red" if overdue and case.is_open else "")),
        ]
        if case.callback_due:
            left, late = time_left(now, case.callback_due)
            text = f"{clock_time(case.callback_due)}  ({left})" if case.status.value == \
                "resolved" else clock_time(case.callback_due)
            rows.append((_("Call back by"), Text(text, style="bold red" if late and
                                                 case.status.value == "resolved" else "")))
        if case.evaluation:
            rows.append((_("Evaluation"), evaluation_name(case.evaluation)))
        for label, value in rows:
            grid.add_row(label, value)
        fields.update(grid)
        history = Table.grid(padding=(0, 1))
        history.add_column(no_wrap=True, style="dim")
        history.add_column(no_wrap=True)
        history.add_column(overflow="fold")  # a note in full, wrapped
        for event in case.history:
            what = action_name(event.action)
            if event.department:
                department = record_name(desk.departments.get(event.department),
                                         event.department)
                what += f" -> {department}"
            if event.evaluation:
                what += f": {evaluation_name(event.evaluation)}"
            history.add_row(clock_time(event.time), event.operator,
                            what + (f"  {event.note}" if event.note else ""))
        timeline.update(history)
        self.call_after_refresh(self._scrolled)

    # --- acting ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_act(self, name: str) -> None:
        if self.case is None:
            return
        action = ACTIONS[name]
        loaded = self.case

        def chosen(request: ActionRequest | None) -> None:
            if request is not None:
                self.perform(loaded, request)

        dialog = EditDialog(loaded) if action is Action.EDIT else ActionDialog(action, loaded)
        self.app.push_screen(dialog, chosen)

    def perform(self, loaded: Case, request: ActionRequest) -> None:
        app = self.desk_app
        store = app.desk.cases
        try:
            if request.action is Action.EDIT:
                edited = self._edit(loaded, request)
                if edited is None:
                    return
                case = edited
            else:
                case = store.act(loaded, request.action, operator=app.operator,
                                 note=request.note, department=request.department,
                                 evaluation=(request.evaluation
                                             if request.action is Action.EVALUATE else None))
            if request.action is Action.CALL_BACK and request.evaluation is not None:
                case = store.act(case, Action.EVALUATE, operator=app.operator,
                                 evaluation=request.evaluation)
        except ConflictError as conflict:
            self._conflict(loaded, conflict.current, request)
            return
        except TransitionError as exc:
            self.notify(f"{_('Not possible now')}: {exc}", severity="error")
            return
        except (DeskError, LockTimeout, OSError, ValueError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.case = case
        self.show()
        self.refresh_bindings()
        self.notify(_("Saved: {action}").format(action=action_name(request.action)))
        app.after_write()
        if request.reopen and case.evaluation is Evaluation.UNSATISFIED:
            self.reopen_and_chase(case, request.note)

    def reopen_and_chase(self, evaluated: Case, said: str) -> None:
        app = self.desk_app
        store = app.desk.cases
        english = note_language(app) == "en"
        reopen_note = said or ("The caller is not satisfied" if english else "来电人不满意")
        chase_note = ("Chased: the caller is not satisfied" if english
                      else "来电人不满意，催办承办单位")
        def reopen_and_chase() -> Case:
            case = store.act(evaluated, Action.REOPEN, operator=app.operator, note=reopen_note)
            chased: Case = store.act(case, Action.CHASE, operator=app.operator, note=chase_note)
            return chased

        self._save(reopen_and_chase, done=_("Reopened and chased"),
                   lost=_("Another operator changed the case meanwhile; nothing was reopened. "
                          "Showing the latest version."))

    def _save(self, save: Callable[[], Case], *, done: str, lost: str) -> None:
        """Run ``save`` and show the case it returns; after a conflict, the latest version
        with ``lost`` (nothing of ``save`` was kept), after any other failure the reason."""
        try:
            case = save()
        except ConflictError as conflict:
            self.case = conflict.current
            self.show()
            self.refresh_bindings()
            self.notify(lost, severity="warning")
            return
        except (TransitionError, DeskError, LockTimeout, OSError, ValueError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.case = case
        self.show()
        self.refresh_bindings()
        self.notify(done)
        self.desk_app.after_write()

    def action_facts(self) -> None:
        """Add or correct the case's facts (a price complaint's shop and prices...)."""
        loaded = self.case
        kind = facts_field(loaded.category.value) if loaded is not None else None
        if loaded is None or kind is None:
            return

        def chosen(result: FactsResult | None) -> None:
            if result is not None:
                self.save_facts(loaded, result)

        self.app.push_screen(FactsDialog(kind, facts_of(loaded, kind)), chosen)

    def save_facts(self, loaded: Case, result: FactsResult) -> None:
        """An ``edit`` event with the facts before and after, saved with compare-and-swap."""
        app = self.desk_app
        if getattr(loaded, result.kind) == result.facts:
            self.notify(_("Nothing was changed"))
            return
        lang = note_language(app)
        old = facts_of(loaded, result.kind)
        names = fact_names(app.desk, lang)
        before = describe_facts(old, lang, names) if old is not None else ""
        after = describe_facts(result.facts, lang, names) if result.facts is not None else ""
        name = "诉求要素" if lang == "zh" else "facts"
        empty = "（无）" if lang == "zh" else "(none)"
        note = f"{name} {before or empty} -> {after or empty}"

        def save() -> Case:
            saved: Case = app.desk.cases.act(loaded, Action.EDIT, operator=app.operator,
                                             note=note, changes={result.kind: result.facts})
            return saved

        self._save(save, done=_("Saved: {action}").format(action=_("Facts")),
                   lost=_("Another operator changed the case meanwhile; nothing was saved. "
                          "Showing the latest version."))

    def _edit(self, loaded: Case, request: ActionRequest) -> Case | None:
        """Save the corrections of an edit request on ``loaded``; None if there are none left."""
        app = self.desk_app
        if request.seen is None or request.wanted is None:
            raise ValueError("an edit needs the details seen and wanted")
        # only what the operator corrected: a newer version keeps everyone else's changes
        wanted = rebase_details(request.seen, request.wanted, Details.of(loaded))
        edit = plan_for(app, loaded, wanted)
        if edit is None:
            self.case = loaded
            self.show()
            self.refresh_bindings()
            self.notify(_("The case already has these details; nothing was saved."))
            return None
        case: Case = app.desk.cases.act(loaded, Action.EDIT, operator=app.operator,
                                        note=edit.note, changes=edit.changes)
        return case

    def _conflict(self, loaded: Case, current: Case, request: ActionRequest) -> None:
        def chosen(apply: bool | None) -> None:
            self.case = current
            self.show()
            self.refresh_bindings()
            if apply:
                self.perform(current, request)
            else:
                self.notify(_("Your action was dropped; showing the latest version."))

        self.app.push_screen(ConflictScreen(loaded, current, request), chosen)

    def relabel(self) -> None:
        self.show()
