"""A groceries or ordering-help case as an order in the next round (来电下单), in one key.

The case screen's order key shows a preview: the household (the case's, or the one the caller's
phone is registered to), the goods from the case's items with their prices, the round the
11:00 cut-off chooses (and why, when the order goes to the next one) and how it is paid. Enter
adds it to the round under the source ``case <id>`` (:func:`core.roundorders.add_orders`: once
per case) and the case's history says which order it became. For priority people who cannot
pay online, pay-on-behalf (代付) by one of the community's grid workers is offered: the order is
``on_account`` and its IOU is written when the round is delivered (:mod:`core.deliveries`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

import attrs
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from core.cases.case import Action, Case
from core.cases.categories import Category
from core.cases.facts import format_yuan
from core.cases.store import ConflictError
from core.packing.orders import Payment
from core.problems import DeskError
from core.roundorders import (
    CaseOrder,
    NewOrder,
    OpenRound,
    add_orders,
    case_source,
    find_source,
    open_round_for,
    order_from_case,
    round_for,
)
from core.storage.atomic import LockTimeout
from tui.i18n import _, language, record_name
from tui.screens.case_dialogs import note_language
from tui.widgets.common import Choice, PickerField, Tr
from tui.widgets.form import FormDialog, Hint, KeyHints, field_moves

if TYPE_CHECKING:
    from core.desk import Desk
    from tui.app import BaogongApp

#: the categories whose cases become orders
ORDERING = frozenset({Category.GROCERIES, Category.ORDERING_HELP})
#: a payment choice for pay-on-behalf by a grid worker: ``on_account:<grid worker>``
ON_ACCOUNT_PREFIX = f"{Payment.ON_ACCOUNT.value}:"


@attrs.frozen
class OrderPreview:
    """What the order key found for a case: the order, its round, an order made before."""

    case: Case
    order: CaseOrder
    round: OpenRound
    already: tuple[str, str] | None  # (round, order id) added from this case before
    grid_workers: tuple[str, ...]

    @classmethod
    def of(cls, desk: Desk, case: Case, now: datetime) -> OrderPreview:
        order = order_from_case(desk, case)
        household = desk.households.get(order.household)
        community = desk.communities.get(household.community) if household else None
        return cls(case, order, round_for(desk, now), find_source(desk, f"case {case.id}"),
                   community.grid_workers if community else ())

    @property
    def ready(self) -> bool:
        return not self.order.missing and self.already is None

    @property
    def pay_on_behalf(self) -> bool:
        """Offered to priority people (the case's flags) when the community has grid workers."""
        return bool(self.case.flags) and bool(self.grid_workers)


def row(label: str, value: str) -> Horizontal:
    """A row of the preview: ``label`` (a message) and what the order says."""
    return Horizontal(Tr(label, classes="label"), Static(value, classes="value"), classes="row")


@attrs.frozen
class OrderChoice:
    """How the operator chose to have the order paid."""

    payment: Payment
    grid_worker: str = ""


class CaseOrderDialog(FormDialog[OrderChoice | None]):
    """The preview of a case's order; enter adds it, esc leaves the case as it is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the payment field would take enter to open its list (space still does)
        Binding("enter", "submit", "Add order", priority=True, id="case_order.add"),
        Binding("escape", "cancel", "Cancel", id="case_order.cancel"),
        *field_moves("case_order"),
    ]
    DEFAULT_CSS = """
    CaseOrderDialog .row { height: auto; }
    CaseOrderDialog .value { width: 1fr; height: auto; }
    CaseOrderDialog .moved { color: $warning; text-style: bold; padding-left: 14; height: auto; }
    CaseOrderDialog .missing { color: $error; text-style: bold; height: auto; }
    """

    def __init__(self, preview: OrderPreview, desk: Desk) -> None:
        super().__init__()
        self.preview = preview
        self.desk = desk

    def payment_choices(self) -> list[Choice]:
        choices = [Choice.of(Payment.DUE.value, _("Pay on delivery"), "货到付款"),
                   Choice.of(Payment.PAID.value, _("Paid in advance"), "已付")]
        if self.preview.pay_on_behalf:
            choices += [Choice.of(f"{ON_ACCOUNT_PREFIX}{worker}",
                                  _("Pay-on-behalf by {worker}").format(worker=worker),
                                  "代付", worker)
                        for worker in self.preview.grid_workers]
        return choices

    def _rows(self) -> list[Horizontal]:
        desk, order = self.desk, self.preview.order
        household = desk.households.get(order.household)
        community = desk.communities.get(household.community) if household else None
        where = record_name(community, household.community) if household else ""
        address = "".join(filter(None, [
            f"{household.building}栋" if household and household.building else "",
            f"{household.unit}单元" if household and household.unit else "",
            f"{household.room}室" if household and household.room else ""]))
        total = 0
        goods = []
        for line in order.lines:
            item = desk.catalogue[line.code]
            amount = item.price_fen * line.quantity
            total += amount
            goods.append(f"{record_name(item, line.code)} x{line.quantity}  "
                         f"¥{format_yuan(amount)}")
        found = self.preview.round
        day = _("{round}, day one {day}").format(round=found.code, day=f"{found.day_one:%m-%d}")
        return [row("Household", f"{order.household}  {where} {address}".rstrip()),
                row("Goods", "\n".join(goods)),
                row("Amount", f"¥{format_yuan(total)}"),
                row("Round", day + ("" if found.exists else "  " + _("(new round)")))]

    def fields(self) -> ComposeResult:
        preview = self.preview
        yield Static(f"{_('Order from case')}  {preview.case.id}", classes="title")
        if preview.already is not None:
            round_code, order_id = preview.already
            yield Static(_("This case is already order {order} in round {round}.").format(
                order=order_id, round=round_code), classes="missing")
            return
        if preview.order.missing:
            yield Static(_("This case cannot become an order yet:"), classes="missing")
            for text in preview.order.missing:
                yield Static(f"- {text.get(language())}", classes="missing")
            return
        yield from self._rows()
        moved = preview.round.message.get(language())
        if moved:
            yield Static(Text(moved), classes="moved")
        yield Horizontal(Tr("Payment", classes="label"),
                         PickerField("Payment", self.payment_choices, Payment.DUE.value,
                                     id="payment"))
        if preview.pay_on_behalf:
            yield Tr("Priority people: pay-on-behalf (代付) by a grid worker can be chosen",
                     classes="moved")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.fields()
            hints: list[Hint] = ["case_order.cancel"]
            if self.preview.ready:
                hints = ["case_order.add", "case_order.cancel", ("space", "Choose")]
            yield KeyHints(hints, classes="keys")

    def on_mount(self) -> None:
        if self.query("#payment"):
            self.query_one("#payment", PickerField).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.preview.ready
        return True

    def action_submit(self) -> None:
        if not self.preview.ready:
            return
        value = self.query_one("#payment", PickerField).value or Payment.DUE.value
        if value.startswith(ON_ACCOUNT_PREFIX):
            self.dismiss(OrderChoice(Payment.ON_ACCOUNT, value.removeprefix(ON_ACCOUNT_PREFIX)))
        else:
            self.dismiss(OrderChoice(Payment(value)))


def note_of(order_id: str, round_code: str, choice: OrderChoice, lang: str) -> str:
    """The case history's note for the order it became, in the desk's language."""
    if lang == "en":
        paid = (f"; pay-on-behalf by {choice.grid_worker}"
                if choice.payment is Payment.ON_ACCOUNT else "")
        return f"ordered: {order_id} in round {round_code}{paid}"
    paid = f"；{choice.grid_worker} 代付" if choice.payment is Payment.ON_ACCOUNT else ""
    return f"已下单 {order_id}（{round_code} 轮）{paid}"


def start_order(app: BaogongApp, case: Case, shown: Callable[[Case], None]) -> None:
    """Show the preview of ``case``'s order; enter adds it and ``shown`` gets the case as
    saved with the order in its history."""
    try:
        preview = OrderPreview.of(app.desk, case, app.clock())
    except (DeskError, OSError, ValueError) as exc:
        app.notify(f"{_('Cannot order')}: {exc}", severity="error")
        return

    def chosen(choice: OrderChoice | None) -> None:
        if choice is not None:
            add_case_order(app, preview, choice, shown)

    app.push_screen(CaseOrderDialog(preview, app.desk), chosen)


def add_case_order(app: BaogongApp, preview: OrderPreview, choice: OrderChoice,
                   shown: Callable[[Case], None]) -> None:
    """Add the order to the round open now and note it in the case's history."""
    desk, case = app.desk, preview.case
    now = app.clock()
    try:
        round_code, moved = open_round_for(desk, now)
        added = add_orders(desk, round_code, [NewOrder(
            preview.order.household, preview.order.lines, now, case_source(case),
            payment=choice.payment, grid_worker=choice.grid_worker)], operator=app.operator)
    except (DeskError, LockTimeout, OSError, ValueError) as exc:
        app.notify(f"{_('Cannot save')}: {exc}", severity="error")
        return
    if not added.added:
        app.notify(_("This case's order is already in round {round}.").format(round=round_code),
                   severity="warning")
        return
    order_id = added.added[0]
    note = note_of(order_id, round_code, choice, note_language(app))
    saved: Case | None = None
    for _attempt in range(3):
        try:
            saved = desk.cases.act(case, Action.NOTE, operator=app.operator, note=note)
            break
        except ConflictError as conflict:  # a note fits the latest version as well
            case = conflict.current
        except (DeskError, LockTimeout, OSError, ValueError) as exc:
            app.notify(_("Order {order} was added, but the case could not be noted: {why}")
                       .format(order=order_id, why=exc), severity="error")
            break
    else:
        app.notify(_("Order {order} was added, but the case could not be noted: {why}")
                   .format(order=order_id, why=_("it kept changing")), severity="error")
    if saved is not None:
        shown(saved)
    said = moved.get(language())
    app.notify(_("Order {order} added to round {round}").format(order=order_id, round=round_code)
               + (f"\n{said}" if said else ""), timeout=8)
    app.after_write()
