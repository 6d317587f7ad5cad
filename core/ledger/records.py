"""Ledger records (台账记录): every movement of money or goods, one immutable value each.

Money is integer fen (分); times carry a UTC offset. Every record has

* a readable ``id`` (``YYYYMMDD-NNNN-K``: the batch file it lives in and its place there),
* a ``uid`` (a UUID, unique across desks, for merging ledgers kept on several machines),
* ``time`` (when the movement happened) and ``recorded`` (when it was written down),
* the ``operator`` it is attributed to (谁签字谁负责),
* ``reverses`` and ``reason`` for corrections: a record is never edited; a mistake is undone by a
  *reversing record* (红冲) of the same kind with the same body, naming the record it reverses and
  why, usually followed by a correct new record. A reversal takes effect on its own date, so a
  period that has been signed off never changes.

Kinds:

=================  ==============================================================================
``collection``     money a grid worker (网格员) collected from a household for one order (代收款)
``iou``            money a grid worker paid on behalf of a resident who cannot pay (代付台账)
``settlement``     a resident paying back one or several IOUs, in full or in part (解封后结算)
``invoice``        a supermarket's delivery invoice for one community and round (送货单)
``receipt``        what arrived at the drop point against an invoice, with reasons (签收单)
``supply_request`` a unit's signed request-approval sheet for supplies (防控物资申请审批单)
``approval``       the decision on a request (审批)
``stock_receipt``  supplies received into a store: purchase, production, donation, allocation (入库)
``stock_issue``    supplies issued against an approved, signed request (出库/发放)
``stock_return``   reusable items coming back after use (回收)
``stock_adjust``   a correction of stock with a mandatory cause: lost, damaged, expired, found,
                   counted (报损/盘盈/盘亏)
``stock_count``    a physical count: asserts the store's balance at the end of its day (盘点)
=================  ==============================================================================
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime
from operator import attrgetter
from typing import Any, ClassVar, Protocol, TypeVar

import attrs

from core.reference import check_code, check_not_blank

#: a record id: its batch's (the day and sequence, after the site code of the replica that wrote
#: it on a replicated desk) and its place there: ``20261123-0007-2``, ``HX-20261123-0007-2``
RECORD_ID_PATTERN = re.compile(r"^(?:([A-Z][A-Z0-9]{1,5})-)?(\d{8})-(\d{4,6})-(\d{1,7})\Z",
                               re.ASCII)
UID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")

#: fields every record has, in the order they are written; ``kind`` comes first of all
HEAD_FIELDS = ("id", "uid", "time", "recorded", "operator")
TAIL_FIELDS = ("reverses", "reason", "note")


def id_key(record_id: str) -> tuple[int, str, int, int]:
    """Sort key of a record id: day, site, batch, place (so ``...-10`` sorts after ``...-9``)."""
    parts = record_id.split("-")
    site = parts.pop(0) if len(parts) == 4 else ""
    if len(parts) == 3:
        day, batch, place = parts
        if day.isdigit() and batch.isdigit() and place.isdigit():
            return int(day), site, int(batch), int(place)
    return (0, "", 0, 0)


class _Timed(Protocol):
    @property
    def at(self) -> float: ...
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_Timed)


def by_time_and_id(items: Iterable[_T]) -> list[_T]:
    """``sorted(items, key=lambda x: (x.at, id_key(x.id)))``, the ids' keys made only where
    times are equal."""
    found = sorted(items, key=attrgetter("at"))
    start = 0
    while start < len(found):
        at = found[start].at
        end = start + 1
        while end < len(found) and found[end].at == at:
            end += 1
        if end - start > 1:
            found[start:end] = sorted(found[start:end], key=lambda x: id_key(x.id))
        start = end
    return found


def check_record_id(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not RECORD_ID_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a ledger record id (YYYYMMDD-NNNN-K or "
                         "SITE-YYYYMMDD-NNNN-K)")


def check_optional_record_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value:
        check_record_id(instance, attribute, value)


def check_uid(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not UID_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a UUID (8-4-4-4-12 lower-case hex digits)")


def check_aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("time must carry a UTC offset, e.g. 2026-11-23T09:30:00+08:00")


def check_positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value <= 0:
        raise ValueError(f"must be more than zero, got {value}")


def check_non_negative(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValueError(f"must not be negative, got {value}")


def check_not_zero(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value == 0:
        raise ValueError("must not be zero")


def check_not_empty(_instance: object, attribute: attrs.Attribute[tuple[Any, ...]],
                    value: tuple[Any, ...]) -> None:
    if not value:
        raise ValueError("must list at least one entry")


def check_record_ids(instance: object, attribute: attrs.Attribute[tuple[str, ...]],
                     value: tuple[str, ...]) -> None:
    """At least one record id, each one a record id."""
    check_not_empty(instance, attribute, value)
    for record_id in value:
        check_record_id(instance, attribute, record_id)  # type: ignore[arg-type]


def check_optional_code(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value:
        check_code(instance, attribute, value)


@attrs.frozen(kw_only=True)
class Record:
    """What every ledger record has; see the module docstring."""

    KIND: ClassVar[str] = ""
    NAME: ClassVar[tuple[str, str]] = ("", "")  # (Chinese, English)

    id: str = attrs.field(validator=check_record_id)
    uid: str = attrs.field(validator=check_uid)
    time: datetime = attrs.field(validator=check_aware)
    recorded: datetime = attrs.field(validator=check_aware)
    operator: str = attrs.field(validator=check_not_blank)
    reverses: str = attrs.field(default="", validator=check_optional_record_id)
    reason: str = ""
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.reverses and not self.reason.strip():
            raise ValueError("a reversing record must give its reason")
        if self.reverses == self.id:
            raise ValueError("a record cannot reverse itself")

    @property
    def kind(self) -> str:
        return self.KIND

    def body(self) -> dict[str, Any]:
        """The fields a reversal must repeat: everything but identity, time and commentary."""
        skip = {*HEAD_FIELDS, *TAIL_FIELDS}
        return {f.name: getattr(self, f.name) for f in attrs.fields(type(self))
                if f.name not in skip}


# --- money -------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Collection(Record):
    """Money a grid worker collected from a household for one group-buying order (代收款)."""

    KIND: ClassVar[str] = "collection"
    NAME: ClassVar[tuple[str, str]] = ("代收款", "collection")

    household: str = attrs.field(validator=check_code)
    community: str = attrs.field(validator=check_code)
    supermarket: str = attrs.field(validator=check_code)
    round: str = attrs.field(validator=check_code)
    order: str = attrs.field(validator=check_not_blank)
    grid_worker: str = attrs.field(validator=check_not_blank)
    amount_fen: int = attrs.field(validator=check_positive)
    fee_fen: int = attrs.field(default=0, validator=check_non_negative)
    method: str = ""


@attrs.frozen(kw_only=True)
class Iou(Record):
    """A grid worker paying for a resident who cannot pay now (代付), to be settled later."""

    KIND: ClassVar[str] = "iou"
    NAME: ClassVar[tuple[str, str]] = ("代付", "pay-on-behalf IOU")

    household: str = attrs.field(validator=check_code)
    community: str = attrs.field(validator=check_code)
    supermarket: str = attrs.field(validator=check_code)
    round: str = attrs.field(validator=check_code)
    order: str = attrs.field(validator=check_not_blank)
    grid_worker: str = attrs.field(validator=check_not_blank)
    amount_fen: int = attrs.field(validator=check_positive)


@attrs.frozen(kw_only=True)
class Settlement(Record):
    """A resident paying back IOUs (解封后结算): part of one, or several together."""

    KIND: ClassVar[str] = "settlement"
    NAME: ClassVar[tuple[str, str]] = ("代付结算", "IOU settlement")

    ious: tuple[str, ...] = attrs.field(validator=check_record_ids)
    household: str = attrs.field(validator=check_code)
    grid_worker: str = attrs.field(validator=check_not_blank)
    amount_fen: int = attrs.field(validator=check_positive)
    payer: str = ""
    method: str = ""


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """One line of a delivery invoice: item, quantity, unit price in fen."""

    item: str = attrs.field(validator=check_code)
    quantity: int = attrs.field(validator=check_positive)
    unit_price_fen: int = attrs.field(validator=check_non_negative)

    @property
    def amount_fen(self) -> int:
        return self.quantity * self.unit_price_fen


@attrs.frozen(kw_only=True)
class Fee:
    """Any charge on an invoice that is not goods: the plans forbid them all (不得收取服务费)."""

    name: str = attrs.field(validator=check_not_blank)
    amount_fen: int = attrs.field(validator=check_positive)


@attrs.frozen(kw_only=True)
class Invoice(Record):
    """A supermarket's delivery invoice for one community and round (送货单)."""

    KIND: ClassVar[str] = "invoice"
    NAME: ClassVar[tuple[str, str]] = ("送货单", "delivery invoice")

    supermarket: str = attrs.field(validator=check_code)
    community: str = attrs.field(validator=check_code)
    round: str = attrs.field(validator=check_code)
    lines: tuple[InvoiceLine, ...] = attrs.field(validator=check_not_empty)
    fees: tuple[Fee, ...] = ()

    @property
    def goods_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def total_fen(self) -> int:
        return self.goods_fen + sum(fee.amount_fen for fee in self.fees)


class Difference(enum.StrEnum):
    """Why a receipt line differs from the invoice (差异原因)."""

    SHORT = "short"  # 短少
    DAMAGED = "damaged"  # 破损
    SUBSTITUTED = "substituted"  # 替换
    REFUSED = "refused"  # 拒收


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """What arrived of one invoice line; ``difference`` says why it is not what was invoiced."""

    item: str = attrs.field(validator=check_code)
    quantity: int = attrs.field(validator=check_non_negative)
    difference: Difference | None = None
    substitute: str = attrs.field(default="", validator=check_optional_code)


@attrs.frozen(kw_only=True)
class Receipt(Record):
    """Goods received at a community's drop point against an invoice (签收单)."""

    KIND: ClassVar[str] = "receipt"
    NAME: ClassVar[tuple[str, str]] = ("签收单", "delivery receipt")

    invoice: str = attrs.field(validator=check_record_id)
    received_by: str = attrs.field(validator=check_not_blank)
    lines: tuple[ReceiptLine, ...] = attrs.field(validator=check_not_empty)


# --- supplies ----------------------------------------------------------------------------------


class Source(enum.StrEnum):
    """Where received supplies came from (来源)."""

    PURCHASE = "purchase"  # 集中采购
    PRODUCTION = "production"  # 本地生产
    DONATION = "donation"  # 捐赠
    ALLOCATION = "allocation"  # 上级调拨


class Cause(enum.StrEnum):
    """Why stock was adjusted (调整原因)."""

    LOST = "lost"  # 丢失
    DAMAGED = "damaged"  # 损坏
    EXPIRED = "expired"  # 过期
    FOUND = "found"  # 盘盈/找回
    COUNTED = "counted"  # 盘点调整


class Decision(enum.StrEnum):
    APPROVED = "approved"  # 批准
    REJECTED = "rejected"  # 不予批准


@attrs.frozen(kw_only=True)
class RequestLine:
    item: str = attrs.field(validator=check_code)
    quantity: int = attrs.field(validator=check_positive)


@attrs.frozen(kw_only=True)
class SupplyRequest(Record):
    """A unit's request-approval sheet (防控物资申请审批单), signed by the unit's head."""

    KIND: ClassVar[str] = "supply_request"
    NAME: ClassVar[tuple[str, str]] = ("物资申请审批单", "supply request")

    unit: str = attrs.field(validator=check_not_blank)
    head: str = ""  # the unit head who signed (一把手签字); empty means unsigned
    lines: tuple[RequestLine, ...] = attrs.field(validator=check_not_empty)
    purpose: str = ""


@attrs.frozen(kw_only=True)
class Approval(Record):
    """The decision on a supply request (审批)."""

    KIND: ClassVar[str] = "approval"
    NAME: ClassVar[tuple[str, str]] = ("审批", "approval")

    request: str = attrs.field(validator=check_record_id)
    approved_by: str = attrs.field(validator=check_not_blank)
    decision: Decision = Decision.APPROVED


@attrs.frozen(kw_only=True)
class StockRecord(Record):
    """A movement in one store (库) of one catalogue item; quantities in the item's unit."""

    store: str = attrs.field(validator=check_code)
    item: str = attrs.field(validator=check_code)


@attrs.frozen(kw_only=True)
class StockReceipt(StockRecord):
    """Supplies received, checked and registered by a keeper (验收、核实、登记、入库)."""

    KIND: ClassVar[str] = "stock_receipt"
    NAME: ClassVar[tuple[str, str]] = ("入库", "stock receipt")

    quantity: int = attrs.field(validator=check_positive)
    source: Source
    keeper: str = attrs.field(validator=check_not_blank)
    donor: str = ""
    batch: str = ""
    #: a designated donation (定点捐赠): the unit or use the donor named; "" for a donation
    #: the desk allocates (非定点捐赠)
    designated: str = ""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.source is Source.DONATION and not self.donor.strip():
            raise ValueError("a donation must name its donor")
        if self.designated.strip() and self.source is not Source.DONATION:
            raise ValueError("only a donation is designated for a unit or use")


@attrs.frozen(kw_only=True)
class StockIssue(StockRecord):
    """Supplies issued to a unit against a request (出库); who signs is responsible."""

    KIND: ClassVar[str] = "stock_issue"
    NAME: ClassVar[tuple[str, str]] = ("出库", "stock issue")

    quantity: int = attrs.field(validator=check_positive)
    request: str = attrs.field(default="", validator=check_optional_record_id)
    unit: str = attrs.field(validator=check_not_blank)
    signed_by: str = attrs.field(validator=check_not_blank)


@attrs.frozen(kw_only=True)
class StockReturn(StockRecord):
    """Reusable items returned, cleaned, after use (回收)."""

    KIND: ClassVar[str] = "stock_return"
    NAME: ClassVar[tuple[str, str]] = ("回收", "stock return")

    quantity: int = attrs.field(validator=check_positive)
    issue: str = attrs.field(default="", validator=check_optional_record_id)
    unit: str = attrs.field(validator=check_not_blank)


@attrs.frozen(kw_only=True)
class StockAdjust(StockRecord):
    """A change of stock with a mandatory cause; ``quantity`` is signed (+ found, - lost)."""

    KIND: ClassVar[str] = "stock_adjust"
    NAME: ClassVar[tuple[str, str]] = ("库存调整", "stock adjustment")

    quantity: int = attrs.field(validator=check_not_zero)
    cause: Cause


@attrs.frozen(kw_only=True)
class StockCount(StockRecord):
    """A physical count (盘点): the balance the store must have at the end of its day."""

    KIND: ClassVar[str] = "stock_count"
    NAME: ClassVar[tuple[str, str]] = ("盘点", "stock count")

    quantity: int = attrs.field(validator=check_non_negative)
    counted_by: str = attrs.field(validator=check_not_blank)


RECORD_KINDS: tuple[type[Record], ...] = (
    Collection, Iou, Settlement, Invoice, Receipt, SupplyRequest, Approval,
    StockReceipt, StockIssue, StockReturn, StockAdjust, StockCount,
)
#: kind name -> record class
KINDS: dict[str, type[Record]] = {cls.KIND: cls for cls in RECORD_KINDS}
MONEY_KINDS = frozenset({"collection", "iou", "settlement", "invoice", "receipt"})
STOCK_KINDS = frozenset({"stock_receipt", "stock_issue", "stock_return", "stock_adjust",
                         "stock_count"})


def field_order(cls: type[Record]) -> tuple[str, ...]:
    """The order fields are written in: identity first, the kind's own fields, commentary last."""
    own = tuple(f.name for f in attrs.fields(cls) if f.name not in (*HEAD_FIELDS, *TAIL_FIELDS))
    return (*HEAD_FIELDS, *own, *TAIL_FIELDS)


def local_day(moment: datetime, zone: Any) -> date:
    return moment.astimezone(zone).date()
