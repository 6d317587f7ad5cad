"""Repeat calls (重复来电): is this call about a case the hotline already has open, and what do
we already know about the caller?

A caller who phones again about the same thing should join their open case, not start a second
one. :func:`find_repeat_calls` looks for open cases of the same category with the same phone
number (normalized, :mod:`core.phones`) or the same address down to the building or room;
:func:`known_caller` says what an earlier call or the household register tells about a number,
so that the operator does not ask again. Both read the case index only (no case file is parsed
to search), so they are cheap enough to run as the operator types, and work the same from a
script::

    import core
    from core.cases.duplicates import find_repeat_calls

    desk = core.open_desk("fixtures/desk")
    desk.cases.refresh()
    for found in find_repeat_calls(desk.cases, phone="0551-62881234",
                                   category=core.Category.WATER_OUTAGE):
        print(found.row.id, sorted(found.reasons))
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import attrs

from core.cases.case import Address, Case, Category
from core.cases.index import CaseRow, Query
from core.phones import normalize_phone
from core.problems import DeskError
from core.reference import Household, PriorityFlag

#: fewer digits than this are not yet a number worth looking up
MIN_DIGITS = 7


class CaseQueries(Protocol):
    """Anything that answers index queries: :class:`core.cases.store.CaseStore`, the app's
    reader."""

    def query(self, query: Query) -> list[CaseRow]: ...


class RepeatReason(enum.StrEnum):
    PHONE = "phone"  # 同一来电号码
    ADDRESS = "address"  # 同一地址


@attrs.frozen
class RepeatCall:
    """An open case this call may be a repeat of, and why it is thought so."""

    row: CaseRow
    reasons: frozenset[RepeatReason]


def find_repeat_calls(
    cases: CaseQueries,
    *,
    phone: str = "",
    address: Address | None = None,
    category: Category | None = None,
    limit: int = 5,
) -> list[RepeatCall]:
    """Open cases (of ``category``, when given) with the same phone number, or at the same
    address when it names a building or a room; newest first, at most ``limit``."""
    found: dict[str, tuple[CaseRow, set[RepeatReason]]] = {}
    digits = normalize_phone(phone)
    if len(digits) >= MIN_DIGITS:
        for row in cases.query(Query(phone=digits, category=category, open_only=True,
                                     limit=limit)):
            found.setdefault(row.id, (row, set()))[1].add(RepeatReason.PHONE)
    rendered = address.render() if address is not None else ""
    if address is not None and rendered and (address.building or address.room):
        for row in cases.query(Query(text=rendered, category=category, open_only=True,
                                     limit=limit)):
            if row.address == rendered:
                found.setdefault(row.id, (row, set()))[1].add(RepeatReason.ADDRESS)
    ordered = sorted(found.values(), key=lambda pair: (pair[0].created, pair[0].id),
                     reverse=True)
    return [RepeatCall(row, frozenset(reasons)) for row, reasons in ordered[:limit]]


@attrs.frozen
class KnownCaller:
    """What the desk knows about a phone number: from the household register (户) when the
    number is registered, else from the caller's latest case."""

    name: str = ""
    address: Address = attrs.Factory(Address)
    community: str = ""
    household: str = ""
    flags: frozenset[PriorityFlag] = frozenset()
    registered: bool = False
    earlier: tuple[CaseRow, ...] = ()


def known_caller(
    phone: str,
    *,
    cases: CaseQueries,
    households: Mapping[str, Sequence[Household]],
    streets: Mapping[str, str],
    load: Callable[[str], Case] | None = None,
    earlier: int = 3,
) -> KnownCaller | None:
    """What is known about ``phone``; None for a number never seen (or too short to look up).

    ``households`` maps normalized numbers to households (``Desk.households_by_phone``),
    ``streets`` community codes to their street; ``load`` reads a case by id, to carry over the
    address and flags of the caller's latest case when the number is not registered.
    """
    digits = normalize_phone(phone)
    if len(digits) < MIN_DIGITS:
        return None
    rows = tuple(cases.query(Query(phone=digits, limit=earlier)))
    registered = list(households.get(digits, ()))
    if registered:
        household = registered[0]
        resident = next((r for r in household.residents if normalize_phone(r.phone) == digits),
                        household.residents[0] if household.residents else None)
        return KnownCaller(
            name=resident.name if resident else "",
            address=Address(streets.get(household.community, ""), household.building,
                            household.unit, household.room),
            community=household.community, household=household.id,
            flags=household.flags, registered=True, earlier=rows)
    if not rows:
        return None
    latest = rows[0]
    if load is not None:
        try:
            case = load(latest.id)
        except (KeyError, OSError, ValueError, DeskError):
            pass  # unreadable now: what the index knows will do
        else:
            return KnownCaller(name=case.caller.name, address=case.caller.address,
                               community=case.community, household=case.household,
                               flags=case.flags, earlier=rows)
    return KnownCaller(name=latest.name, community=latest.community, flags=latest.flags,
                       earlier=rows)
