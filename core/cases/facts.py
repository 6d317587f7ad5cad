"""Structured facts of the calls that need them (诉求要素).

A few kinds of call are only useful downstream when their facts are taken down as data, not
only as words in the description:

- a price complaint (哄抬价格, 收取服务费或加价) names the shop, the item and the price now and
  before, so the supervisors' board can count it as evidence of a price rise and the market
  regulator can act on it;
- a short or missing delivery (少送短缺, 未送达) names the round or order, the items missing and
  what was paid, so it can be checked against the round's invoice and receipt;
- a hardship-relief request (困难救助) says what was asked: the "eight ones" relief kit (八个一),
  temporary cash relief (临时救助金, per person) or both.

Each is an optional table of the case file (``[price]``, ``[shortfall]``, ``[relief]``) that
only its categories may carry. Prices are integer fen (分), as everywhere in the desk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from core.problems import InvalidField
from core.reference import check_non_negative, check_optional_code

if TYPE_CHECKING:
    from core.desk import Desk


def _check_optional_fen(_instance: object, attribute: attrs.Attribute[int | None],
                        value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidField(attribute.name, "must not be negative")


@attrs.frozen
class PriceReport:
    """A price complaint's facts (价格投诉要素): where, what, and the price now and before."""

    supermarket: str = attrs.field(default="", validator=check_optional_code)
    shop: str = ""  # any other shop, as the caller names it
    item: str = ""  # a catalogue code, or the goods as the caller names them
    price_fen: int | None = attrs.field(default=None, validator=_check_optional_fen)
    usual_price_fen: int | None = attrs.field(default=None, validator=_check_optional_fen)

    def __attrs_post_init__(self) -> None:
        if not (self.supermarket or self.shop.strip()):
            raise InvalidField("shop", "name the supermarket or the shop complained about")

    @property
    def rise(self) -> float | None:
        """The rise over the usual price as a fraction (0.25 is +25%), when both are known."""
        if self.price_fen is None or not self.usual_price_fen:
            return None
        return self.price_fen / self.usual_price_fen - 1


@attrs.frozen
class MissingLine:
    """Goods a delivery was short of: a catalogue code (or the caller's words) and how many."""

    code: str
    quantity: float = attrs.field(default=1, validator=check_non_negative)


@attrs.frozen
class DeliveryShortfall:
    """A short or missing delivery's facts (少送漏送要素)."""

    round: str = ""  # a round of rounds/, e.g. "r1125"
    order: str = ""  # an order of that round, e.g. "r1125-0042"
    missing: tuple[MissingLine, ...] = ()
    paid_fen: int | None = attrs.field(default=None, validator=_check_optional_fen)

    def __attrs_post_init__(self) -> None:
        if not (self.round or self.order):
            raise InvalidField("round", "name the delivery round or the order")


@attrs.frozen
class ReliefRequest:
    """What a hardship-relief caller asked for (救助诉求)."""

    kit: bool = False  # the "eight ones" relief kit (八个一)
    cash: bool = False  # temporary cash relief, 200-300 yuan per person (临时救助金)
    persons: int = attrs.field(default=0, validator=check_non_negative)  # for cash relief

    def __attrs_post_init__(self) -> None:
        if not (self.kit or self.cash):
            raise InvalidField("kit", "say what was asked: the relief kit, cash relief or both")
        if self.cash and self.persons < 1:
            raise InvalidField("persons", "cash relief is per person: how many in the household")


#: the structured facts a case can carry, one kind at most
Facts = PriceReport | DeliveryShortfall | ReliefRequest

PRICE_CATEGORIES = frozenset({"price_gouging", "service_fee"})
SHORTFALL_CATEGORIES = frozenset({"delivery_short", "delivery_missing"})
RELIEF_CATEGORIES = frozenset({"hardship_relief"})

#: case field -> the categories (their values) that may carry it
FACT_CATEGORIES: Mapping[str, frozenset[str]] = {
    "price": PRICE_CATEGORIES,
    "shortfall": SHORTFALL_CATEGORIES,
    "relief": RELIEF_CATEGORIES,
}


def facts_field(category: str) -> str | None:
    """The case field that holds the facts of a call of ``category`` (its value), if any."""
    for field, categories in FACT_CATEGORIES.items():
        if category in categories:
            return field
    return None


def search_terms(price: PriceReport | None, shortfall: DeliveryShortfall | None,
                 relief: ReliefRequest | None) -> list[str]:
    """Words of the facts that a search of the queue should find."""
    terms: list[str] = []
    if price is not None:
        terms += [price.supermarket, price.shop, price.item]
    if shortfall is not None:
        terms += [shortfall.round, shortfall.order, *(m.code for m in shortfall.missing)]
    if relief is not None:
        terms += ["八个一" if relief.kit else "", "救助金" if relief.cash else ""]
    return [t for t in terms if t]


def _yuan(fen: int | None) -> str:
    return "?" if fen is None else f"{fen / 100:.2f}"


def fact_names(desk: Desk, lang: str) -> dict[str, str]:
    """Supermarket and goods codes -> their names in ``lang``, for :func:`describe`."""
    names = {s.code: (s.name if lang == "zh" else s.name_en) for s in desk.supermarkets.values()}
    names.update((c.code, c.name if lang == "zh" else c.name_en)
                 for c in desk.catalogue.values())
    return names


def describe(price: PriceReport | None, shortfall: DeliveryShortfall | None,
             relief: ReliefRequest | None, lang: str = "zh",
             names: Mapping[str, str] | None = None) -> str:
    """The facts on one line, in Chinese (``lang="zh"``) or English; empty when there are none.

    ``names`` gives the name to show for a supermarket or goods code (the catalogue's, in
    ``lang``); a code it does not know, or the caller's own words, are shown as they are.
    """
    zh = lang == "zh"
    named = names or {}
    parts: list[str] = []
    if price is not None:
        shop = named.get(price.supermarket, price.supermarket) or price.shop
        was = f"{_yuan(price.price_fen)}元（原{_yuan(price.usual_price_fen)}元）" if zh else \
            f"{_yuan(price.price_fen)} yuan (was {_yuan(price.usual_price_fen)})"
        rise = price.rise
        if rise is not None:
            was += f" {rise:+.0%}"
        item = named.get(price.item, price.item)
        parts.append(f"{shop} {item} {was}".replace("  ", " ").strip())
    if shortfall is not None:
        where = " ".join(p for p in (shortfall.round, shortfall.order) if p)
        missing = ("、" if zh else ", ").join(
            f"{named.get(m.code, m.code)}×{m.quantity:g}" for m in shortfall.missing)
        paid = (f"已付{_yuan(shortfall.paid_fen)}元" if zh else
                f"paid {_yuan(shortfall.paid_fen)} yuan") if shortfall.paid_fen is not None else ""
        lack = (f"缺{missing}" if zh else f"missing {missing}") if missing else ""
        parts.append(" ".join(p for p in (where, lack, paid) if p))
    if relief is not None:
        asked = []
        if relief.kit:
            asked.append("八个一救助包" if zh else "relief kit (eight ones)")
        if relief.cash:
            asked.append(f"临时救助金{relief.persons}人" if zh else
                         f"cash relief for {relief.persons}")
        parts.append(("、" if zh else ", ").join(asked))
    return "; ".join(parts)


_YUAN = re.compile(r"^[¥￥]?\s*(\d{1,9})(?:\.(\d{1,2}))?\s*(?:元)?$")
_MISSING_PART = re.compile(r"^(.+?)\s*(?:[×xX*＊]\s*(\d+(?:\.\d+)?))?$")


def parse_yuan(text: str, field: str) -> int | None:
    """Money as an operator types it (``32``, ``32.5``, ``¥32.50``, ``32元``) in fen; None when
    blank. :class:`InvalidField` names ``field`` for anything else."""
    text = text.strip()
    if not text:
        return None
    found = _YUAN.match(text)
    if found is None:
        raise InvalidField(field, f"{text!r} is not an amount in yuan, e.g. 32.50")
    whole, cents = found.group(1), (found.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(cents)


def parse_missing(text: str) -> tuple[MissingLine, ...]:
    """Missing goods as typed, ``eggs-30×1、大米5kg×2`` (``x`` or ``*`` also), one of each when
    no count is given. :class:`InvalidField` (``missing``) for a count that is not positive."""
    lines: list[MissingLine] = []
    for part in re.split(r"[、,，;；\n]+", text):
        part = part.strip()
        if not part:
            continue
        found = _MISSING_PART.match(part)
        assert found is not None  # the pattern matches any non-blank text
        quantity = float(found.group(2)) if found.group(2) else 1.0
        if quantity <= 0:
            raise InvalidField("missing", f"{part!r}: the count must be more than 0")
        lines.append(MissingLine(found.group(1).strip(), quantity))
    return tuple(lines)


def format_missing(missing: tuple[MissingLine, ...]) -> str:
    """The inverse of :func:`parse_missing`."""
    return "、".join(f"{m.code}×{m.quantity:g}" for m in missing)


def format_yuan(fen: int | None) -> str:
    """The inverse of :func:`parse_yuan`: ``""`` for None, else ``32.50``."""
    return "" if fen is None else f"{fen // 100}.{fen % 100:02d}"
