"""Rationing per person (按人定量供应) at emergency levels II and I, and medical supplies by
urgency (DOMAIN.md sections 3 and 5).

:func:`ration_order` cuts one household's group-buying order down to its share while its district
is at the rationing level. The desk sets the ration in ``packing.toml``; without a ``[ration]``
table nothing is rationed. Each ration group has its own share, so grain and oil, one catalogue
category, are rationed apart::

    [ration]
    from_level = "II"              # rationing starts at this level (the seeds: II)

    [ration.group.grain]           # kg per person per delivery round, for the goods below
    name = "粮"
    name_en = "Grain"
    per_person_kg = 3.0
    categories = ["grain_oil"]     # every goods of these categories...

    [ration.group.oil]
    name = "油"
    name_en = "Cooking oil"
    per_person_kg = 0.3
    goods = ["oil-*"]              # ...except goods another group names (code patterns)

The share is ``people x kg``: for each group the order keeps whole units, heaviest first, while
they fit the share; a share smaller than the lightest unit ordered is one such unit (goods come
in bags and bottles: nobody is left without rice, oil or salt). No household gets more than its
share of any group, and one group's share never takes another's. Goods in no group and goods
missing from the catalogue are left as ordered.

:func:`ration` shares whole units of one scarce good: front-line units first (in the order given,
up to what they ask), then priority people (each gets their quota), then every community
max-min fair per person: a common per-person level is raised until stock runs out or demand is
met, so no community gets more per person while another is short (to within one unit, as units
are whole). Every step is written into :attr:`Allocation.explanation`.

:func:`allocate_medical` follows section 5: urgent use first, key areas first (not an equal
split), each request served from the nearest stock that has any.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from core.levels.signals import Level
from core.packing.orders import HouseholdOrder, OrderLine
from core.problems import Problem
from core.reference import CatalogueItem, GoodsCategory
from core.storage.tomlio import line_of, locate_lines


@attrs.frozen
class Claim:
    """A community's claim on a scarce good."""

    community: str
    population: int
    demand: int  # units asked for (or population x the per-person cap)
    priority_people: int = 0  # people in priority groups (特殊群体) in this community


@attrs.frozen
class FrontLine:
    """A front-line unit (一线单位: hospital, testing site, quarantine hotel) and its request."""

    unit: str
    request: int


@attrs.frozen
class Allocation:
    """Units per community and per front-line unit, with why."""

    communities: dict[str, int]
    front_line: dict[str, int]
    left: int
    explanation: tuple[str, ...]

    def per_person(self, claims: Sequence[Claim]) -> dict[str, float]:
        return {
            c.community: (self.communities.get(c.community, 0) / c.population)
            if c.population
            else 0.0
            for c in claims
        }


def ration(
    stock: int,
    claims: Sequence[Claim],
    front_line: Sequence[FrontLine] = (),
    priority_quota: int = 1,
) -> Allocation:
    """Share ``stock`` whole units: front line, then priority people, then max-min fair."""
    why: list[str] = [f"stock {stock} units for {len(claims)} communities"]
    left = stock
    to_units: dict[str, int] = {}
    for unit in front_line:
        given = min(unit.request, left)
        to_units[unit.unit] = given
        left -= given
        why.append(f"front line {unit.unit}: asked {unit.request}, given {given} (first call)")
    given_to: dict[str, int] = {c.community: 0 for c in claims}
    need = {c.community: c.demand for c in claims}
    for claim in claims:
        want = min(claim.priority_people * priority_quota, need[claim.community], left)
        if want > 0:
            given_to[claim.community] += want
            need[claim.community] -= want
            left -= want
            why.append(
                f"{claim.community}: {claim.priority_people} priority people x {priority_quota}"
                f" = {want} units first"
            )
    if left > 0:
        left = _max_min_fair(claims, given_to, need, left, why)
    short = [c.community for c in claims if need[c.community] > 0]
    if short:
        why.append(f"still short: {', '.join(short)}; nobody else got more per person than them")
    why.append(f"left in stock: {left}")
    return Allocation(given_to, to_units, left, tuple(why))


def _max_min_fair(
    claims: Sequence[Claim],
    given: dict[str, int],
    need: dict[str, int],
    left: int,
    why: list[str],
) -> int:
    people = {c.community: c.population for c in claims if c.population > 0}
    # Water-filling in whole units: the next unit always goes to the community with the lowest
    # units per person so far (ties by code), so when a community is short, nobody else holds a
    # unit they got while already above it. All units below a common level T go out first, in
    # bulk (less one unit each, to stay clear of rounding); a heap hands out the rest in order.

    def cost(level: float) -> int:
        return sum(
            min(need[c], max(0, math.ceil(level * p) - given[c])) for c, p in people.items()
        )

    low, high = 0.0, max(((given[c] + need[c]) / p for c, p in people.items()), default=0.0)
    for _ in range(60):
        middle = (low + high) / 2
        if cost(middle) <= left:
            low = middle
        else:
            high = middle
    for c, p in people.items():
        lift = min(need[c], max(0, math.ceil(low * p) - 1 - given[c]))
        given[c] += lift
        need[c] -= lift
        left -= lift
    heap = [(Fraction(given[c], p), c) for c, p in sorted(people.items()) if need[c] > 0]
    heapq.heapify(heap)
    while left > 0 and heap:
        _level, community = heapq.heappop(heap)
        given[community] += 1
        need[community] -= 1
        left -= 1
        if need[community] > 0:
            heapq.heappush(heap, (Fraction(given[community], people[community]), community))
    levels = ", ".join(
        f"{c} {given[c] / p:.2f}" for c, p in sorted(people.items())
    )
    why.append(f"max-min fair per person (units per person): {levels}")
    return left


@attrs.frozen
class MedicalRequest:
    """A signed request (申请审批单) for medical supplies."""

    unit: str
    quantity: int
    urgent: bool = False  # medical staff, front line
    key_area: bool = False  # a high-risk area
    received: int = 0  # order received (earlier first among equals)


@attrs.frozen
class Issue:
    """Units of one request issued from one stock point."""

    unit: str
    stock: str
    quantity: int


def allocate_medical(
    requests: Sequence[MedicalRequest],
    stock: Mapping[str, int],
    distance_km: Mapping[tuple[str, str], float],
) -> tuple[list[Issue], dict[str, int], list[str]]:
    """Issues, what is left at each stock point, and the explanation.

    Requests are served urgent first, then key areas, then in order received (not an equal
    split); each from the nearest stock point (``distance_km[(unit, stock)]``, unknown = far).
    """
    left = dict(stock)
    issues: list[Issue] = []
    why: list[str] = []
    order = sorted(requests, key=lambda r: (not r.urgent, not r.key_area, r.received, r.unit))
    for request in order:
        need = request.quantity
        nearest = sorted(left, key=lambda s: (distance_km.get((request.unit, s), float("inf")), s))
        for point in nearest:
            if need == 0:
                break
            take = min(need, left[point])
            if take:
                issues.append(Issue(request.unit, point, take))
                left[point] -= take
                need -= take
        reason = "urgent" if request.urgent else "key area" if request.key_area else "in turn"
        got = request.quantity - need
        why.append(f"{request.unit} ({reason}): asked {request.quantity}, issued {got}")
    return issues, left, why


@attrs.frozen
class RationGroup:
    """Goods rationed together (定量组), with one share per person per delivery round.

    A goods belongs to the group whose ``goods`` code patterns (``oil-*``) name it, else to the
    group listing its category: so grain and oil, one catalogue category (粮油), can each have
    a share of their own.
    """

    per_person_kg: float
    categories: tuple[GoodsCategory, ...] = ()
    goods: tuple[str, ...] = ()  # code patterns, as in shell globs
    name: str = ""
    name_en: str = ""


@attrs.frozen
class RationTable:
    """How much of each necessity one person may have in one delivery round, group by group."""

    group: dict[str, RationGroup] = attrs.Factory(dict)
    from_level: Level = Level.II

    def applies_at(self, level: Level | None) -> bool:
        return level is not None and level.rank >= self.from_level.rank

    def group_of(self, item: CatalogueItem) -> str | None:
        """The key of the group ``item`` is rationed in, or None when it is not rationed."""
        for key, group in self.group.items():
            if any(fnmatchcase(item.code, pattern) for pattern in group.goods):
                return key
        for key, group in self.group.items():
            if item.category in group.categories:
                return key
        return None


@attrs.frozen
class RationCut:
    """One order line cut down to the household's share."""

    order: str
    household: str
    code: str
    category: GoodsCategory
    ordered: int
    kept: int
    share_kg: float  # what the household may have of the group: people x its ration, or one unit
    group: str = ""


def group_share(ration: RationGroup, people: int, unit_kg: Iterable[float]) -> float:
    """A household's share of a group: ``people`` x the ration, and never less than the lightest
    of ``unit_kg`` (the weights of the units it ordered): a share smaller than a bag buys one."""
    share = ration.per_person_kg * max(people, 1)
    weights = [kg for kg in unit_kg if kg > 0]
    return max(share, min(weights)) if weights else share


def ration_order(
    order: HouseholdOrder,
    people: int,
    ration: RationTable,
    catalogue: Mapping[str, CatalogueItem],
) -> tuple[HouseholdOrder, tuple[RationCut, ...]]:
    """``order`` cut to the share of a household of ``people``, and the lines that were cut.

    Each group is cut on its own: what one group allows never counts against another. Within a
    group, units are kept heaviest first while they fit the share (:func:`group_share`).
    """
    grouped: dict[str, list[int]] = {}  # group -> positions of its lines
    for position, line in enumerate(order.lines):
        item = catalogue.get(line.code)
        key = ration.group_of(item) if item is not None else None
        if key is not None:
            grouped.setdefault(key, []).append(position)
    kept: dict[int, tuple[int, str, float]] = {}  # position -> units, group, share
    for key, positions in grouped.items():
        share = group_share(ration.group[key], people,
                            (catalogue[order.lines[p].code].kg for p in positions))
        total = 0.0
        for position in sorted(positions, key=lambda p: (-catalogue[order.lines[p].code].kg, p)):
            line = order.lines[position]
            kg = catalogue[line.code].kg
            # the slack keeps 3 x 1.5 kg inside a 4.5 kg share despite rounding
            units = line.quantity if kg <= 0 else \
                min(line.quantity, max(0, math.floor((share - total) / kg + 1e-9)))
            total += units * kg
            kept[position] = (units, key, share)
    lines: list[OrderLine] = []
    cuts: list[RationCut] = []
    for position, line in enumerate(order.lines):
        if position not in kept:
            lines.append(line)
            continue
        units, key, share = kept[position]
        if units:
            lines.append(line if units == line.quantity else attrs.evolve(line, quantity=units))
        if units < line.quantity:
            cuts.append(RationCut(order.id, order.household, line.code,
                                  catalogue[line.code].category, line.quantity, units,
                                  round(share, 3), key))
    if not cuts:
        return order, ()
    return attrs.evolve(order, lines=tuple(lines)), tuple(cuts)


def check_ration_table(
    ration: RationTable,
    path: Path,
    lines: dict[tuple[str | int, ...], int],
    catalogue: Mapping[str, CatalogueItem] | None,
) -> list[Problem]:
    """Every problem of the ``[ration]`` table, located in ``packing.toml``; with ``catalogue``,
    goods patterns must name goods of it, and no goods may be named by two groups."""
    problems: list[Problem] = []

    def bad(key: tuple[str | int, ...], field: str, message: str) -> None:
        problems.append(Problem(path, line_of(lines, key), message, field))

    if ration.from_level.rank == 0:
        bad(("ration", "from_level"), "ration.from_level", "must be a level: IV, III, II or I")
    if not ration.group:
        bad(("ration",), "ration.group", "names no ration group ([ration.group.grain] ...)")
    claimed: dict[str, str] = {}  # category -> group
    for key, group in ration.group.items():
        at: tuple[str | int, ...] = ("ration", "group", key)
        if not (math.isfinite(group.per_person_kg) and group.per_person_kg > 0):
            bad((*at, "per_person_kg"), f"ration.group.{key}.per_person_kg",
                "must be a positive number of kg")
        if not group.categories and not group.goods:
            bad(at, f"ration.group.{key}", "names no goods: give categories or goods")
        for category in group.categories:
            if category.value in claimed:
                bad((*at, "categories"), f"ration.group.{key}.categories",
                    f"{category.value} is already rationed in group {claimed[category.value]}")
            claimed.setdefault(category.value, key)
    if catalogue is not None:
        for key, group in ration.group.items():
            for pattern in group.goods:
                if not any(fnmatchcase(code, pattern) for code in catalogue):
                    bad(("ration", "group", key, "goods"), f"ration.group.{key}.goods",
                        f"{pattern!r} names no goods of the catalogue")
        for code in sorted(catalogue):
            named = [key for key, group in ration.group.items()
                     if any(fnmatchcase(code, pattern) for pattern in group.goods)]
            if len(named) > 1:
                bad(("ration", "group", named[1], "goods"), f"ration.group.{named[1]}.goods",
                    f"{code} is already rationed in group {named[0]}")
    return problems


def old_ration_format(data: dict[str, Any], path: Path, text: str) -> list[Problem]:
    """The ration by category (``[ration.per_person_kg]``) that rationed grain and oil as one."""
    ration = data.get("ration")
    if not isinstance(ration, dict) or "per_person_kg" not in ration:
        return []
    return [Problem(path, line_of(locate_lines(text), ("ration", "per_person_kg")),
                    "rations are given per group now, so grain and oil are rationed apart: "
                    "write [ration.group.grain] per_person_kg = 3.0, categories = "
                    "[\"grain_oil\"] and [ration.group.oil] per_person_kg = 0.3, goods = "
                    "[\"oil-*\"]", "ration.per_person_kg")]
