"""Packing household group-buying orders (社区团购订单) into labelled boxes.

Each household's order is packed on its own (two households never share a box) into as few
boxes as possible, respecting weight and volume. Chemicals (84 disinfectant, alcohol) never share
a box with food; chilled goods (meat, milk) get boxes of their own when the desk says so; other
goods (paper, masks) go wherever there is room. Every box gets a :class:`Label` with the
community, building/unit/room, the amount to pay or "paid"/"on account", the payment reference
and the contents, as the supermarket must print it (DOMAIN.md section 6).

:class:`OrderPacker` turns catalogue kilograms and litres into whole grams and millilitres once
per catalogue, then packs each order with kind-aware first fit decreasing (so it is never worse
than FFD), proves optimality cheaply with L1 where it can, computes the Martello-Toth L2 /
vector bound and the bound of the splits among classes (:mod:`core.packing.classbound`) only
where there is a gap, and spends any ``time_limit`` searching only there.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable, Mapping, Sequence, Sized
from datetime import datetime

import attrs

from core.packing.assignment import Assignment, assign
from core.packing.bounds import Bounded
from core.packing.boxes import Box, grams, grams_down
from core.packing.bysplit import BySplit, pack_by_split
from core.packing.classbound import group_bound, l1_by_class, split_bound
from core.packing.completion import Completion, complete
from core.packing.cpsat import available as exact_extra_available
from core.packing.cpsat import fewer_boxes
from core.packing.heuristics import Instance
from core.packing.solver import solve
from core.reference import CatalogueItem, GoodsCategory

FOOD = frozenset(
    {
        GoodsCategory.GRAIN_OIL,
        GoodsCategory.MEAT,
        GoodsCategory.EGGS,
        GoodsCategory.MILK,
        GoodsCategory.VEGETABLES,
        GoodsCategory.FRUIT,
        GoodsCategory.SALT,
        GoodsCategory.CONDIMENTS,
    }
)


def goods_class(item: CatalogueItem, separate_chilled: bool = True) -> str:
    """The packing class of a catalogue item: ``chemical``, ``chilled``, ``food`` or ``""``."""
    if item.chemical or item.category == GoodsCategory.DISINFECTANT:
        return "chemical"
    if item.chilled and separate_chilled:
        return "chilled"
    if item.category in FOOD:
        return "food"
    return ""


class Payment(enum.StrEnum):
    """How an order is paid (付款方式)."""

    DUE = "due"  # pay on delivery (货到付款): the label shows the amount
    PAID = "paid"  # paid in advance (已付)
    ON_ACCOUNT = "on_account"  # a grid worker paid for them and keeps a ledger (代付记账)


PAYMENT_TEXT = {Payment.PAID: "已付 paid", Payment.ON_ACCOUNT: "记账 on account"}


@attrs.frozen
class OrderLine:
    """One line of an order: a catalogue code and a quantity in the catalogue's unit."""

    code: str
    quantity: int = 1


@attrs.frozen
class HouseholdOrder:
    """One household's group-buying order (一户一单)."""

    id: str
    household: str
    community: str
    lines: tuple[OrderLine, ...]
    building: str = ""
    unit: str = ""
    room: str = ""
    payment: Payment = Payment.DUE
    payment_ref: str = ""
    community_name: str = ""
    #: when the order was taken (aware), by whom, and where from (``case ...``, ``list ...``):
    #: orders entered at the desk carry them, older round files may not
    taken_at: datetime | None = None
    taken_by: str = ""
    source: str = ""
    #: who pays for an order ``on_account`` (代付), owed by the household until settled
    grid_worker: str = ""

    @property
    def address(self) -> str:
        parts = [
            f"{self.building}栋" if self.building else "",
            f"{self.unit}单元" if self.unit else "",
            f"{self.room}室" if self.room else "",
        ]
        return "".join(parts)


@attrs.frozen
class Label:
    """What is printed on a box (箱贴): address, amount, payment code and contents."""

    community: str
    address: str
    household: str
    order: str
    box: int
    of: int
    payment: str
    payment_ref: str
    contents: tuple[tuple[str, int], ...]
    kind: str

    def lines(self) -> list[str]:
        goods = "、".join(f"{name}×{n}" for name, n in self.contents)
        return [
            f"{self.community} {self.address}  ({self.household})",
            f"箱 {self.box}/{self.of}  {self.kind or 'mixed'}",
            f"{self.payment}  {self.payment_ref}".rstrip(),
            goods,
        ]


@attrs.frozen
class OrderBox:
    """One packed box of one order, with its label."""

    codes: tuple[str, ...]
    kg: float
    litres: float
    label: Label


@attrs.frozen
class OrderPacking(Bounded):
    """An order's boxes, the lower bound and the first-fit-decreasing count."""

    order: str
    boxes: tuple[OrderBox, ...]
    lower_bound: int
    ffd_count: int

    def containers(self) -> Sized:
        return self.boxes


#: nodes the exact search may spend on one order with a gap, and the time it may take at most
#: (the node budget ends it first on any usual order: orders pack the same on any machine)
EXACT_NODES = 3000
EXACT_SECONDS = 0.5
#: the same for orders limited by volume as well, placed unit by unit
ASSIGN_NODES = 5000


class UnknownGoodsError(KeyError):
    """An order names a code that is not in the catalogue."""


# one unit of goods: (sort key, grams, millilitres, class, code)
_Unit = tuple[int, int, int, str, str]


class OrderPacker:
    """Packs orders against one catalogue and one box size; ``exact_extra=False`` leaves out
    CP-SAT even where the optional extra is installed."""

    def __init__(
        self,
        catalogue: Mapping[str, CatalogueItem] | Iterable[CatalogueItem],
        box: Box,
        separate_chilled: bool = True,
        exact_extra: bool = True,
    ) -> None:
        items = catalogue.values() if isinstance(catalogue, Mapping) else catalogue
        self.catalogue = {item.code: item for item in items}
        self.box = box
        self.c1 = grams_down(box.max_kg)
        self.c2 = grams_down(box.max_litres) if box.max_litres is not None else 0
        self.volume = box.max_litres is not None
        self.exact_extra = exact_extra and exact_extra_available()
        self._units: dict[str, _Unit] = {}
        for code, item in self.catalogue.items():
            w1 = grams(item.kg)
            w2 = grams(item.litres) if self.volume else 0
            key = w1 * self.c2 + w2 * self.c1 if self.volume else w1
            self._units[code] = (key, w1, w2, goods_class(item, separate_chilled), code)

    def fits(self, code: str) -> bool:
        _k, w1, w2, _c, _code = self._units[code]
        return w1 <= self.c1 and w2 <= self.c2

    def units(self, order: HouseholdOrder) -> list[_Unit]:
        found: list[_Unit] = []
        table = self._units
        for line in order.lines:
            unit = table.get(line.code)
            if unit is None:
                raise UnknownGoodsError(f"order {order.id}: unknown goods code {line.code!r}")
            found.extend([unit] * line.quantity)
        return found

    def pack(self, order: HouseholdOrder, time_limit: float = 0.0, seed: int = 0) -> OrderPacking:
        """Pack one order; search for fewer boxes for up to ``time_limit`` s if there is a gap."""
        units = self.units(order)
        bins, lower, ffd = self.pack_units(units, time_limit, seed)
        return self._label(order, bins, lower, len(self._ffd(units)) if ffd is None else ffd)

    def pack_units(
        self, units: list[_Unit], time_limit: float = 0.0, seed: int = 0
    ) -> tuple[list[list[_Unit]], int, int | None]:
        """Boxes of units, the lower bound, and the FFD count (None when not needed).

        Each class is packed first fit decreasing on its own, then unclassed goods go first fit
        decreasing into whatever room is left, then into boxes of their own. When that does
        not meet the L1 bound, the order also gets the Martello-Toth / vector bound, the plain
        class-aware FFD (the better of the two is kept, so the result is never worse than FFD)
        and the exact search within a node budget; given ``time_limit`` (all of this counted in
        it), CP-SAT where the optional extra is installed, then the full search.
        """
        started = time.perf_counter()
        c1, c2 = self.c1, self.c2
        groups: dict[str, list[_Unit]] = {}
        for unit in units:
            if unit[1] > c1 or unit[2] > c2:
                raise ValueError(f"{unit[4]!r} does not fit an empty box")
            group = groups.get(unit[3])
            if group is None:
                groups[unit[3]] = [unit]
            else:
                group.append(unit)
        loose = groups.pop("", None)
        bins: list[list[_Unit]] = []
        r1: list[int] = []
        r2: list[int] = []

        def first_fit_decreasing(members: list[_Unit], start: int) -> None:
            """Place ``members`` into the boxes from ``start`` on, opening boxes as needed."""
            members.sort(reverse=True)
            for unit in members:
                a, b = unit[1], unit[2]
                for j in range(start, len(bins)):
                    if a <= r1[j] and b <= r2[j]:
                        bins[j].append(unit)
                        r1[j] -= a
                        r2[j] -= b
                        break
                else:
                    bins.append([unit])
                    r1.append(c1 - a)
                    r2.append(c2 - b)

        for members in groups.values():
            first_fit_decreasing(members, len(bins))  # a class only shares its own boxes
        if loose is not None:
            first_fit_decreasing(loose, 0)  # unclassed goods fit wherever there is room
        if len(bins) <= 1:
            return bins, len(bins), None
        lower = l1_by_class(units, c1, c2)
        if lower == len(bins):
            return bins, lower, None
        lower = self._strong_bound(units, lower, len(bins))
        baseline = self._ffd(units)
        if len(baseline) < len(bins):
            bins = baseline
        if len(bins) > lower:
            bins, lower = self._exact(units, bins, lower, seed)
        if len(bins) > lower and time_limit > 0 and self.exact_extra:
            left = started + time_limit - time.perf_counter()
            bins, lower = self._solve_exactly(units, bins, lower, left)
        left = started + time_limit - time.perf_counter()
        if len(bins) > lower and left > 0:
            better = self._search(units, left, seed)
            if len(better) < len(bins):
                bins = [[units[i] for i in b] for b in better]
        return bins, lower, len(baseline)

    def _exact(
        self, units: Sequence[_Unit], bins: list[list[_Unit]], lower: int, seed: int
    ) -> tuple[list[list[_Unit]], int]:
        """Close the gap exactly: a packing into ``lower`` boxes, or a proof that there is none
        (then the bound rises by one and the search goes on), within a node budget.

        An order with classes is first packed class by class over the splits of its boxes
        among the classes (:mod:`core.packing.bysplit`). What that leaves open goes, by weight
        alone, to bin completion, which closes practically every such gap in a few hundred
        nodes; with volume as well the waste budget is wide in one of the two and it closes
        almost none: those go unit by unit (:mod:`core.packing.assignment`).
        """
        inst = Instance(tuple(u[1] for u in units), tuple(u[2] for u in units), self.c1, self.c2)
        kinds = [u[3] for u in units]
        deadline = time.perf_counter() + EXACT_SECONDS
        while lower < len(bins):
            found: BySplit | Assignment | Completion
            found = pack_by_split(inst.w1, inst.w2, kinds, self.c1, self.c2, lower, deadline)
            if found.bins is None and not found.impossible:
                found = (assign(inst, lower, deadline, kinds, ASSIGN_NODES) if self.volume
                         else complete(inst, lower, deadline, seed, kinds, EXACT_NODES))
            if found.bins is not None:
                return [[units[i] for i in b] for b in found.bins], lower
            if not found.impossible:
                break
            lower += 1
        return bins, lower

    def _solve_exactly(
        self, units: Sequence[_Unit], bins: list[list[_Unit]], lower: int, seconds: float
    ) -> tuple[list[list[_Unit]], int]:
        """The gap closed by CP-SAT (the optional extra) within ``seconds``, where it can."""
        w1, w2, kinds = [u[1] for u in units], [u[2] for u in units], [u[3] for u in units]
        fewer = fewer_boxes(w1, w2, kinds, self.c1, self.c2, len(bins), lower, seconds)
        if fewer.bins is not None:
            bins = [[units[i] for i in b] for b in fewer.bins]
        return bins, fewer.lower

    def _ffd(self, units: Sequence[_Unit]) -> list[list[_Unit]]:
        """First fit decreasing over all units; a box takes the class of its first classed unit."""
        c1, c2 = self.c1, self.c2
        bins: list[list[_Unit]] = []
        r1: list[int] = []
        r2: list[int] = []
        kinds: list[str] = []
        for unit in sorted(units, reverse=True):
            _key, a, b, kind, _code = unit
            for j in range(len(bins)):
                if a <= r1[j] and b <= r2[j] and (not kind or kinds[j] == kind or not kinds[j]):
                    bins[j].append(unit)
                    r1[j] -= a
                    r2[j] -= b
                    if kind and not kinds[j]:
                        kinds[j] = kind
                    break
            else:
                bins.append([unit])
                r1.append(c1 - a)
                r2.append(c2 - b)
                kinds.append(kind)
        return bins

    def ffd_count(self, order: HouseholdOrder) -> int:
        """Boxes first fit decreasing (class-aware) uses for ``order``: the baseline."""
        return len(self._ffd(self.units(order)))

    def _strong_bound(self, units: Sequence[_Unit], lower: int, upper: int) -> int:
        """The vector (or L2) bound per class summed, of all units together, and the split
        bound (:mod:`core.packing.classbound`) on top, from ``lower`` up to ``upper``."""
        c1, c2 = self.c1, self.c2
        groups: dict[str, list[_Unit]] = {}
        for unit in units:
            groups.setdefault(unit[3], []).append(unit)
        loose = groups.pop("", None)
        by_class = {
            kind: group_bound([u[1] for u in g], [u[2] for u in g], c1, c2)
            for kind, g in groups.items()
        }
        lower = max(lower, sum(by_class.values()))
        if loose is None:
            return lower
        w1, w2 = [u[1] for u in units], [u[2] for u in units]
        lower = max(lower, group_bound(w1, w2, c1, c2))
        if lower >= upper or not by_class:
            return lower
        return split_bound(w1, w2, [u[3] for u in units], c1, c2, lower, upper, by_class)

    def _search(self, units: Sequence[_Unit], time_limit: float, seed: int) -> list[list[int]]:
        """Each class on its own through the full solver; loose goods fill leftover room."""
        deadline = time.perf_counter() + time_limit
        groups: dict[str, list[int]] = {}
        for i, unit in enumerate(units):
            groups.setdefault(unit[3], []).append(i)
        loose = groups.pop("", [])
        bins: list[list[int]] = []
        room: list[list[int]] = []
        for members in list(groups.values()) + ([loose] if not groups else []):
            inst = Instance(
                tuple(units[i][1] for i in members),
                tuple(units[i][2] for i in members),
                self.c1,
                self.c2,
            )
            solution = solve(inst, time_limit, seed, deadline)
            for b in solution.bins:
                bins.append([members[i] for i in b])
                room.append(
                    [
                        self.c1 - sum(units[members[i]][1] for i in b),
                        self.c2 - sum(units[members[i]][2] for i in b),
                    ]
                )
        if groups and loose:
            rest = []
            for i in sorted(loose, key=lambda i: units[i][0], reverse=True):
                for j, r in enumerate(room):
                    if units[i][1] <= r[0] and units[i][2] <= r[1]:
                        bins[j].append(i)
                        r[0] -= units[i][1]
                        r[1] -= units[i][2]
                        break
                else:
                    rest.append(i)
            if rest:
                inst = Instance(
                    tuple(units[i][1] for i in rest),
                    tuple(units[i][2] for i in rest),
                    self.c1,
                    self.c2,
                )
                solution = solve(inst, time_limit, seed, deadline)
                bins.extend([rest[i] for i in b] for b in solution.bins)
        return bins

    def _label(
        self,
        order: HouseholdOrder,
        bins: Sequence[Sequence[_Unit]],
        lower: int,
        ffd: int,
    ) -> OrderPacking:
        boxes = []
        payment = PAYMENT_TEXT.get(order.payment)
        if payment is None:
            amount = sum(
                self.catalogue[line.code].price_fen * line.quantity for line in order.lines
            )
            payment = f"应付 due ¥{amount // 100}.{amount % 100:02d}"
        for number, members in enumerate(bins, start=1):
            codes = tuple(unit[4] for unit in members)
            counts: dict[str, int] = {}
            for code in codes:
                counts[code] = counts.get(code, 0) + 1
            kind = next((unit[3] for unit in members if unit[3]), "")
            label = Label(
                community=order.community_name or order.community,
                address=order.address,
                household=order.household,
                order=order.id,
                box=number,
                of=len(bins),
                payment=payment,
                payment_ref=order.payment_ref,
                contents=tuple((self.catalogue[c].name, n) for c, n in counts.items()),
                kind=kind,
            )
            boxes.append(
                OrderBox(
                    codes,
                    round(sum(self.catalogue[c].kg for c in codes), 6),
                    round(sum(self.catalogue[c].litres for c in codes), 6),
                    label,
                )
            )
        return OrderPacking(order.id, tuple(boxes), lower, ffd)


@attrs.frozen
class RoundTotals:
    """Totals over a round's orders: boxes, lower bound, gap, FFD boxes."""

    orders: int
    boxes: int
    lower_bound: int
    ffd_boxes: int

    @property
    def gap(self) -> int:
        return self.boxes - self.lower_bound


def totals(packings: Iterable[OrderPacking]) -> RoundTotals:
    n = boxes = lower = ffd = 0
    for p in packings:
        n += 1
        boxes += p.count
        lower += p.lower_bound
        ffd += p.ffd_count
    return RoundTotals(n, boxes, lower, ffd)
