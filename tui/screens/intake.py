"""A new call (受理来电): a keyboard-only form that follows the conversation.

Phone first: a known household or earlier caller is found at once and fills in the name,
address, community and priority flags (from the register, else from their latest case). Then,
field after field in the order of the call (tab, enter or a choice moves on): community and
address, category (which sets the kind), priority, priority people (several, space to tick), the
items asked for (picked from the catalogue by name, pinyin initials or code, with a quantity),
the description, and the department suggested by the desk's routing. The priority shown is the
one that will be saved (priority people make a normal call 紧急) and the due time beside the flags
follows it.

When an open case of the same category has this phone or address, the warning names it:
ctrl+r adds this call to that case's history (a ``call`` event that may raise its priority,
flags and due time) instead of opening a second case, and ctrl+s asks once more before saving a
new case anyway. ctrl+s saves and shows the case id to read back to the caller. The form is kept
as a draft a moment after every change.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from core.cases.case import (
    Address,
    Caller,
    Case,
    Category,
    ItemLine,
    due_time,
)
from core.cases.duplicates import KnownCaller, RepeatCall, find_repeat_calls
from core.cases.facts import facts_field
from core.phones import InvalidPhone, check_caller_phone
from core.problems import DeskError, InvalidField
from core.reference import PriorityFlag
from core.storage.convert import converter
from tui.drafts import Draft
from tui.i18n import (
    _,
    category_name,
    field_error,
    kind_name,
    language,
)
from tui.screens.facts import (
    Facts,
    FactsDialog,
    FactsResult,
    facts_kind,
    facts_line,
    restore_facts,
)
from tui.screens.household_dialog import register_caller
from tui.screens.intake_caller import add_call, caller_history, lookup_caller, repeat_warning
from tui.screens.intake_draft import DraftedScreen
from tui.screens.intake_fields import FlagsField, ItemsField, PriorityField
from tui.text import call_clock
from tui.widgets.choices import category_choices
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import (
    Choice,
    Confirm,
    DeskFooter,
    NoteArea,
    Notice,
    Picker,
    PickerField,
    TextField,
    Tr,
)
from tui.widgets.form import live_bindings

if TYPE_CHECKING:
    pass

TEXT_FIELDS = ("phone", "name", "street", "building", "unit", "room")


def read_back(title: str, case: Case) -> Notice:
    """The case number to read back to the caller (day and number apart), and its due time."""
    due = case.due.strftime('%m-%d %H:%M') if case.due else ''
    day, _dash, number = case.id.rpartition("-")
    return Notice(title, f"{day} - {number}",
                  f"{kind_name(case.kind)} / {category_name(case.category)}  {_('Due')} {due}")


class IntakeScreen(DraftedScreen):
    """One call being logged."""

    CSS_PATH = "intake.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save case", id="intake.save"),
        Binding("ctrl+r", "join", "Add to open case", id="intake.join"),
        Binding("ctrl+t", "facts", "Facts", id="intake.facts"),
        Binding("ctrl+g", "register", "Register household", show=False, id="intake.register"),
        Binding("escape", "cancel", "Cancel call", id="intake.cancel"),
        Binding("down", "app.focus_next", "Next field", show=False, id="intake.next"),
        Binding("up", "app.focus_previous", "Previous field", show=False,
                id="intake.previous"),
    ]

    def __init__(self, draft: Draft | None = None) -> None:
        super().__init__(draft)
        self.department_touched = False
        self.household: str = ""
        self.started: datetime | None = draft.started if draft else None
        #: open cases this call may repeat, newest first
        self.repeats: list[RepeatCall] = []
        #: the operator pressed ctrl+s once over the repeat warning: the next one saves
        self.save_warned = False
        #: the call's facts (a price complaint's shop and prices...), taken down with ctrl+t
        self.facts: Facts | None = None

    def compose(self) -> ComposeResult:
        app = self.desk_app

        def row(label: str, *widgets: Widget, id: str | None = None) -> Horizontal:
            return Horizontal(Tr(label, classes="label"), *widgets, classes="row", id=id)

        yield DeskHeader("New call")
        with Horizontal(id="call-line"):
            yield Static(id="call-clock")
            yield Static(id="known")
        with VerticalScroll(id="form"):
            yield row("Caller phone", TextField(placeholder="phone number", id="phone"),
                      Tr("Name", classes="label2"), TextField(placeholder="name", id="name"))
            yield Static(id="history", classes="note")
            yield row("Community", PickerField("Community", app.community_choices,
                                               empty="(choose)", id="community"))
            yield row("Address",
                      TextField(placeholder="street", id="street"),
                      TextField(placeholder="bldg", id="building"),
                      TextField(placeholder="unit", id="unit"),
                      TextField(placeholder="room", id="room"), id="address-row")
            yield row("Category", PickerField("Category", lambda: category_choices(any_=False),
                                              empty="(choose)", id="category"),
                      Tr("Priority", classes="label2"), PriorityField(id="priority"))
            yield row("Priority people", FlagsField(id="flags"), Static(id="due"))
            yield row("Facts", Static(id="facts"), id="facts-row")
            yield row("Items", ItemsField(id="items"))
            yield row("Description", NoteArea(id="description"), id="description-row")
            yield row("Department", PickerField("Department", app.department_choices,
                                                empty="(choose)", id="department"))
            yield Static(id="warning")
        yield DeskFooter()

    def on_mount(self) -> None:
        if self.started is None:
            self.started = self.desk_app.clock()
            self.draft.started = self.started
        if self.restoring:
            self._restore(self.draft.fields)
        self.query_one("#phone", Input).focus()
        self._tick()
        self.set_interval(1, self._tick)
        self.call_after_refresh(self._done_restoring)

    def _tick(self) -> None:
        app = self.desk_app
        elapsed = (app.clock() - self.started).total_seconds() if self.started else 0
        clock = self.query_one("#call-clock", Static)
        text = f"{_('Call time')} {call_clock(elapsed)}"
        clock.update(text, layout=len(text) != len(str(clock.content)))  # no layout every second

    # --- the form as data -----------------------------------------------------------------

    def _field(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _picked(self, name: str) -> str | None:
        return self.query_one(f"#{name}", PickerField).value

    def fields(self) -> dict[str, Any]:
        return {
            **{name: self._field(name) for name in TEXT_FIELDS},
            "category": self._picked("category"),
            "priority": self._picked("priority"),
            "flags": sorted(str(f) for f in self.query_one(FlagsField).flags),
            "community": self._picked("community"),
            "items": [[code, qty] for code, qty in self.query_one(ItemsField).lines],
            "description": self.query_one("#description", TextArea).text,
            "department": self._picked("department"),
            "department_touched": self.department_touched,
            "household": self.household,
            "facts": ({"kind": facts_kind(self.facts), **converter.unstructure(self.facts)}
                      if self.facts is not None else None),
        }

    def _restore(self, fields: dict[str, Any]) -> None:
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = str(fields.get(name) or "")
        for name in ("category", "priority", "community", "department"):
            value = fields.get(name)
            self.query_one(f"#{name}", PickerField).set_value(value, notify=False)
        self._set_flags({PriorityFlag(f) for f in fields.get("flags", []) if f in PriorityFlag})
        self.query_one(ItemsField).lines = [(str(c), float(q)) for c, q in fields.get("items", [])]
        self.query_one("#description", TextArea).text = str(fields.get("description") or "")
        self.department_touched = bool(fields.get("department_touched"))
        self.household = str(fields.get("household") or "")
        self.facts = restore_facts(fields.get("facts"))
        self._show_facts()

    # --- changes --------------------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "phone":
            self._lookup_phone(event.value)
        if event.input.id in ("phone", "street", "building", "unit", "room"):
            self._check_duplicates()
        self._changed()

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.focus_next()

    @on(TextArea.Changed)
    def _text_changed(self) -> None:
        self._changed()

    @on(PickerField.Changed)
    def _picker_changed(self, event: PickerField.Changed) -> None:
        field_id = event.control.id
        if field_id == "category" and event.value:
            category = Category(event.value)
            if not self.department_touched:
                self.query_one("#department", PickerField).set_value(
                    self.desk_app.desk.department_for(category), notify=False)
            self._check_duplicates()
            self._show_facts()
            self.refresh_bindings()
        if field_id == "flags":
            self._set_flags(self.query_one(FlagsField).flags)
        if field_id == "department":
            self.department_touched = True
        self._show_due()
        self._changed()
        if field_id in ("category", "priority", "flags", "community", "department"):
            self.focus_next()  # the form's order is the call's: category, priority, flags...

    def _set_flags(self, flags: set[PriorityFlag]) -> None:
        self.query_one(FlagsField).set_flags(flags)
        self.query_one(PriorityField).set_flags(flags)
        self._show_due()

    def _show_due(self) -> None:
        """The due time the case would get if saved now (办理时限), beside the flags."""
        category = self._picked("category")
        due_line = self.query_one("#due", Static)
        if not category:
            due_line.update("")
            return
        app = self.desk_app
        priority = self.query_one(PriorityField)
        due = due_time(app.desk.settings.sla, Category(category).kind, priority.saved,
                       app.clock(), frozenset(priority.flags))
        due_line.update(f"{_('Due')} {due.strftime('%m-%d %H:%M')}")

    # --- a known caller -------------------------------------------------------------------

    def _lookup_phone(self, phone: str) -> None:
        known_line = self.query_one("#known", Static)
        history = self.query_one("#history", Static)
        known = lookup_caller(self.desk_app, phone)
        if known is None:
            new = len("".join(ch for ch in phone if ch.isdigit())) >= 7
            shown = _("New caller") if new else ""
            if str(known_line.content) != shown:
                known_line.update(shown)
            if str(history.content):
                history.update("")
            return
        self._fill_from(known)
        known_line.update(_("Registered household") if known.registered else _("Called before"))
        history.update(caller_history(self.desk_app.desk, known))

    def _fill_if_empty(self, name: str, value: str) -> None:
        field = self.query_one(f"#{name}", Input)
        if not field.value.strip() and value:
            field.value = value

    def _fill_from(self, known: KnownCaller) -> None:
        """Carry over what is known: fields already typed are kept, flags are added."""
        if known.household:
            self.household = known.household
        self._fill_if_empty("name", known.name)
        if self._picked("community") is None and known.community:
            self.query_one("#community", PickerField).set_value(known.community, notify=False)
        address = known.address
        for name, value in (("street", address.street), ("building", address.building),
                            ("unit", address.unit), ("room", address.room)):
            self._fill_if_empty(name, value)
        flags = self.query_one(FlagsField).flags
        if set(known.flags) - flags:
            self._set_flags(flags | set(known.flags))

    # --- repeat calls -----------------------------------------------------------------------

    def _address(self) -> Address:
        return Address(self._field("street"), self._field("building"), self._field("unit"),
                       self._field("room"))

    def _check_duplicates(self) -> None:
        category = self._picked("category")
        repeats = find_repeat_calls(
            self.desk_app.reader, phone=self._field("phone"), address=self._address(),
            category=Category(category)) if category else []
        if [r.row.id for r in repeats] == [r.row.id for r in self.repeats]:
            self.repeats = repeats
            return  # nothing new to say: no repaint, no footer rebuilt, on every key
        self.save_warned = False
        self.repeats = repeats
        self._show_warning()
        self.refresh_bindings()

    def _show_warning(self) -> None:
        self.query_one("#warning", Static).update(repeat_warning(self.repeats, self.save_warned))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "join":
            return bool(self.repeats)
        if action == "facts":
            return self._facts_kind() is not None
        return True

    def _facts_kind(self) -> str | None:
        category = self._picked("category")
        return facts_field(category) if category else None

    def action_facts(self) -> None:
        """Take down the call's facts: the shop and prices of a price complaint, the round and
        missing goods of a short delivery, what a relief caller asks for."""
        kind = self._facts_kind()
        if kind is None:
            return
        current = self.facts if self.facts is not None and facts_kind(self.facts) == kind \
            else None

        def chosen(result: FactsResult | None) -> None:
            if result is not None:
                self.facts = result.facts
                self._show_facts()
                self._changed()

        self.app.push_screen(FactsDialog(kind, current), chosen)

    def _show_facts(self) -> None:
        """The facts row: shown for the categories that have facts, with what was taken down."""
        kind = self._facts_kind()
        row = self.query_one("#facts-row")
        row.display = kind is not None
        if kind is None:
            return
        facts = self.facts if self.facts is not None and facts_kind(self.facts) == kind \
            else None
        key = self.app.get_key_display(live_bindings(self)["intake.facts"][1])  # as remapped
        self.query_one("#facts", Static).update(
            facts_line(facts, self.desk_app.desk) if facts is not None
            else Text(_("not taken down yet: {key} to add").format(key=key), style="dim"))

    def action_register(self) -> None:
        register_caller(self, self._lookup_phone)

    def action_join(self) -> None:
        """Add this call to the open case it repeats (再次来电) instead of a new case."""
        if not self.repeats:
            return
        if len(self.repeats) == 1:
            self._join(self.repeats[0].row.id)
            return
        choices = [Choice.of(r.row.id, f"{r.row.id}  {r.row.name} {r.row.address}")
                   for r in self.repeats]

        def picked(case_id: str | None) -> None:
            if case_id is not None:
                self._join(case_id)

        self.app.push_screen(Picker("Add this call to which case?", choices), picked)

    def _join(self, case_id: str) -> None:
        app = self.desk_app
        priority = self.query_one(PriorityField)
        note = self.query_one("#description", TextArea).text.strip()
        try:
            saved = add_call(app, case_id, note, priority.chosen, frozenset(priority.flags))
        except (OSError, KeyError, ValueError, DeskError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        if saved is None:
            self.notify(_("Cannot save") + f": {case_id}", severity="error")
            return
        self._finish(saved.id)
        app.push_screen(read_back(
            _("This call was added to the open case. Read its number back to the caller:"), saved))

    # --- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        app = self.desk_app
        category_value = self._picked("category")
        if not category_value:
            self.notify(_("Choose the category first"), severity="error")
            self.query_one("#category", PickerField).focus()
            return
        try:
            phone = check_caller_phone(self._field("phone"))
        except InvalidPhone as error:
            self.notify(f"{_('Cannot save')}: {error.explain(language())}", severity="error")
            self.query_one("#phone", Input).focus()
            return
        self._check_duplicates()
        if self.repeats and not self.save_warned:
            self.save_warned = True
            self._show_warning()
            self.notify(_("This may repeat {id}: ctrl+r adds the call to it, ctrl+s again saves "
                          "a new case.").format(id=self.repeats[0].row.id), severity="warning")
            return
        category = Category(category_value)
        items = []
        for code, quantity in self.query_one(ItemsField).lines:
            item = app.desk.catalogue.get(code)
            items.append(ItemLine(code, quantity, item.name if item else "",
                                  item.price_fen if item else None))
        try:
            caller = Caller(self._field("name"), phone, self._address())
            case = app.desk.cases.create(
                category,
                operator=app.operator,
                caller=caller,
                community=self._picked("community") or "",
                household=self.household,
                flags=sorted(self.query_one(FlagsField).flags),
                items=tuple(items),
                description=self.query_one("#description", TextArea).text.strip(),
                department=self._picked("department") or "",
                priority=self.query_one(PriorityField).chosen.value,
                facts=self.facts if self._facts_fields(category) else None,
            )
        except InvalidPhone as error:
            self.notify(f"{_('Cannot save')}: {error.explain(language())}", severity="error")
            return
        except InvalidField as exc:
            typed = self.query(f"#{exc.field}")
            widget = typed.first() if typed else None
            value = widget.text if isinstance(widget, TextArea) else getattr(widget, "value", "")
            self.notify(f"{_('Cannot save')}: {field_error(exc, str(value))}", severity="error")
            return
        except ValueError as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        except (OSError, DeskError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self._finish(case.id)
        app.push_screen(read_back(_("Case saved. Read the case number back to the caller:"),
                                  case))

    def _facts_fields(self, category: Category) -> dict[str, Facts]:
        """The facts taken down, under their case field, if they fit the category chosen."""
        kind = facts_field(category.value)
        if kind is None or self.facts is None or facts_kind(self.facts) != kind:
            return {}
        return {kind: self.facts}

    def _finish(self, case_id: str) -> None:
        """The call is on file: drop the draft, close the form, show the case in the queue."""
        app = self.desk_app
        self.drop_draft()
        app.pop_screen()
        app.show_in_queue(case_id)
        app.after_write()

    def action_cancel(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.drop_draft()
                self.app.pop_screen()

        self.app.push_screen(Confirm(_("Discard this call? Nothing has been saved."),
                                     yes="Discard", no="Keep logging"), answer)

    def relabel(self) -> None:
        self._tick()
        self._lookup_phone(self._field("phone"))
        self._check_duplicates()
        self._show_warning()
        self._show_due()
