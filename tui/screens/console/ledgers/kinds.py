"""What each ledger form asks for (表单字段) and how the typed text becomes a record's fields.

A field's ``name`` is the record's own field wherever there is one, so the ledger's complaint
about a field (:func:`core.ledger.entry.check_draft`) stands under the field typed; the few
fields a form works out (a collection's community and supermarket, from the household) are said
on the form's own error line.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from core import ledger as L
from core.ledger.entry import (
    EntryError,
    FieldError,
    amount_fen,
    format_receipt_lines,
    parse_fees,
    parse_invoice_lines,
    parse_receipt_lines,
    quantity,
    written_on,
)
from core.registers.columns import fen_to_yuan
from tui.i18n import _, language, record_name
from tui.widgets.common import Choice

if TYPE_CHECKING:
    from tui.app import BaogongApp


class Input(enum.Enum):
    """How a field is typed and read."""

    TEXT = "text"
    AMOUNT = "amount"  # yuan, kept as fen
    QUANTITY = "quantity"
    SIGNED = "signed"  # a quantity that may be negative
    CHOICE = "choice"
    LINES = "lines"  # several lines of text


Choices = Callable[["BaogongApp"], list[Choice]]


@attrs.frozen
class Field:
    """One row of a form."""

    name: str
    label: str
    input: Input = Input.TEXT
    choices: Choices | None = None
    placeholder: str = ""
    #: the form refuses it empty (the record's own rules are checked as well)
    required: bool = False
    #: remembered from the last record saved on this page (a grid worker, a store)
    sticky: bool = False
    #: typed instead when the desk has nothing to choose from (no grid workers listed)
    typed_if_none: bool = False


@attrs.frozen
class EntryKind:
    """A kind of record the page enters: its form and how the form's values become fields."""

    record: type[L.Record]
    fields: tuple[Field, ...]
    #: the record's fields worked out from the form's values (community from household...)
    derive: Callable[[BaogongApp, dict[str, Any]], dict[str, Any]] = lambda app, values: {}

    @property
    def key(self) -> str:
        return self.record.KIND


def name_of(kind: type[L.Record]) -> str:
    """The kind's name in the UI's language (the record class keeps both)."""
    zh, en = kind.NAME
    return zh if language() == "zh" else en[:1].upper() + en[1:]


# --- choices -----------------------------------------------------------------------------------


#: (choice list, language) -> (what it was built from, the choices): a register of 30,000
#: households is listed once, not on every repaint of the field showing one of them
_BUILT: dict[tuple[str, str], tuple[object, list[Choice]]] = {}


def _cached(name: str, source: object, build: Callable[[], list[Choice]]) -> list[Choice]:
    key = (name, language())
    built = _BUILT.get(key)
    if built is None or built[0] is not source:
        built = _BUILT[key] = (source, build())
    return built[1]


def households(app: BaogongApp) -> list[Choice]:
    """Every household, found by code, address or a resident's name (no pinyin: working out
    the pinyin of 30,000 households' names takes most of a minute)."""
    def build() -> list[Choice]:
        found = []
        for code, h in app.desk.households.items():
            names = " ".join(r.name for r in h.residents)
            address = "-".join(p for p in (h.building, h.unit, h.room) if p)
            label = f"{code} {address} {names}".strip()
            found.append(Choice(code, label, label.lower()))
        return found

    return _cached("households", app.desk.households, build)


def grid_workers(app: BaogongApp) -> list[Choice]:
    def build() -> list[Choice]:
        seen: dict[str, str] = {}
        for community in app.desk.communities.values():
            for worker in community.grid_workers:
                seen.setdefault(worker, record_name(community, community.code))
        return [Choice.of(w, f"{w} ({where})", where) for w, where in seen.items()]

    return _cached("grid_workers", app.desk.communities, build)


def supermarkets(app: BaogongApp) -> list[Choice]:
    return _cached("supermarkets", app.desk.supermarkets, lambda: [
        Choice.of(s.code, record_name(s, s.code), s.name, s.name_en)
        for s in app.desk.supermarkets.values()])


def items(app: BaogongApp) -> list[Choice]:
    return _cached("items", app.desk.catalogue, lambda: [
        Choice.of(i.code, f"{record_name(i, i.code)} ({i.unit})", i.name, i.name_en)
        for i in app.desk.catalogue.values()])


def enum_choices(kind: type[enum.StrEnum], names: Mapping[str, str]) -> Choices:
    def choices(app: BaogongApp) -> list[Choice]:
        return [Choice.of(member.value, f"{_(names[member.value])} ({member.value})",
                          names[member.value]) for member in kind]

    return choices


SOURCE_NAMES = {"purchase": "Central purchase", "production": "Local production",
                "donation": "Donation", "allocation": "Allocation from above"}
CAUSE_NAMES = {"lost": "Lost", "damaged": "Damaged", "expired": "Expired", "found": "Found",
               "counted": "Count adjustment"}
RECENT_DAYS = 7


def recent_invoices(app: BaogongApp) -> list[Choice]:
    """Invoices written in the last :data:`RECENT_DAYS` days, newest first."""
    today = app.clock().astimezone(app.desk.settings.zone).date()
    found: list[Choice] = []
    for back in range(RECENT_DAYS):
        for record in written_on(app.desk.root, today - timedelta(days=back), L.Invoice):
            if isinstance(record, L.Invoice) and not record.reverses:
                found.append(Choice.of(record.id, f"{record.id} {record.supermarket} "
                                       f"{record.community} {record.round} "
                                       f"{fen_to_yuan(record.total_fen)}"))
    return found


def invoice(app: BaogongApp, record_id: str) -> L.Invoice | None:
    today = app.clock().astimezone(app.desk.settings.zone).date()
    for back in range(RECENT_DAYS):
        for record in written_on(app.desk.root, today - timedelta(days=back), L.Invoice):
            if record.id == record_id and isinstance(record, L.Invoice):
                return record
    return None


def receipt_lines_for(found: L.Invoice) -> str:
    """A receipt's lines as if everything invoiced arrived: the operator edits what did not."""
    return format_receipt_lines([L.ReceiptLine(item=line.item, quantity=line.quantity)
                                 for line in found.lines])


# --- deriving fields ---------------------------------------------------------------------------


def _from_household(app: BaogongApp, values: dict[str, Any]) -> dict[str, Any]:
    household = app.desk.households.get(values.get("household") or "")
    if household is None:
        return {}
    community = app.desk.communities.get(household.community)
    supermarket = community.supermarket if community is not None else ""
    if not supermarket:
        raise EntryError([FieldError("household", _(
            "Community {community} has no supermarket in communities.toml").format(
                community=household.community))])
    return {"community": household.community, "supermarket": supermarket}


def _lines(parse: Callable[..., Any], field: str) -> Callable[[BaogongApp, dict[str, Any]],
                                                            dict[str, Any]]:
    def derive(app: BaogongApp, values: dict[str, Any]) -> dict[str, Any]:
        return {field: parse(values.get(field) or "", app.desk.catalogue, field=field)}

    return derive


def _invoice(app: BaogongApp, values: dict[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    found: dict[str, Any] = {}
    try:
        found["lines"] = parse_invoice_lines(values.get("lines") or "", app.desk.catalogue)
    except EntryError as exc:
        errors.extend(exc.errors)
    try:
        found["fees"] = parse_fees(values.get("fees") or "")
    except EntryError as exc:
        errors.extend(exc.errors)
    if errors:
        raise EntryError(errors)
    return found


def _settlement(app: BaogongApp, values: dict[str, Any]) -> dict[str, Any]:
    return {"ious": tuple((values.get("ious") or "").replace(",", " ").split())}


def _enum(kind: type[enum.StrEnum], field: str) -> Callable[[BaogongApp, dict[str, Any]],
                                                            dict[str, Any]]:
    def derive(app: BaogongApp, values: dict[str, Any]) -> dict[str, Any]:
        value = values.get(field)
        return {field: kind(value)} if value else {}

    return derive


# --- the kinds ---------------------------------------------------------------------------------

_HOUSEHOLD = Field("household", "Household", Input.CHOICE, households, required=True)
_ROUND = Field("round", "Round", placeholder="r1125", sticky=True)
_WORKER = Field("grid_worker", "Grid worker", Input.CHOICE, grid_workers, required=True,
                sticky=True, typed_if_none=True)
_STORE = Field("store", "Store", placeholder="west-depot", sticky=True)
_ITEM = Field("item", "Item", Input.CHOICE, items, required=True)

KINDS: tuple[EntryKind, ...] = (
    EntryKind(L.Collection, (
        _WORKER, _HOUSEHOLD, _ROUND, Field("order", "Order", placeholder="r1125-0001"),
        Field("amount_fen", "Amount", Input.AMOUNT, placeholder="yuan, e.g. 86.50"),
        Field("method", "Method", placeholder="cash, WeChat, transfer reference"),
    ), _from_household),
    EntryKind(L.Iou, (
        _WORKER, _HOUSEHOLD, _ROUND, Field("order", "Order", placeholder="r1125-0001"),
        Field("amount_fen", "Amount", Input.AMOUNT, placeholder="yuan, e.g. 86.50"),
    ), _from_household),
    EntryKind(L.Settlement, (
        _WORKER, _HOUSEHOLD,
        Field("ious", "IOUs", placeholder="record ids, separated by spaces"),
        Field("amount_fen", "Amount", Input.AMOUNT, placeholder="yuan, e.g. 86.50"),
        Field("payer", "Paid by"), Field("method", "Method", placeholder="cash, WeChat"),
    ), _settlement),
    EntryKind(L.Invoice, (
        Field("supermarket", "Supermarket", Input.CHOICE, supermarkets, required=True,
              sticky=True),
        Field("community", "Community", Input.CHOICE, lambda app: app.community_choices(),
              required=True),
        _ROUND,
        Field("lines", "Lines", Input.LINES, placeholder="CODE QUANTITY PRICE, one a line"),
        Field("fees", "Fees", Input.TEXT, placeholder="NAME AMOUNT (none, as a rule)"),
    ), _invoice),
    EntryKind(L.Receipt, (
        Field("invoice", "Invoice", Input.CHOICE, recent_invoices, required=True),
        Field("received_by", "Received by", required=True, sticky=True),
        Field("lines", "Lines", Input.LINES,
              placeholder="CODE QUANTITY [short|damaged|refused|substituted [CODE]]"),
    ), _lines(parse_receipt_lines, "lines")),
    EntryKind(L.StockReceipt, (
        _STORE, _ITEM, Field("quantity", "Quantity", Input.QUANTITY),
        Field("source", "Source", Input.CHOICE, enum_choices(L.Source, SOURCE_NAMES),
              required=True),
        Field("keeper", "Keeper", required=True, sticky=True),
        Field("donor", "Donor", placeholder="for a donation"), Field("batch", "Batch"),
        Field("designated", "Designated for", placeholder="a designated donation's unit"),
    ), _enum(L.Source, "source")),
    EntryKind(L.StockIssue, (
        _STORE, _ITEM, Field("quantity", "Quantity", Input.QUANTITY),
        Field("request", "Request", placeholder="the approved request's record id"),
        Field("unit", "Unit", placeholder="the unit supplied"),
        Field("signed_by", "Signed by", required=True),
    )),
    EntryKind(L.StockReturn, (
        _STORE, _ITEM, Field("quantity", "Quantity", Input.QUANTITY),
        Field("issue", "Issue", placeholder="the issue's record id"),
        Field("unit", "Unit", placeholder="the unit returning it"),
    )),
    EntryKind(L.StockAdjust, (
        _STORE, _ITEM, Field("quantity", "Change", Input.SIGNED, placeholder="+5 found, -3 lost"),
        Field("cause", "Cause", Input.CHOICE, enum_choices(L.Cause, CAUSE_NAMES), required=True),
        Field("note", "Reason", required=True, placeholder="what happened"),
    ), _enum(L.Cause, "cause")),
    EntryKind(L.StockCount, (
        _STORE, _ITEM, Field("quantity", "Counted", Input.QUANTITY),
        Field("counted_by", "Counted by", required=True, sticky=True),
    )),
)
BY_KEY = {kind.key: kind for kind in KINDS}


def convert(kind: EntryKind, typed: Mapping[str, str | None]) -> tuple[dict[str, Any],
                                                                       list[FieldError]]:
    """The form's typed values as field values, and every field that cannot be read."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field in kind.fields:
        text = (typed.get(field.name) or "").strip()
        if field.required and not text:
            errors.append(FieldError(field.name, _("Required")))
            continue
        try:
            if field.input is Input.AMOUNT:
                values[field.name] = amount_fen(text)
            elif field.input in (Input.QUANTITY, Input.SIGNED):
                values[field.name] = quantity(text, signed=field.input is Input.SIGNED)
            else:
                values[field.name] = text
        except ValueError as exc:
            errors.append(FieldError(field.name, str(exc)))
    return values, errors
