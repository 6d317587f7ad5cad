"""Rationing per person (按人定量供应) at emergency levels II and I, and medical supplies by
urgency (DOMAIN.md sections 3 and 5).

:func:`ration_order` cuts one household's group-buying order down to its share while its district
is at the rationing level. The desk sets the ration in ``packing.toml``; without a ``[ration]``
table nothing is rationed::

    [ration]
    from_level = "II"              # rationing starts at this level (the seeds: II)

    [ration.per_person_kg]         # kg per person per delivery round, by goods category
    grain_oil = 3.0                # 粮油
    meat = 1.0                     # 肉
    eggs = 1.0                     # 蛋
    milk = 3.0                     # 奶
    vegetables = 4.5               # 蔬菜
    salt = 0.1                     # 食盐

The share is ``people x kg``: for each rationed category the order keeps whole units, heaviest
first, while the household is still below its share; the unit that reaches the share is kept
whole. Goods come in bags and trays, so a share smaller than a bag still buys one bag (nobody is
left without rice or salt), and no household gets more than its share plus one unit. Categories
without a ration and goods missing from the catalogue are left as ordered.

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
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from core.levels.signals import Level
from core.packing.orders import HouseholdOrder, OrderLine
from core.reference import CatalogueItem, GoodsCategory


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
class RationTable:
    """How much of each necessity one person may have in one delivery round."""

    per_person_kg: dict[GoodsCategory, float] = attrs.Factory(dict)
    from_level: Level = Level.II

    def applies_at(self, level: Level | None) -> bool:
        return level is not None and level.rank >= self.from_level.rank


@attrs.frozen
class RationCut:
    """One order line cut down to the household's share."""

    order: str
    household: str
    code: str
    category: GoodsCategory
    ordered: int
    kept: int
    share_kg: float  # people x the ration of the category


def ration_order(
    order: HouseholdOrder,
    people: int,
    ration: RationTable,
    catalogue: Mapping[str, CatalogueItem],
) -> tuple[HouseholdOrder, tuple[RationCut, ...]]:
    """``order`` cut to the share of a household of ``people``, and the lines that were cut."""
    people = max(people, 1)
    rationed: dict[GoodsCategory, list[int]] = {}  # category -> positions of its lines
    for position, line in enumerate(order.lines):
        item = catalogue.get(line.code)
        if item is not None and item.category in ration.per_person_kg:
            rationed.setdefault(item.category, []).append(position)
    kept: dict[int, tuple[int, GoodsCategory, float]] = {}  # position -> units, category, share
    for category, positions in rationed.items():
        share = ration.per_person_kg[category] * people
        total = 0.0
        for position in sorted(positions, key=lambda p: (-catalogue[order.lines[p].code].kg, p)):
            line = order.lines[position]
            kg = catalogue[line.code].kg
            # units are taken while the household is below its share (the slack keeps 3 x 1.5 kg
            # from passing a 4.5 kg share by a rounding error)
            room = share - 1e-9 - total
            units = 0 if room <= 0 else line.quantity if kg <= 0 else \
                min(line.quantity, math.ceil(room / kg))
            total += units * kg
            kept[position] = (units, category, share)
    lines: list[OrderLine] = []
    cuts: list[RationCut] = []
    for position, line in enumerate(order.lines):
        if position not in kept:
            lines.append(line)
            continue
        units, category, share = kept[position]
        if units:
            lines.append(line if units == line.quantity else attrs.evolve(line, quantity=units))
        if units < line.quantity:
            cuts.append(RationCut(order.id, order.household, line.code, category,
                                  line.quantity, units, round(share, 3)))
    if not cuts:
        return order, ()
    return attrs.evolve(order, lines=tuple(lines)), tuple(cuts)
