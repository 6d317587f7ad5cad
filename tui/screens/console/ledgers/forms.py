"""The entry form of one kind of ledger record (台账录入表单).

Saving checks what was typed exactly as the ledger does (:func:`core.ledger.entry.check_draft`
builds the record), shows each complaint under its field, and writes the record through
:meth:`core.ledger.Ledgers.append`: one new batch file, atomic, under the ledger lock, attributed
to the operator, refused when dated in a signed-off period. Nothing is written while anything
is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input as TextInput
from textual.widgets import Static, TextArea

from core import ledger as L
from core.identity import NotTheOperator
from core.ledger.entry import EntryError, FieldError, check_draft
from tui.i18n import _
from tui.screens.console.ledgers.kinds import (
    EntryKind,
    Field,
    Input,
    convert,
    invoice,
    name_of,
    receipt_lines_for,
)
from tui.widgets.common import NoteArea, PickerField, TextField, Tr
from tui.widgets.form import FormDialog, form_bindings

if TYPE_CHECKING:
    from tui.app import BaogongApp


#: the ledger's complaints (core speaks English) -> what the form says, in the UI's language
ENTRY_MESSAGES = {
    r"must be more than zero, got (?P<value>-?\d+)": "Must be more than zero, got {value}",
    r"must not be negative, got (?P<value>-?\d+)": "Must not be negative, got {value}",
    r"must not be zero": "Must not be zero",
    r"must not be empty": "Must not be empty",
    r"(?P<value>'.*') is not a valid code .*": "{value} is not a code (lower-case letters, "
                                               "digits, '-' and '_')",
    r"(?P<value>'.*') is not an amount in yuan.*": "{value} is not an amount in yuan, e.g. "
                                                   "32.50",
    r"give an amount in yuan.*": "Give an amount in yuan, e.g. 32.50",
    r"give a whole number": "Give a whole number",
    r"(?P<value>'.*') is not a whole number": "{value} is not a whole number",
    r"no item (?P<value>'.*') in the catalogue": "No item {value} in the catalogue",
    r"a donation must name its donor": "A donation must name its donor",
    r"only a donation is designated for a unit or use": "Only a donation is designated for a "
                                                        "unit or use",
    r"(?P<value>'.*') is not a reason \(.*\)": "{value} is not a reason (short, damaged, "
                                               "substituted, refused)",
}
_PATTERNS = [(re.compile(pattern), msgid) for pattern, msgid in ENTRY_MESSAGES.items()]


def said(error: FieldError) -> str:
    """``error`` as the form shows it: in the UI's language where the message is known."""
    message = error.message
    for pattern, msgid in _PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            message = _(msgid).format(**found.groupdict())
            break
    return _("line {n}: {message}").format(n=error.line, message=message) if error.line \
        else message


@attrs.frozen
class Saved:
    """A record the form wrote, and what was typed (the page remembers the sticky fields)."""

    record: L.Record
    typed: Mapping[str, str]


class EntryForm(FormDialog[Saved | None]):
    """A form for one :class:`~tui.screens.console.ledgers.kinds.EntryKind`."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("ledger_form")
    DEFAULT_CSS = """
    EntryForm Horizontal.tall { height: 4; }
    EntryForm NoteArea { height: 4; width: 1fr; }
    """

    def __init__(self, kind: EntryKind, values: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.values = dict(values or {})

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def fields(self) -> ComposeResult:
        yield Static(_("New {kind}").format(kind=name_of(self.kind.record)), classes="title")
        for field in self.kind.fields:
            yield Horizontal(Tr(field.label, classes="label"), self._input(field),
                             classes="tall" if field.input is Input.LINES else "")
            yield Static(id=f"error-{field.name}", classes="error")
        yield Static(id="error-", classes="error")

    def _input(self, field: Field) -> Widget:
        value = self.values.get(field.name, "")
        if field.input is Input.CHOICE and field.choices is not None and not (
                field.typed_if_none and not field.choices(self.desk_app)):
            choices, app = field.choices, self.desk_app
            return PickerField(field.label, lambda: choices(app), value or None,
                               empty="(choose)", id=f"field-{field.name}")
        if field.input is Input.LINES:
            return NoteArea(value, id=f"field-{field.name}")
        return TextField(value, placeholder=field.placeholder, id=f"field-{field.name}")

    def on_mount(self) -> None:
        first = next((f for f in self.kind.fields if not self.values.get(f.name)),
                     self.kind.fields[0])
        self.query_one(f"#field-{first.name}").focus()

    @on(TextInput.Submitted)
    def _next_field(self) -> None:
        self.app.action_focus_next()

    @on(PickerField.Changed, "#field-invoice")
    def _invoice_chosen(self, event: PickerField.Changed) -> None:
        lines = self.query("#field-lines")
        found = invoice(self.desk_app, event.value) if event.value else None
        if found is not None and lines:
            area = lines.first(TextArea)
            area.text = receipt_lines_for(found)

    def typed(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for field in self.kind.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, PickerField):
                found[field.name] = widget.value or ""
            elif isinstance(widget, TextArea):
                found[field.name] = widget.text
            elif isinstance(widget, TextInput):
                found[field.name] = widget.value
        return found

    def show_errors(self, errors: list[FieldError]) -> None:
        messages: dict[str, list[str]] = {}
        names = {f.name for f in self.kind.fields}
        for error in errors:
            where = error.field if error.field in names else ""
            text = said(error) if where or not error.field else f"{error.field}: {said(error)}"
            messages.setdefault(where, []).append(text)
        for static in self.query(".error").results(Static):
            name = (static.id or "").removeprefix("error-")
            shown = messages.get(name)
            static.update("\n".join(shown) if shown else "")
            static.set_class(bool(shown), "shown")
        wrong = next((f.name for f in self.kind.fields if f.name in messages), None)
        if wrong is not None:
            self.query_one(f"#field-{wrong}").focus()

    def action_submit(self) -> None:
        app = self.desk_app
        typed = self.typed()
        values, errors = convert(self.kind, typed)
        fields: dict[str, Any] = {}
        if not errors:
            try:
                fields = {**values, **self.kind.derive(app, values)}
            except EntryError as exc:
                errors = list(exc.errors)
        if errors:
            self.show_errors(errors)
            return
        # an empty optional field takes the record's default; an empty required one is refused
        # by the record's own validator, under its field
        defaults = {f.name: f.default is not attrs.NOTHING for f in attrs.fields(self.kind.record)}
        fields = {k: v for k, v in fields.items()
                  if k in defaults and not (v == "" and defaults[k])}
        draft = L.draft(self.kind.record, time=app.clock(), **fields)
        errors = check_draft(draft, operator=app.operator)
        if errors:
            self.show_errors(errors)
            return
        try:
            [record] = app.desk.ledgers.append([draft], operator=app.operator,
                                                    recorded=app.clock())
        except (L.PeriodClosedError, NotTheOperator, ValueError, OSError) as exc:
            self.show_errors([FieldError("", f"{_('Not saved')}: {exc}")])
            return
        self.dismiss(Saved(record, typed))
