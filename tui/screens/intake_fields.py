"""The fields of a new call that are more than a text box: the items asked for (with their
quantity), the priority people (several ticked at once) and the priority as it will be saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from core.cases.case import Priority, effective_priority
from core.reference import PriorityFlag
from tui.i18n import _, flag_name, priority_name, record_name
from tui.widgets.choices import flag_choices, priority_choices
from tui.widgets.common import Choice, Picker, PickerField, TextField
from tui.widgets.form import KeyHints

if TYPE_CHECKING:
    from tui.app import BaogongApp


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


class _NoSpaceField(TextField):
    """The flags picker's filter: space ticks a flag instead of typing (names need none)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key != "space" and super().check_consume_key(key, character)


class FlagsPicker(Picker):
    """Priority people: several at once. Type to narrow, space ticks or unticks the highlighted
    one, enter confirms the ticked ones, escape leaves them as they were. Dismissed with the
    ticked values joined by commas (``""`` for none)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Tick", priority=True, id="flags.tick"),
    ]

    def __init__(self, title: str, choices: list[Choice], ticked: set[str]) -> None:
        super().__init__(title, choices)
        self.ticked = set(ticked)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_(self.title_msgid), classes="title")
            yield _NoSpaceField(placeholder="Type a name, pinyin initials or code", id="filter")
            yield OptionList(compact=True, id="options")
            yield KeyHints(["flags.tick", ("enter", "Confirm"), "picker.cancel"],
                           classes="keys")

    def _fill(self, typed: str) -> None:
        super()._fill(typed)
        self._redraw()

    def _redraw(self) -> None:
        options = self.query_one("#options", OptionList)
        highlighted = options.highlighted
        options.set_options([
            Option(Text(("[x] " if c.value in self.ticked else "[ ] ") + c.label), id=str(i))
            for i, c in enumerate(self.shown)])
        if self.shown:
            options.highlighted = highlighted if highlighted is not None else 0

    def action_tick(self) -> None:
        options = self.query_one("#options", OptionList)
        if options.highlighted is None or not self.shown:
            return
        self.ticked ^= {self.shown[options.highlighted].value}
        self._redraw()

    @on(Input.Submitted, "#filter")
    def _confirm_typed(self, event: Input.Submitted) -> None:
        event.prevent_default()  # not the single pick of Picker's handler
        self.dismiss(",".join(sorted(self.ticked)))

    @on(OptionList.OptionSelected)
    def _confirm_selected(self, event: OptionList.OptionSelected) -> None:
        event.prevent_default()
        self.dismiss(",".join(sorted(self.ticked)))


class FlagsField(PickerField):
    """Priority flags (特殊群体): enter opens a list to tick several."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("Priority people (space to tick, enter to confirm)",
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
            if value is None:
                return
            self.flags = {PriorityFlag(v) for v in value.split(",") if v}
            self.refresh()
            self.post_message(self.Changed(self, value))

        self.app.push_screen(FlagsPicker(self.title_msgid, list(self.choices()),
                                         {f.value for f in self.flags}), picked)


class PriorityField(PickerField):
    """The priority chosen, shown as it will be saved: priority people make a normal call 紧急."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("Priority", priority_choices, Priority.NORMAL.value, **kwargs)
        self.flags: frozenset[PriorityFlag] = frozenset()

    @property
    def chosen(self) -> Priority:
        return Priority(self.value or Priority.NORMAL.value)

    @property
    def saved(self) -> Priority:
        """What the case will be saved with."""
        return effective_priority(self.chosen, self.flags)

    def render(self) -> Text:
        label = priority_name(self.saved)
        if self.saved is not self.chosen:
            label = f"{label} ({_('priority people')})"
        return Text(f"[{label}]" if self.has_focus else f" {label}")

    def set_flags(self, flags: set[PriorityFlag]) -> None:
        self.flags = frozenset(flags)
        self.refresh()
