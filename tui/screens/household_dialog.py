"""Registering a caller's household (登记住户) from the call, or correcting a registered one
(更正住户) from the case screen: one form, checked by the register import's rules.

The residents are typed one a line in the register's own columns, ``name, phone, age, priority
groups`` (groups separated by 、), so the household's size is its number of lines. ctrl+s saves
through :func:`core.registers.save_household` (lock, atomic write, attributed record); a bad value
is shown under the form with its column, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static, TextArea

from core.names import FLAG_NAMES
from core.reference import Household, PriorityFlag
from core.registers import (
    HouseholdChangedMeanwhile,
    HouseholdForm,
    HouseholdRejected,
    HouseholdSaved,
    ResidentLine,
    save_household,
)
from tui.i18n import _
from tui.widgets.common import NoteArea, PickerField, TextField, Tr
from tui.widgets.form import FormDialog, form_bindings

if TYPE_CHECKING:
    from tui.app import BaogongApp
    from tui.screens.detail import DetailScreen
    from tui.screens.intake import IntakeScreen

_CELLS = re.compile(r"\s*[,，]\s*")


def resident_lines(text: str) -> tuple[ResidentLine, ...]:
    """The residents typed one a line: ``name, phone, age, groups``; blank lines are skipped."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = [*_CELLS.split(line.strip(), maxsplit=3), "", "", ""]
        lines.append(ResidentLine(cells[0], cells[1], cells[2], cells[3]))
    return tuple(lines)


def flags_text(flags: frozenset[PriorityFlag] | set[PriorityFlag]) -> str:
    return "、".join(FLAG_NAMES[f].zh for f in PriorityFlag if f in flags)


def line_text(line: ResidentLine) -> str:
    return ", ".join((line.name, line.phone, line.age, line.flags)).rstrip(", ")


def household_form(household: Household) -> HouseholdForm:
    """A registered household as the form shows it."""
    return HouseholdForm(
        household.community, household.building, household.unit, household.room,
        household.phone, tuple(ResidentLine(r.name, r.phone, "" if r.age is None else str(r.age),
                                            flags_text(r.flags))
                               for r in household.residents))


class HouseholdDialog(FormDialog[HouseholdSaved | None]):
    """The household form: prefilled from the call, or with the household as it is."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("household")
    DEFAULT_CSS = """
    HouseholdDialog TextField { width: 1fr; margin-right: 1; }
    HouseholdDialog #residents-row { height: 4; }
    HouseholdDialog #residents { height: 4; }
    HouseholdDialog .hint { color: $text-muted; padding-left: 14; }
    """

    def __init__(self, form: HouseholdForm, *, via: str,
                 correcting: Household | None = None) -> None:
        super().__init__()
        self.form = form
        self.via = via
        self.correcting = correcting

    def fields(self) -> ComposeResult:
        app: BaogongApp = self.app  # type: ignore[assignment]
        form = self.form
        title = (_("Correct household {id}").format(id=self.correcting.id)
                 if self.correcting else _("Register the caller's household"))
        yield Static(title, classes="title")
        yield Horizontal(Tr("Community", classes="label"),
                         PickerField("Community", app.community_choices,
                                     form.community or None, empty="(choose)", id="community"))
        yield Horizontal(Tr("Address", classes="label"),
                         TextField(form.building, placeholder="bldg", id="building"),
                         TextField(form.unit, placeholder="unit", id="unit"),
                         TextField(form.room, placeholder="room", id="room"))
        yield Horizontal(Tr("Household phone", classes="label"),
                         TextField(form.phone, placeholder="phone number", id="phone"))
        yield Horizontal(Tr("Residents", classes="label"),
                         NoteArea("\n".join(line_text(r) for r in form.residents),
                                  id="residents"), id="residents-row")
        yield Tr("One a line: name, phone, age, priority groups (、)", classes="hint")
        yield Static(id="household-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#community", PickerField).focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def typed(self) -> HouseholdForm:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        return HouseholdForm(
            self.query_one("#community", PickerField).value or "", text("building"),
            text("unit"), text("room"), text("phone"),
            resident_lines(self.query_one("#residents", TextArea).text))

    def show_error(self, message: str) -> None:
        line = self.query_one("#household-error", Static)
        line.update(message)
        line.add_class("shown")

    def action_submit(self) -> None:
        app: BaogongApp = self.app  # type: ignore[assignment]
        try:
            saved = save_household(app.desk, self.typed(), via=self.via, operator=app.operator,
                                   correcting=self.correcting)
        except HouseholdRejected as exc:
            first = exc.rejected[0]
            where = f"{_('Resident')} {first.row}, " if first.row and first.row > 1 else ""
            more = (" " + _("({n} more)").format(n=len(exc.rejected) - 1)
                    if len(exc.rejected) > 1 else "")
            self.show_error(f"{where}{first.column}: {first.message}{more}")
            return
        except HouseholdChangedMeanwhile:
            self.show_error(_("Someone changed this household meanwhile: nothing was saved. "
                              "Close the form and open it again."))
            return
        app.desk.refresh()
        app.households_changed()
        self.dismiss(saved)


def register_caller(intake: IntakeScreen, found: Callable[[str], None]) -> None:
    """From the call: the household form prefilled with the caller and the address typed so far,
    or, for a caller found in the register, the household as it is to correct; once saved, the
    call is the household's (``found`` looks the phone up again)."""
    from tui.screens.intake_fields import FlagsField

    app: BaogongApp = intake.app  # type: ignore[assignment]
    registered = app.desk.households.get(intake.household) if intake.household else None

    def field(name: str) -> str:
        return intake.query_one(f"#{name}", Input).value.strip()

    phone = field("phone")
    caller = ResidentLine(field("name"), phone, "", flags_text(intake.query_one(FlagsField).flags))
    form = HouseholdForm(intake.query_one("#community", PickerField).value or "",
                         field("building"), field("unit"), field("room"), phone, (caller,))

    def saved(result: HouseholdSaved | None) -> None:
        if result is None:
            return
        intake.household = result.household.id
        intake.query_one("#known", Static).update(_("Registered household"))
        done = _("Household {id} corrected") if registered else _("Household {id} registered")
        intake.notify(done.format(id=result.household.id))
        if phone:
            found(phone)

    if registered is not None:
        app.push_screen(HouseholdDialog(household_form(registered), via="intake",
                                        correcting=registered), saved)
    else:
        app.push_screen(HouseholdDialog(form, via="intake"), saved)


def correct_household(screen: DetailScreen) -> None:
    """From the case screen: the form with the case's registered household as it is now."""
    app: BaogongApp = screen.app  # type: ignore[assignment]
    case = screen.case
    household = app.desk.households.get(case.household) if case and case.household else None
    if household is None:
        screen.notify(_("This caller's household is not registered: register it from a new "
                        "call (ctrl+g)"))
        return

    def saved(result: HouseholdSaved | None) -> None:
        if result is None:
            return
        if result.changed:
            screen.notify(_("Household {id} corrected").format(id=result.household.id))
        else:
            screen.notify(_("Nothing was changed"))
        screen.load()

    app.push_screen(HouseholdDialog(household_form(household), via="case",
                                    correcting=household), saved)
