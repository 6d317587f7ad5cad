"""A new call (受理来电): a keyboard-only form that follows the conversation.

Phone first: a known household or earlier caller is found at once and fills in the name,
address, community and priority flags. Then category (which sets the kind), priority, flags,
community and address, the items asked for (picked from the catalogue by name, pinyin initials
or code, with a quantity), the description, and the department suggested by the desk's routing.
ctrl+s saves and shows the case id to read back to the caller. The form is kept as a draft a
moment after every change.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from core.cases import Address, Caller, Category, ItemLine, Priority
from core.index import Query
from core.model import Household, PriorityFlag
from core.phones import normalize_phone
from core.problems import DeskError
from tui.drafts import Draft, new_draft_id
from tui.i18n import (
    PRIORITY_NAMES,
    _,
    category_name,
    chinese,
    flag_name,
    kind_name,
    priority_name,
    record_name,
    status_name,
)
from tui.screens.queue import category_choices, flag_choices
from tui.text import call_clock
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

if TYPE_CHECKING:
    from tui.app import BaogongApp

DRAFT_DELAY = 0.4
TEXT_FIELDS = ("phone", "name", "street", "building", "unit", "room")


def priority_choices() -> list[Choice]:
    return [Choice.of(p.value, priority_name(p), chinese(PRIORITY_NAMES[p]))
            for p in (Priority.NORMAL, Priority.HIGH, Priority.URGENT)]


def format_quantity(quantity: float) -> str:
    return f"{quantity:g}"


class QuantityDialog(ModalScreen[float | None]):
    """How many of the item just picked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="quantity.cancel"),
    ]
    DEFAULT_CSS = """
    QuantityDialog { align: center middle; }
    QuantityDialog > Vertical { width: 40; height: auto; background: $panel; padding: 0 1; }
    """

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{self.label}: {_('quantity')}")
            yield TextField("1", id="quantity")

    def on_mount(self) -> None:
        self.query_one("#quantity", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            value = float(event.value)
        except ValueError:
            self.notify(_("Enter a number"), severity="error")
            return
        if value <= 0:
            self.notify(_("Enter a number"), severity="error")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ItemsField(Widget, can_focus=True):
    """The items asked for: enter adds one from the catalogue, delete removes the last."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space,plus", "add", "Add item", id="items.add"),
        Binding("delete,backspace,minus", "remove", "Remove item", id="items.remove"),
    ]
    DEFAULT_CSS = """
    ItemsField { height: auto; min-height: 1; width: 1fr; background: $surface; }
    ItemsField:focus { background: $accent 30%; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lines: list[tuple[str, float]] = []

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def label(self, code: str) -> str:
        item = self.desk_app.desk.catalogue.get(code)
        if item is None:
            return code
        name = record_name(item, code)
        return f"{name} {item.unit}"

    def render(self) -> Text:
        if not self.lines:
            return Text(_("(none) - enter to add"), style="dim")
        parts = [f"{self.label(code)} x{format_quantity(qty)}" for code, qty in self.lines]
        return Text("; ".join(parts))

    def choices(self) -> list[Choice]:
        return [
            Choice.of(item.code, f"{record_name(item, item.code)} {item.unit}  ({item.code})",
                      item.name, item.name_en)
            for item in self.desk_app.desk.catalogue.values()
        ]

    def action_add(self) -> None:
        def picked(code: str | None) -> None:
            if code is None:
                return

            def counted(quantity: float | None) -> None:
                if quantity is not None:
                    self.lines.append((code, quantity))
                    self.refresh(layout=True)
                    self.post_message(PickerField.Changed(self, None))  # type: ignore[arg-type]

            self.app.push_screen(QuantityDialog(self.label(code)), counted)

        self.app.push_screen(Picker("Add an item", self.choices()), picked)

    def action_remove(self) -> None:
        if self.lines:
            self.lines.pop()
            self.refresh(layout=True)
            self.post_message(PickerField.Changed(self, None))  # type: ignore[arg-type]

    def relabel(self) -> None:
        self.refresh(layout=True)


class FlagsField(PickerField):
    """Priority flags: each pick toggles one flag."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("Priority people (pick to add or remove)",
                         lambda: flag_choices(any_=False), None, **kwargs)
        self.flags: set[PriorityFlag] = set()

    def render(self) -> Text:
        names = ", ".join(flag_name(f) for f in PriorityFlag if f in self.flags)
        text = names or _("(none)")
        return Text(f"[{text}]" if self.has_focus else f" {text}")

    def set_flags(self, flags: set[PriorityFlag]) -> None:
        self.flags = set(flags)
        self.refresh()

    def action_pick(self) -> None:
        def picked(value: str | None) -> None:
            if value is not None:
                self.flags ^= {PriorityFlag(value)}
                self.refresh()
                self.post_message(self.Changed(self, value))

        self.app.push_screen(Picker(self.title_msgid, self.choices()), picked)


class IntakeScreen(Screen[None]):
    """One call being logged."""

    CSS_PATH = "intake.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save case", id="intake.save"),
        Binding("escape", "cancel", "Cancel call", id="intake.cancel"),
        Binding("down", "app.focus_next", "Next field", show=False, id="intake.next"),
        Binding("up", "app.focus_previous", "Previous field", show=False,
                id="intake.previous"),
    ]

    def __init__(self, draft: Draft | None = None) -> None:
        super().__init__()
        self.draft = draft or Draft(id=new_draft_id())
        self.restoring = draft is not None
        self.dirty = draft is not None
        self.department_touched = False
        self.household: str = ""
        self.started: datetime | None = draft.started if draft else None
        self._draft_timer: Timer | None = None

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

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
            yield row("Category", PickerField("Category", lambda: category_choices(any_=False),
                                              empty="(choose)", id="category"),
                      Tr("Priority", classes="label2"),
                      PickerField("Priority", priority_choices, Priority.NORMAL.value,
                                  id="priority"))
            yield row("Priority people", FlagsField(id="flags"))
            yield row("Community", PickerField("Community", app.community_choices,
                                               empty="(choose)", id="community"))
            yield row("Address",
                      TextField(placeholder="street", id="street"),
                      TextField(placeholder="bldg", id="building"),
                      TextField(placeholder="unit", id="unit"),
                      TextField(placeholder="room", id="room"), id="address-row")
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

    def _done_restoring(self) -> None:
        self.restoring = False

    def _tick(self) -> None:
        app = self.desk_app
        elapsed = (app.clock() - self.started).total_seconds() if self.started else 0
        self.query_one("#call-clock", Static).update(
            f"{_('Call time')} {call_clock(elapsed)}")

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
        }

    def _restore(self, fields: dict[str, Any]) -> None:
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = str(fields.get(name) or "")
        for name in ("category", "priority", "community", "department"):
            value = fields.get(name)
            self.query_one(f"#{name}", PickerField).set_value(value, notify=False)
        self.query_one(FlagsField).set_flags(
            {PriorityFlag(f) for f in fields.get("flags", []) if f in PriorityFlag})
        self.query_one(ItemsField).lines = [(str(c), float(q)) for c, q in fields.get("items", [])]
        self.query_one("#description", TextArea).text = str(fields.get("description") or "")
        self.department_touched = bool(fields.get("department_touched"))
        self.household = str(fields.get("household") or "")

    # --- changes --------------------------------------------------------------------------

    def _changed(self) -> None:
        if self.restoring:
            return
        self.dirty = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save_draft)

    def save_draft(self) -> None:
        if not self.dirty or not self.is_attached:
            return
        self.draft.fields = self.fields()
        try:
            self.desk_app.drafts.save(self.draft, self.desk_app.clock())
        except OSError as exc:
            self.notify(f"{_('Cannot save the draft')}: {exc}", severity="error")

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
        if field_id == "department":
            self.department_touched = True
        self._changed()
        if field_id == "category":
            # the caller goes on to where and what: skip priority and flags (tab back to them)
            if self._picked("community") is None:
                self.query_one("#community", PickerField).focus()
            else:
                self.query_one(ItemsField).focus()
        elif field_id in ("priority", "community", "department"):
            self.focus_next()

    # --- a known caller -------------------------------------------------------------------

    def _lookup_phone(self, phone: str) -> None:
        digits = normalize_phone(phone)
        known = self.query_one("#known", Static)
        history = self.query_one("#history", Static)
        if len(digits) < 7:
            known.update("")
            history.update("")
            return
        app = self.desk_app
        households = app.households_by_phone().get(digits, [])
        rows = app.reader.query(Query(phone=digits, limit=3))
        if households:
            self._fill_from_household(households[0], digits)
            known.update(_("Registered household"))
        elif rows:
            self._fill_if_empty("name", rows[0].name)
            if self._picked("community") is None and rows[0].community:
                self.query_one("#community", PickerField).set_value(rows[0].community,
                                                                    notify=False)
            known.update(_("Called before"))
        else:
            known.update(_("New caller"))
        lines = [self._describe_household(households[0])] if households else []
        if rows:
            lines.append(_("Earlier") + ": " + "; ".join(
                f"{r.id} {category_name(r.category)} {status_name(r.status)}" for r in rows))
        history.update("\n".join(lines))

    def _fill_if_empty(self, name: str, value: str) -> None:
        field = self.query_one(f"#{name}", Input)
        if not field.value.strip() and value:
            field.value = value

    def _fill_from_household(self, household: Household, digits: str) -> None:
        app = self.desk_app
        self.household = household.id
        caller = next((r for r in household.residents
                       if normalize_phone(r.phone) == digits), None)
        caller = caller or (household.residents[0] if household.residents else None)
        if caller is not None:
            self._fill_if_empty("name", caller.name)
        community = app.desk.communities.get(household.community)
        if self._picked("community") is None:
            self.query_one("#community", PickerField).set_value(household.community,
                                                                notify=False)
        self._fill_if_empty("street", community.street if community else "")
        self._fill_if_empty("building", household.building)
        self._fill_if_empty("unit", household.unit)
        self._fill_if_empty("room", household.room)
        flags = self.query_one(FlagsField)
        known = {PriorityFlag(str(f)) for f in household.flags}
        if known - flags.flags:
            flags.set_flags(flags.flags | known)

    def _describe_household(self, household: Household) -> str:
        app = self.desk_app
        community = record_name(app.desk.communities.get(household.community),
                                household.community)
        people = ", ".join(
            f"{r.name}" + (f"({r.age})" if r.age else "") for r in household.residents)
        known = {str(f) for f in household.flags}
        flags = ", ".join(flag_name(f) for f in PriorityFlag if f.value in known)
        text = f"{community} {people}"
        return f"{text} [{flags}]" if flags else text

    # --- duplicates -----------------------------------------------------------------------

    def _address(self) -> Address:
        return Address(self._field("street"), self._field("building"), self._field("unit"),
                       self._field("room"))

    def _check_duplicates(self) -> None:
        warning = self.query_one("#warning", Static)
        category = self._picked("category")
        if not category:
            warning.update("")
            return
        app = self.desk_app
        digits = normalize_phone(self._field("phone"))
        found: dict[str, str] = {}
        if len(digits) >= 7:
            for row in app.reader.query(Query(phone=digits, category=Category(category),
                                              open_only=True, limit=5)):
                found[row.id] = row.id
        address = self._address().render()
        if address and (self._field("building") or self._field("room")):
            for row in app.reader.query(Query(text=address, category=Category(category),
                                              open_only=True, limit=5)):
                if row.address == address:
                    found[row.id] = row.id
        if found:
            warning.update(_("Possible duplicate: open case of this category for this phone or "
                             "address: {ids}").format(ids=", ".join(found)))
        else:
            warning.update("")

    # --- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        app = self.desk_app
        category_value = self._picked("category")
        if not category_value:
            self.notify(_("Choose the category first"), severity="error")
            self.query_one("#category", PickerField).focus()
            return
        category = Category(category_value)
        items = []
        for code, quantity in self.query_one(ItemsField).lines:
            item = app.desk.catalogue.get(code)
            items.append(ItemLine(code, quantity, item.name if item else "",
                                  item.price_fen if item else None))
        try:
            caller = Caller(self._field("name"), self._field("phone"), self._address())
            case = app.desk.cases.create(
                category,
                operator=app.operator,
                caller=caller,
                community=self._picked("community") or "",
                household=self.household,
                flags=sorted(self.query_one(FlagsField).flags),
                items=tuple(items),
                description=self.query_one("#description", TextArea).text.strip(),
                department=self._picked("department") or app.desk.department_for(category),
                priority=self._picked("priority") or Priority.NORMAL.value,
            )
        except ValueError as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        except (OSError, DeskError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.dirty = False
        if self._draft_timer is not None:
            self._draft_timer.stop()
        app.drafts.discard(self.draft)
        app.pop_screen()
        from tui.screens.queue import QueueScreen

        for screen in app.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.reload(keep=case.id)
        app.after_write()
        spaced = f"{case.id[:8]} - {case.id[9:]}"
        app.push_screen(Notice(
            _("Case saved. Read the case number back to the caller:"), spaced,
            f"{kind_name(case.kind)} / {category_name(case.category)}"
            f"  {_('Due')} {case.due.strftime('%m-%d %H:%M') if case.due else ''}"))

    def action_cancel(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dirty = False
                if self._draft_timer is not None:
                    self._draft_timer.stop()
                self.desk_app.drafts.discard(self.draft)
                self.app.pop_screen()

        self.app.push_screen(Confirm(_("Discard this call? Nothing has been saved."),
                                     yes="Discard", no="Keep logging"), answer)

    def relabel(self) -> None:
        self._tick()
        self._lookup_phone(self._field("phone"))
        self._check_duplicates()
