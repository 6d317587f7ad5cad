"""The facts of a price complaint, a short delivery or a relief request (诉求要素), in a dialog.

The intake opens it for a new case of those categories, the case screen to add or correct the
facts of an existing one; what it returns is validated by :mod:`core.cases.facts`, so a bad amount
or an incomplete record is shown under its field and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from core.cases.case import Case
from core.cases.facts import (
    DeliveryShortfall,
    PriceReport,
    ReliefRequest,
    describe,
    fact_names,
    format_missing,
    format_yuan,
    parse_missing,
    parse_yuan,
)
from core.desk import Desk
from core.problems import InvalidField
from core.storage.convert import converter
from tui.i18n import _, language, record_name
from tui.widgets.common import Choice, PickerField, TextField, Tr
from tui.widgets.form import FormDialog, field_moves

if TYPE_CHECKING:
    from tui.app import BaogongApp

Facts = PriceReport | DeliveryShortfall | ReliefRequest

FACTS_TITLES = {
    "price": "Price complaint: shop, goods and prices",
    "shortfall": "Short delivery: round, missing goods, amount paid",
    "relief": "Relief request: what was asked",
}
#: the fields of each kind of facts, in the order of the form
FIELDS: dict[str, tuple[str, ...]] = {
    "price": ("supermarket", "shop", "item", "price_fen", "usual_price_fen"),
    "shortfall": ("round", "order", "missing", "paid_fen"),
    "relief": ("kit", "cash", "persons"),
}
FACT_LABELS = {
    "supermarket": "Supermarket", "shop": "Other shop", "item": "Goods",
    "price_fen": "Price now", "usual_price_fen": "Price before",
    "round": "Round", "order": "Order", "missing": "Missing", "paid_fen": "Amount paid",
    "kit": "Relief kit", "cash": "Cash relief", "persons": "Persons",
}
FACT_PLACEHOLDERS = {
    "shop": "shop name", "item": "catalogue code or name", "price_fen": "yuan, e.g. 32.50",
    "usual_price_fen": "yuan, e.g. 16.00", "round": "e.g. r1125", "order": "e.g. r1125-0042",
    "missing": "goods×count, separated by 、", "paid_fen": "yuan, e.g. 88.80",
    "persons": "for cash relief",
}
#: the messages of core.cases.facts, for the catalogue
FACT_MESSAGES = {
    "name the supermarket or the shop complained about":
        "Name the supermarket or the shop complained about",
    "name the delivery round or the order": "Name the delivery round or the order",
    "say what was asked: the relief kit, cash relief or both":
        "Say what was asked: the relief kit, cash relief or both",
    "cash relief is per person: how many in the household":
        "Cash relief is per person: how many in the household?",
    "must not be negative": "Must not be negative",
}
def yes_no_choices() -> list[Choice]:
    return [Choice.of("yes", _("Yes"), "是"), Choice.of("no", _("No"), "否")]


def facts_kind(facts: Facts) -> str:
    """The case field that holds ``facts``: ``price``, ``shortfall`` or ``relief``."""
    if isinstance(facts, PriceReport):
        return "price"
    return "shortfall" if isinstance(facts, DeliveryShortfall) else "relief"


def restore_facts(saved: object) -> Facts | None:
    """Facts kept in a draft as ``{"kind": ..., **fields}``; None for anything unusable (a
    draft is a convenience: what cannot be read back is taken down again)."""
    if not isinstance(saved, dict):
        return None
    fields = {k: v for k, v in saved.items() if k != "kind"}
    kinds: dict[object, type[Facts]] = {"price": PriceReport, "shortfall": DeliveryShortfall,
                                        "relief": ReliefRequest}
    cls = kinds.get(saved.get("kind"))
    if cls is None:
        return None
    try:
        return converter.structure(fields, cls)
    except Exception:  # cattrs raises groups of validator errors: the draft is just dropped
        return None


def facts_of(case: Case, kind: str) -> Facts | None:
    value = getattr(case, kind)
    return value if isinstance(value, PriceReport | DeliveryShortfall | ReliefRequest) else None


def describe_facts(facts: Facts, lang: str, names: Mapping[str, str] | None = None) -> str:
    """The facts on one line in ``lang`` ("zh" or "en"), codes shown by ``names``."""
    return describe(
        facts if isinstance(facts, PriceReport) else None,
        facts if isinstance(facts, DeliveryShortfall) else None,
        facts if isinstance(facts, ReliefRequest) else None,
        lang,
        names,
    )


def facts_line(facts: Facts, desk: Desk) -> str:
    """The facts on one line in the current language, with the desk's names for codes."""
    lang = "zh" if language() == "zh" else "en"
    return describe_facts(facts, lang, fact_names(desk, lang))


@attrs.frozen
class FactsResult:
    """What the dialog decided: the facts of ``kind``, or None to clear them."""

    kind: str
    facts: Facts | None


class FactsDialog(FormDialog[FactsResult | None]):
    """Enter or correct one kind of facts; ``ctrl+s`` keeps them, ``ctrl+d`` clears them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="facts.save"),
        # priority: a text field would take ctrl+d as "delete right" (the delete key still is)
        Binding("ctrl+d", "clear", "Clear", priority=True, id="facts.clear"),
        Binding("escape", "cancel", "Cancel", id="facts.cancel"),
        *field_moves("facts"),
    ]
    DEFAULT_CSS = """
    FactsDialog TextField, FactsDialog PickerField { width: 1fr; }
    """

    def __init__(self, kind: str, current: Facts | None) -> None:
        super().__init__()
        if kind not in FIELDS:
            raise ValueError(f"no facts of kind {kind!r}")
        self.kind = kind
        self.current = current

    def _initial(self, name: str) -> str:
        current = self.current
        if current is None:
            return "no" if name in ("kit", "cash") else ""
        value = getattr(current, name)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if name.endswith("_fen"):
            return format_yuan(value)
        if name == "missing":
            return format_missing(value)
        if name == "persons":
            return str(value) if value else ""
        return str(value)

    def supermarket_choices(self) -> list[Choice]:
        app: BaogongApp = self.app  # type: ignore[assignment]
        return [Choice.of("", _("(none)")),
                *(Choice.of(s.code, record_name(s, s.code), s.name, s.name_en)
                  for s in app.desk.supermarkets.values())]

    def fields(self) -> ComposeResult:
        yield Tr(FACTS_TITLES[self.kind], classes="title")
        for name in FIELDS[self.kind]:
            initial = self._initial(name)
            label = FACT_LABELS[name]
            if name == "supermarket":
                field: PickerField | TextField = PickerField(
                    "Supermarket", self.supermarket_choices, initial, empty="(none)", id=name)
            elif name in ("kit", "cash"):
                field = PickerField(label, yes_no_choices, initial, id=name)
            else:
                field = TextField(initial, placeholder=FACT_PLACEHOLDERS[name], id=name)
            yield Horizontal(Tr(label, classes="label"), field)
            yield Static(id=f"{name}-error", classes="error")

    def on_mount(self) -> None:
        first = FIELDS[self.kind][0]
        self.query_one(f"#{first}").focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def _text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _picked(self, name: str) -> str:
        return self.query_one(f"#{name}", PickerField).value or ""

    def facts(self) -> Facts:
        """The facts in the form; :class:`InvalidField` for a field that cannot be."""
        if self.kind == "price":
            return PriceReport(
                supermarket=self._picked("supermarket"), shop=self._text("shop"),
                item=self._item(self._text("item")),
                price_fen=parse_yuan(self._text("price_fen"), "price_fen"),
                usual_price_fen=parse_yuan(self._text("usual_price_fen"), "usual_price_fen"))
        if self.kind == "shortfall":
            return DeliveryShortfall(
                round=self._text("round"), order=self._text("order"),
                missing=tuple(attrs.evolve(m, code=self._item(m.code))
                              for m in parse_missing(self._text("missing"))),
                paid_fen=parse_yuan(self._text("paid_fen"), "paid_fen"))
        persons = self._text("persons")
        if persons and not persons.isdigit():
            raise InvalidField("persons", f"{persons!r} is not a number of persons")
        return ReliefRequest(kit=self._picked("kit") == "yes",
                             cash=self._picked("cash") == "yes",
                             persons=int(persons or 0))

    def _item(self, typed: str) -> str:
        """A catalogue code for goods typed by code or by their Chinese or English name."""
        app: BaogongApp = self.app  # type: ignore[assignment]
        catalogue = app.desk.catalogue
        if typed in catalogue:
            return typed
        for code, item in catalogue.items():
            if typed in (item.name, item.name_en):
                return code
        return typed

    def show_error(self, error: InvalidField) -> None:
        for line in self.query(".error"):
            line.remove_class("shown")
        names = FIELDS[self.kind]
        field = error.field if error.field in names else names[0]
        line = self.query_one(f"#{field}-error", Static)
        line.update(self.message(field, error.message))
        line.add_class("shown")
        self.query_one(f"#{field}").focus()

    def message(self, field: str, message: str) -> str:
        """``message`` of core.cases.facts in the current language."""
        if message in FACT_MESSAGES:
            return _(FACT_MESSAGES[message])
        typed = self._text(field) if field not in ("supermarket", "kit", "cash") else ""
        if field.endswith("_fen"):
            return _("'{value}' is not an amount in yuan, e.g. 32.50").format(value=typed)
        if field == "persons":
            return _("'{value}' is not a number of persons").format(value=typed)
        if field == "missing":
            return _("Each count of missing goods must be more than 0")
        return message

    def action_submit(self) -> None:
        try:
            facts = self.facts()
        except InvalidField as error:
            self.show_error(error)
            return
        self.dismiss(FactsResult(self.kind, facts))

    def action_clear(self) -> None:
        self.dismiss(FactsResult(self.kind, None))
