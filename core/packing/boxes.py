"""Packing a list of goods into standard boxes (装箱): weight and volume, classes kept apart.

This is the packer's front door. Items carry real kilograms and litres; they are scaled to whole
grams and millilitres (rounded up, capacities rounded down, so an integer packing is a real one)
and reduced by their common divisor before the engine sees them. Items of different classes
(``food``, ``chemical``, ``chilled``...) never share a box; items without a class go anywhere.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence, Sized
from functools import reduce

import attrs

from core.packing.bounds import Bounded, l2, vector_bound
from core.packing.heuristics import CLOCK_EVERY, Bins, Instance, by_decreasing, past
from core.packing.solver import bound_deadline, construction_deadline, solve

#: what a box's kg and litres are scaled by before packing (grams, millilitres)
SCALE = 1000
#: the most copies one packing may hold (the sum of the items' counts): every copy is a unit the
#: packer places, and this many are packed within a time limit of a second
MAX_COPIES = 100_000
#: the largest box: what one box may hold, kg and litres (the packer's exact subset sums work on
#: bitsets as wide as a box's capacity in grams)
MAX_BOX_KG = 1_000.0
MAX_BOX_LITRES = 10_000.0


def _finite(attribute: attrs.Attribute[float] | attrs.Attribute[float | None],
            value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{attribute.name} must be a finite number, got {value}")


def _positive(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    _finite(attribute, value)
    if not value > 0:
        raise ValueError(f"{attribute.name} must be positive, got {value}")


def _non_negative(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    _finite(attribute, value)
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def _box_kg(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    _positive(_instance, attribute, value)
    if value > MAX_BOX_KG:
        raise ValueError(f"{attribute.name} must be at most {MAX_BOX_KG:g}, got {value:g}")


def _box_litres(
    _instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is None:
        return
    _finite(attribute, value)
    if not 0 < value <= MAX_BOX_LITRES:
        raise ValueError(f"{attribute.name} must be positive and at most {MAX_BOX_LITRES:g}, "
                         f"got {value:g}")


def _copies(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1 <= value <= MAX_COPIES:
        raise ValueError(f"{attribute.name} must be from 1 to {MAX_COPIES}, got {value}")


@attrs.frozen
class Item:
    """Goods to pack: ``count`` copies of something weighing ``kg`` and taking ``litres``."""

    id: str
    kg: float = attrs.field(validator=_non_negative)
    litres: float = attrs.field(default=0.0, validator=_non_negative)
    count: int = attrs.field(default=1, validator=_copies)
    kind: str = ""  # the item's class; "" mixes with anything


@attrs.frozen
class Box:
    """A box size (箱规): how much it may hold, and what it weighs empty."""

    max_kg: float = attrs.field(validator=_box_kg)
    max_litres: float | None = attrs.field(default=None, validator=_box_litres)
    tare_kg: float = attrs.field(default=0.0, validator=_non_negative)
    name: str = ""


@attrs.frozen
class PackedBox:
    """One packed box: the ids of what is in it (an id repeats once per copy)."""

    items: tuple[str, ...]
    kg: float
    litres: float
    kind: str = ""


@attrs.frozen
class Packing(Bounded):
    """The boxes used, with a proved lower bound on how few could do and the FFD count."""

    boxes: tuple[PackedBox, ...]
    lower_bound: int
    ffd_count: int

    def containers(self) -> Sized:
        return self.boxes


def grams(value: float) -> int:
    """``value`` thousandths, rounded up (``0.3`` kg is 300 g, not 301)."""
    return math.ceil(round(value * SCALE, 6))


def grams_down(value: float) -> int:
    return math.floor(round(value * SCALE, 6))


class TooBigError(ValueError):
    """An item does not fit an empty box."""

    def __init__(self, item: Item, box: Box) -> None:
        self.item = item
        super().__init__(
            f"item {item.id!r} ({item.kg:g} kg, {item.litres:g} L) does not fit an empty box "
            f"({box.max_kg:g} kg"
            + (f", {box.max_litres:g} L)" if box.max_litres is not None else ")")
        )


class TooManyCopiesError(ValueError):
    """The items' counts add up to more than :data:`MAX_COPIES`."""

    def __init__(self, copies: int) -> None:
        self.copies = copies
        super().__init__(f"{copies} copies in all: a packing holds at most {MAX_COPIES}")


class _Units:
    """Every copy of every item, scaled to integers that share one divisor per dimension."""

    def __init__(self, items: Sequence[Item], box: Box) -> None:
        copies = sum(item.count for item in items)
        if copies > MAX_COPIES:  # checked before a list of copies is made
            raise TooManyCopiesError(copies)
        c1 = grams_down(box.max_kg)
        self.volume = box.max_litres is not None
        c2 = grams_down(box.max_litres) if box.max_litres is not None else 0
        units: list[Item] = []
        raw1: list[int] = []
        raw2: list[int] = []
        for item in items:  # sizes are scaled once per item, not once per copy
            a, b = grams(item.kg), grams(item.litres) if self.volume else 0
            if a > c1 or (self.volume and b > c2):
                raise TooBigError(item, box)
            units.extend([item] * item.count)
            raw1.extend([a] * item.count)
            raw2.extend([b] * item.count)
        self.units = units
        g1 = reduce(math.gcd, {*raw1}, c1)
        g2 = reduce(math.gcd, {*raw2}, c2) or 1
        self.w1 = [a // g1 for a in raw1]
        self.w2 = [b // g2 for b in raw2]
        self.c1 = c1 // g1
        self.c2 = c2 // g2
        self.kinds = sorted({u.kind for u in units})

    def instance(self, members: Sequence[int]) -> Instance:
        return Instance(
            tuple(self.w1[i] for i in members), tuple(self.w2[i] for i in members), self.c1, self.c2
        )

    def box(self, members: Iterable[int]) -> PackedBox:
        chosen = [self.units[i] for i in members]
        kind = next((u.kind for u in chosen if u.kind), "")
        return PackedBox(
            tuple([u.id for u in chosen]),
            round(sum([u.kg for u in chosen]), 6),
            round(sum([u.litres for u in chosen]), 6),
            kind,
        )


def _bound(inst: Instance, deadline: float | None = None) -> int:
    if inst.c2:
        return vector_bound(inst.w1, inst.w2, inst.c1, inst.c2, deadline=deadline)
    return l2(inst.w1, inst.c1)


def pack_items(
    items: Sequence[Item], box: Box, time_limit: float = 1.0, seed: int = 0
) -> Packing:
    """Pack ``items`` into as few ``box`` es as ``time_limit`` seconds allow.

    Never uses more boxes than first fit decreasing on the same items (:func:`ffd_boxes`). The
    lower bound is the sum of the classes' bounds, or, when unclassed items could join any class,
    the larger of that sum and the bound for all items together.

    Every step looks at the clock, so the call returns within about twice ``time_limit`` on any
    list: the search stops at the limit, and on a list too long for the constructions they finish
    by next fit at :func:`~core.packing.solver.construction_deadline` (then the result, and
    ``ffd_count``, are those of the shortened construction).

    Raises :class:`TooBigError` if an item does not fit an empty box, :class:`TooManyCopiesError`
    if the counts add up to more than :data:`MAX_COPIES`.
    """
    deadline = time.perf_counter() + time_limit
    construct_by = construction_deadline(deadline, time_limit)
    units = _Units(items, box)
    members: dict[str, list[int]] = {}
    for i, unit in enumerate(units.units):
        members.setdefault(unit.kind, []).append(i)
    loose = members.pop("", [])
    bins: Bins = []
    lower = 0
    pending = sorted(members.values(), key=len)
    for index, group in enumerate(pending):
        share = (deadline - time.perf_counter()) / (len(pending) - index + (1 if loose else 0))
        solution = solve(units.instance(group), max(share, 0.0), seed, deadline, construct_by)
        lower += solution.lower_bound
        bins.extend([group[i] for i in b] for b in solution.bins)
    if loose:
        rest = _fill_room(units, bins, loose, construct_by) if bins else loose
        if rest:
            remaining = max(deadline - time.perf_counter(), 0.0)
            solution = solve(units.instance(rest), remaining, seed, deadline, construct_by)
            bins.extend([rest[i] for i in b] for b in solution.bins)
        everything = units.instance(range(len(units.units)))
        lower = max(lower, _bound(everything, bound_deadline(deadline, construct_by)))
    baseline = _ffd_kinds(units, construct_by)
    if len(bins) > len(baseline):
        bins = baseline
    return Packing(tuple(units.box(b) for b in bins), lower, len(baseline))


def _fill_room(
    units: _Units, bins: Bins, loose: Sequence[int], deadline: float | None = None
) -> list[int]:
    """Put unclassed items into the room class boxes leave (first fit decreasing); the rest back.

    Past ``deadline`` the remaining items all go back.
    """
    w1, w2 = units.w1, units.w2
    room1 = [units.c1 - sum(w1[i] for i in b) for b in bins]
    room2 = [units.c2 - sum(w2[i] for i in b) for b in bins]
    key = _key(units)
    rest: list[int] = []
    ordered = by_decreasing(loose, key)
    for count, i in enumerate(ordered):
        if count % CLOCK_EVERY == 0 and past(deadline):
            rest.extend(ordered[count:])
            break
        for j in range(len(bins)):
            if w1[i] <= room1[j] and w2[i] <= room2[j]:
                bins[j].append(i)
                room1[j] -= w1[i]
                room2[j] -= w2[i]
                break
        else:
            rest.append(i)
    return rest


def _key(units: _Units) -> list[int]:
    if units.c2:
        return [a * units.c2 + b * units.c1 for a, b in zip(units.w1, units.w2, strict=True)]
    return list(units.w1)


def _ffd_kinds(units: _Units, deadline: float | None = None) -> Bins:
    """First fit decreasing over all items; a box takes the class of its first classed item.

    Past ``deadline`` only the newest box is tried (next fit) for the remaining items.
    """
    w1, w2, c1, c2 = units.w1, units.w2, units.c1, units.c2
    key = _key(units)
    kinds = [u.kind for u in units.units]
    bins: Bins = []
    r1: list[int] = []
    r2: list[int] = []
    box_kind: list[str] = []
    late = False
    for count, i in enumerate(by_decreasing(range(len(key)), key)):
        if not late and count % CLOCK_EVERY == 0:
            late = past(deadline)
        a, b, kind = w1[i], w2[i], kinds[i]
        for j in range(len(bins) - 1 if late and bins else 0, len(bins)):
            if a <= r1[j] and b <= r2[j] and (not kind or not box_kind[j] or box_kind[j] == kind):
                bins[j].append(i)
                r1[j] -= a
                r2[j] -= b
                if kind:
                    box_kind[j] = kind
                break
        else:
            bins.append([i])
            r1.append(c1 - a)
            r2.append(c2 - b)
            box_kind.append(kind)
    return bins


def ffd_boxes(items: Sequence[Item], box: Box) -> tuple[PackedBox, ...]:
    """The first-fit-decreasing packing of ``items``: the baseline every packing must match."""
    units = _Units(items, box)
    return tuple(units.box(b) for b in _ffd_kinds(units))
