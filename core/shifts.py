"""The desk's shifts (班次): which shift a moment falls in, decided once for the whole project.

``desk.toml`` lists the shifts by the clock time each starts; a shift runs until the next one
starts, round the clock. Without a list the desk works the two 12-hour shifts of the README:

```toml
[[shifts]]
name = "白班"
name_en = "Day shift"
start = "08:00"

[[shifts]]
name = "夜班"
name_en = "Night shift"
start = "20:00"
```

The handover (:mod:`core.handovers`), the shift report (``baogong export report shift``) and the
console's reports all ask the desk's :class:`Shifts` (``desk.shifts.at(now)``); the handover
covers :meth:`Shifts.to_hand_over`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo

import attrs

from core.problems import InvalidField

CLOCK_PATTERN = re.compile(r"\A([01][0-9]|2[0-3]):([0-5][0-9])\Z")
#: a handover written this soon after a shift began is the handover of the shift before
HANDOVER_GRACE = timedelta(hours=1)


def _check_clock(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not CLOCK_PATTERN.match(value):
        raise InvalidField(attribute.name, f"{value!r} is not a time of day (HH:MM, 00:00-23:59)")


def _check_name(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise InvalidField(attribute.name, "a shift needs a name")


@attrs.frozen
class ShiftTime:
    """One shift as ``desk.toml`` defines it: its name and the time of day it starts."""

    name: str = attrs.field(validator=_check_name)
    start: str = attrs.field(validator=_check_clock)
    name_en: str = ""

    @property
    def start_time(self) -> time:
        hours, minutes = self.start.split(":")
        return time(int(hours), int(minutes))


DEFAULT_SHIFTS = (
    ShiftTime("白班", "08:00", "Day shift"),
    ShiftTime("夜班", "20:00", "Night shift"),
)


def check_shifts(_instance: object, attribute: attrs.Attribute[tuple[ShiftTime, ...]],
                 value: tuple[ShiftTime, ...]) -> None:
    """At least one shift; no two start at the same time or share a name."""
    if not value:
        raise InvalidField(attribute.name, "list at least one shift (name and start)")
    starts = [s.start for s in value]
    for start in starts:
        if starts.count(start) > 1:
            raise InvalidField(attribute.name, f"two shifts start at {start}")
    names = [s.name for s in value]
    for name in names:
        if names.count(name) > 1:
            raise InvalidField(attribute.name, f"two shifts are named {name!r}")


@attrs.frozen
class Shift:
    """One shift on the calendar: the 白班 of 2026-11-23 runs 08:00-20:00 that day."""

    name: str
    name_en: str
    start: datetime
    end: datetime

    def label(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def _calendar(shifts: Sequence[ShiftTime], day: date, zone: tzinfo,
              days: int = 3) -> list[tuple[datetime, ShiftTime]]:
    """Every shift start from the day before ``day`` on, in time order."""
    starts = [
        (datetime.combine(day + timedelta(days=offset), shift.start_time, tzinfo=zone), shift)
        for offset in range(-1, days - 1)
        for shift in shifts
    ]
    return sorted(starts, key=lambda pair: pair[0])


def _occurrence(starts: list[tuple[datetime, ShiftTime]], index: int) -> Shift:
    start, shift = starts[index]
    return Shift(shift.name, shift.name_en, start, starts[index + 1][0])


def shift_at(shifts: Sequence[ShiftTime], moment: datetime, zone: tzinfo) -> Shift:
    """The shift ``moment`` falls in."""
    local = moment.astimezone(zone)
    starts = _calendar(shifts, local.date(), zone)
    index = max(i for i, (start, _s) in enumerate(starts[:-1]) if start <= local)
    return _occurrence(starts, index)


def shift_before(shifts: Sequence[ShiftTime], shift: Shift, zone: tzinfo) -> Shift:
    """The shift that ended when ``shift`` began."""
    return shift_at(shifts, shift.start - timedelta(seconds=1), zone)


def shift_to_hand_over(shifts: Sequence[ShiftTime], now: datetime, zone: tzinfo) -> Shift:
    """The shift that is ending: the current one, or, in the first hour of a shift
    (:data:`HANDOVER_GRACE`), the one that has just ended."""
    current = shift_at(shifts, now, zone)
    if now - current.start < HANDOVER_GRACE:
        return shift_before(shifts, current, zone)
    return current


def shifts_on(shifts: Sequence[ShiftTime], day: date, zone: tzinfo) -> list[Shift]:
    """The shifts that start on ``day``, in time order (白班 then 夜班)."""
    starts = _calendar(shifts, day, zone)
    return [_occurrence(starts, i) for i, (start, _s) in enumerate(starts[:-1])
            if start.date() == day]


@attrs.frozen
class Shifts:
    """A desk's shifts in its time zone (``desk.shifts``): the one place that says which shift
    it is."""

    times: tuple[ShiftTime, ...]
    zone: tzinfo

    def at(self, moment: datetime) -> Shift:
        """The shift ``moment`` falls in: the current shift when ``moment`` is now."""
        return shift_at(self.times, moment, self.zone)

    def before(self, shift: Shift) -> Shift:
        """The shift that ended when ``shift`` began."""
        return shift_before(self.times, shift, self.zone)

    def to_hand_over(self, now: datetime) -> Shift:
        """The shift that is ending (:func:`shift_to_hand_over`)."""
        return shift_to_hand_over(self.times, now, self.zone)

    def received_at(self, now: datetime) -> Shift:
        """The shift whose handover the shift at ``now`` receives: the one before it."""
        return self.before(self.at(now))

    def on(self, day: date) -> list[Shift]:
        """The shifts that start on ``day``, in time order."""
        return shifts_on(self.times, day, self.zone)
