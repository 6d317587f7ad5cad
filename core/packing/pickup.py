"""Pick-up in time slots by building and unit (分时、分楼栋、分单元有序取物) at a drop point.

The seeds ask communities under control to have residents collect their goods "in time slots, by
building, by unit" so that people do not crowd the drop point. :func:`plan_pickup` gives each
household with an order exactly one slot: the buildings and units of the drop point are taken in
address order (building 2 before building 10) and filled into consecutive slots, never more than
``households_per_slot`` households in one slot, a unit whole unless it alone is over the cap (then
it is spread over consecutive slots by room). ``packing.toml`` sets the rules (defaults shown)::

    [pickup]
    window_start = "15:00"     # the first slot on the delivery day: an hour after the vans
    window_end = "19:00"       # arrive (14:00), to sort the boxes by building and unit
    slot_minutes = 30
    households_per_slot = 20   # one household every 90 s: no queue at a contactless hand-over

A drop point with more households than the window holds gets slots past its end; the plan counts
them (:attr:`PickupPlan.late`) so the operator can lengthen the window or shorten the slots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo
from datetime import time as clock
from pathlib import Path

import attrs

from core.problems import Problem
from core.storage.tomlio import line_of

#: the seeds do not size a slot; see the module docstring for the reasoning
DEFAULT_WINDOW = ("15:00", "19:00")
DEFAULT_SLOT_MINUTES = 30
DEFAULT_HOUSEHOLDS_PER_SLOT = 20
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z", re.ASCII)


@attrs.frozen
class PickupRules:
    """How a drop point's pick-up is cut into slots (packing.toml's ``[pickup]``)."""

    window_start: str = DEFAULT_WINDOW[0]
    window_end: str = DEFAULT_WINDOW[1]
    slot_minutes: int = DEFAULT_SLOT_MINUTES
    households_per_slot: int = DEFAULT_HOUSEHOLDS_PER_SLOT


@attrs.frozen
class Address:
    """A household with an order, where it lives."""

    household: str
    building: str = ""
    unit: str = ""
    room: str = ""


@attrs.frozen
class UnitCall:
    """The households of one building's unit called in one slot (all of the unit, or a part of
    it when the unit alone is over the slot's cap)."""

    building: str
    unit: str
    households: tuple[str, ...]
    whole: bool = True


@attrs.frozen
class Slot:
    """One time slot at a drop point and the building/units called in it."""

    starts: datetime
    ends: datetime
    units: tuple[UnitCall, ...]

    @property
    def households(self) -> int:
        return sum(len(u.households) for u in self.units)


@attrs.frozen
class PickupPlan:
    """The pick-up slots of one drop point."""

    community: str
    drop_point: str
    slots: tuple[Slot, ...]
    window_end: datetime | None = None

    @property
    def households(self) -> int:
        return sum(s.households for s in self.slots)

    @property
    def late(self) -> int:
        """Slots that end after the window."""
        if self.window_end is None:
            return 0
        return sum(1 for s in self.slots if s.ends > self.window_end)


def address_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for building, unit and room numbers: 2 before 10, numbers before names, and an
    empty value (an address without it) last."""
    if not text:
        return ((2, ""),)
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.findall(r"\d+|\D+", text))


def _at(day: date, hhmm: str, zone: tzinfo) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, clock(hours, minutes)).replace(tzinfo=zone)


def plan_pickup(
    community: str,
    drop_point: str,
    addresses: Iterable[Address],
    day: date,
    zone: tzinfo,
    rules: PickupRules = PickupRules(),
) -> PickupPlan:
    """The slots of one drop point on ``day``: every household in exactly one slot."""
    cap = max(rules.households_per_slot, 1)
    units: dict[tuple[str, str], list[Address]] = {}
    seen: set[str] = set()
    for address in addresses:
        if address.household not in seen:
            seen.add(address.household)
            units.setdefault((address.building, address.unit), []).append(address)
    ordered = sorted(units.items(),
                     key=lambda kv: (address_key(kv[0][0]), address_key(kv[0][1]), kv[0]))
    groups: list[list[UnitCall]] = []
    current: list[UnitCall] = []
    room = cap
    for (building, unit), members in ordered:
        ids = [a.household for a in sorted(members,
                                           key=lambda a: (address_key(a.room), a.household))]
        if len(ids) <= room:
            current.append(UnitCall(building, unit, tuple(ids)))
            room -= len(ids)
            continue
        if current:
            groups.append(current)
            current, room = [], cap
        if len(ids) <= cap:
            current.append(UnitCall(building, unit, tuple(ids)))
            room -= len(ids)
            continue
        # a unit over the cap on its own: by room, over consecutive slots
        for start in range(0, len(ids), cap):
            part = UnitCall(building, unit, tuple(ids[start:start + cap]), whole=False)
            if start + cap < len(ids):
                groups.append([part])
            else:
                current, room = [part], cap - len(part.households)
    if current:
        groups.append(current)
    first = _at(day, rules.window_start, zone)
    length = timedelta(minutes=max(rules.slot_minutes, 1))
    slots = tuple(Slot(first + number * length, first + (number + 1) * length, tuple(group))
                  for number, group in enumerate(groups))
    return PickupPlan(community, drop_point, slots, _at(day, rules.window_end, zone))


def check_pickup_rules(
    rules: PickupRules, path: Path, lines: dict[tuple[str | int, ...], int]
) -> list[Problem]:
    """Every problem of the ``[pickup]`` rules, located in ``packing.toml``."""
    problems: list[Problem] = []

    def bad(name: str, message: str) -> None:
        problems.append(Problem(path, line_of(lines, ("pickup", name)), message, f"pickup.{name}"))

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    times_ok = True
    for name in ("window_start", "window_end"):
        if not _TIME.match(getattr(rules, name)):
            bad(name, f"{getattr(rules, name)!r} is not a time of day (HH:MM)")
            times_ok = False
    if rules.households_per_slot < 1:
        bad("households_per_slot", "must be at least 1")
    if not 5 <= rules.slot_minutes <= 24 * 60:
        bad("slot_minutes", "must be from 5 to 1440 minutes")
    elif times_ok:
        window = minutes(rules.window_end) - minutes(rules.window_start)
        if window <= 0:
            bad("window_end", "must be after window_start")
        elif rules.slot_minutes > window:
            bad("slot_minutes", f"a slot of {rules.slot_minutes} minutes is longer than the "
                f"window ({window} minutes)")
    return problems
