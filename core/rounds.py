"""Group-buying delivery rounds (社区团购配送轮次), DOMAIN.md section 6.

A round's household orders, as the grid workers total them, live in one file per round under
``rounds/`` at the desk root::

    # rounds/r1125.toml
    schema_version = 1
    round = "r1125"
    day_one = 2026-11-25          # orders in by 11:00 on day 1, delivered on day 3

    [[order]]
    id = "r1125-0001"
    household = "h0001"           # a household of households.toml: community and address
    payment = "paid"              # paid | due | on_account (a grid worker paid: 代付记账)
    payment_ref = "WX1125-0001"
    lines = [{ code = "rice-5kg", quantity = 1 }, { code = "eggs-30", quantity = 1 }]
    taken_at = 2026-11-25T09:30:00+08:00    # orders entered at the desk (core.roundorders) say
    taken_by = "li.na"                      # when, by whom and from where: the source is never
    source = "case 20261125-0007"           # added to a round twice
    grid_worker = "grid.jinxiu.1"           # on_account: who paid (the IOU at delivery)

:func:`read_round` validates it (every problem with its line); :func:`plan_round` packs every
order into labelled boxes, loads the boxes on vehicles (city -> district transfer station ->
community drop point) with a manifest per drop point, counts the delivery staff (one per ten
households) and switches a supermarket to standard packs (标准包) when its orders outgrow its
``daily_order_capacity``. Given the emergency level of each district, it rations the orders of
districts at the level ``packing.toml``'s ``[ration]`` starts from (:mod:`core.packing.rationing`):
what is packed, labelled and charged is the household's share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from core.levels.signals import Level
from core.packing.orders import HouseholdOrder, OrderLine, OrderPacker, OrderPacking, Payment
from core.packing.rationing import RationCut, RationTable, ration_order
from core.packing.templates import PackingConfig, expand, load_packing_config
from core.packing.vehicles import (
    LoadPlan,
    Milestone,
    Parcel,
    Vehicle,
    couriers_needed,
    plan_loads,
    round_schedule,
)
from core.problems import DeskError, Problem
from core.storage.tomlio import line_of, locate_lines, read_toml

if TYPE_CHECKING:
    from core.desk import Desk

ROUNDS_DIR = "rounds"
SCHEMA_VERSION = 1
STANDARD_PACK = "set-pack"
TRUCK = Vehicle("truck", 2000.0, 12000.0)
VAN = Vehicle("van", 600.0, 3000.0)
_ORDER_KEYS = {"id", "household", "payment", "payment_ref", "lines", "taken_at", "taken_by",
               "source", "grid_worker"}

#: the most of one goods a household may order in a round (one line of an order): every unit is
#: packed, so a mistyped quantity must not stall the round
MAX_QUANTITY = 100


@attrs.frozen
class Round:
    """One round's orders, as read from its file."""

    code: str
    day_one: date
    orders: tuple[HouseholdOrder, ...]
    path: Path


def round_paths(root: Path) -> list[Path]:
    directory = root / ROUNDS_DIR
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []


def read_round(desk: Desk, path: Path) -> Round:
    """Read and check a round file; raises :class:`DeskError` with every problem."""
    data, text, problems = read_toml(path)
    if data is None:
        raise DeskError(problems)
    lines = locate_lines(text)

    def bad(key: tuple[Any, ...], field: str, message: str) -> None:
        problems.append(Problem(path, line_of(lines, key), message, field))

    for key in sorted(set(data) - {"schema_version", "round", "day_one", "order"}):
        bad((key,), key, "unknown field")
    if data.get("schema_version") != SCHEMA_VERSION:
        bad(("schema_version",), "schema_version", f"must be {SCHEMA_VERSION}")
    code = data.get("round")
    if not isinstance(code, str) or not code:
        bad(("round",), "round", "a round needs a code such as r1125")
    day_one = data.get("day_one")
    if not isinstance(day_one, date):
        bad(("day_one",), "day_one", "must be a date such as 2026-11-25")
    orders: list[HouseholdOrder] = []
    seen: set[str] = set()
    sources: dict[str, str] = {}
    for number, entry in enumerate(data.get("order", [])):
        at = ("order", number)
        for key in sorted(set(entry) - _ORDER_KEYS):
            bad((*at, key), f"order.{key}", "unknown field")
        order_id = entry.get("id")
        if not isinstance(order_id, str) or not order_id:
            bad((*at, "id"), "order.id", "every order needs an id")
            continue
        if order_id in seen:
            bad((*at, "id"), "order.id", f"order {order_id} is listed twice")
        seen.add(order_id)
        household = desk.households.get(str(entry.get("household", "")))
        if household is None:
            bad((*at, "household"), "order.household",
                f"order {order_id}: unknown household {entry.get('household')!r}")
            continue
        try:
            payment = Payment(entry.get("payment", "due"))
        except ValueError:
            bad((*at, "payment"), "order.payment",
                f"order {order_id}: payment must be paid, due or on_account")
            continue
        order_lines = []
        for line in entry.get("lines", []):
            item, quantity = line.get("code"), line.get("quantity", 1)
            if item not in desk.catalogue:
                bad((*at, "lines"), "order.lines", f"order {order_id}: unknown goods {item!r}")
            elif (not isinstance(quantity, int) or isinstance(quantity, bool)
                  or not 0 < quantity <= MAX_QUANTITY):
                bad((*at, "lines"), "order.lines",
                    f"order {order_id}: quantity of {item} must be a whole number from 1 to "
                    f"{MAX_QUANTITY}")
            else:
                order_lines.append(OrderLine(item, quantity))
        if not order_lines:
            bad((*at, "lines"), "order.lines", f"order {order_id}: no goods")
            continue
        taken_at = entry.get("taken_at")
        if taken_at is not None and (not isinstance(taken_at, datetime)
                                     or taken_at.utcoffset() is None):
            bad((*at, "taken_at"), "order.taken_at",
                f"order {order_id}: taken_at must be a time with its offset, such as "
                "2026-11-25T09:30:00+08:00")
            continue
        texts = {name: entry.get(name, "") for name in ("taken_by", "source", "grid_worker")}
        wrong = [name for name, value in texts.items() if not isinstance(value, str)]
        if wrong:
            bad((*at, wrong[0]), f"order.{wrong[0]}", f"order {order_id}: {wrong[0]} must be text")
            continue
        taken_by, source, grid_worker = texts["taken_by"], texts["source"], texts["grid_worker"]
        if source and source in sources:
            bad((*at, "source"), "order.source",
                f"order {order_id}: source {source!r} is also order {sources[source]}'s")
        sources.setdefault(source, order_id)
        community = desk.communities.get(household.community)
        orders.append(HouseholdOrder(
            order_id, household.id, household.community, tuple(order_lines),
            household.building, household.unit, household.room, payment,
            str(entry.get("payment_ref", "")), community.name if community else "",
            taken_at, taken_by, source, grid_worker))
    if problems:
        raise DeskError(problems)
    assert isinstance(code, str) and isinstance(day_one, date)
    return Round(code, day_one, tuple(orders), path)


def load_rounds(desk: Desk) -> tuple[list[Round], list[Problem]]:
    """Every readable round of the desk, newest first, and the problems of the others."""
    found: list[Round] = []
    problems: list[Problem] = []
    for path in round_paths(desk.root):
        try:
            found.append(read_round(desk, path))
        except DeskError as exc:
            problems.extend(exc.problems)
    return sorted(found, key=lambda r: r.day_one, reverse=True), problems


# --- the plan ----------------------------------------------------------------------------------


@attrs.frozen
class Drop:
    """One community's part of a round: orders, boxes, staff and its supermarket."""

    community: str
    supermarket: str
    drop_point: str
    orders: int
    households: int
    boxes: int
    couriers: int
    amount_fen: int


@attrs.frozen
class Volume:
    """One supermarket's orders in the round against its capacity."""

    supermarket: str
    orders: int
    capacity: int  # 0: not stated

    @property
    def over(self) -> bool:
        return self.capacity > 0 and self.orders > self.capacity


@attrs.frozen
class RoundPlan:
    """A round packed and loaded."""

    round: Round
    schedule: tuple[Milestone, ...]
    volumes: tuple[Volume, ...]
    packings: tuple[OrderPacking, ...]
    drops: tuple[Drop, ...]
    loads: LoadPlan
    lower_bound: int  # boxes
    #: the emergency level of each district of the round, where one was given
    levels: dict[str, Level] = attrs.Factory(dict)
    #: districts whose orders were rationed per person
    rationed: tuple[str, ...] = ()
    #: districts at a rationing level (II by default) while packing.toml sets no [ration]
    ration_missing: tuple[str, ...] = ()
    cuts: tuple[RationCut, ...] = ()

    @property
    def boxes(self) -> int:
        return sum(p.count for p in self.packings)

    @property
    def couriers(self) -> int:
        return sum(d.couriers for d in self.drops)

    def standard_packs(self, supermarket: str) -> bool:
        return any(v.over for v in self.volumes if v.supermarket == supermarket)


def order_amount(desk: Desk, order: HouseholdOrder) -> int:
    return sum(desk.catalogue[line.code].price_fen * line.quantity for line in order.lines)


def plan_round(desk: Desk, round_: Round, *, time_limit: float = 0.5,
               config: PackingConfig | None = None,
               levels: Mapping[str, Level | None] | None = None) -> RoundPlan:
    """Pack, label and load ``round_``; supermarkets over capacity get standard packs.

    ``levels`` maps districts to their emergency level (see
    ``desk.levels.on(day)``, :class:`core.levels.district.DistrictLevels`);
    orders in districts at the ration's level are cut to each household's share.
    """
    if config is None:
        config, problems = load_packing_config(desk.root)
        if config is None:
            raise DeskError(problems)
    district_of = {code: c.district for code, c in desk.communities.items()}
    served = {district_of.get(o.community) for o in round_.orders}
    in_force = {d: level for d, level in (levels or {}).items()
                if level is not None and d in served}
    ration = config.ration
    # without a ration table, the seeds' level (II) still says where one is missing
    at_ration_level = sorted(d for d, level in in_force.items()
                             if (ration or RationTable()).applies_at(level))
    rationed = at_ration_level if ration is not None else []
    zone = desk.settings.zone
    schedule = round_schedule(round_.day_one, zone, config.round_days, config.order_cutoff,
                              config.delivery_day, config.delivery_from)
    supermarket_of = {o.id: desk.communities[o.community].supermarket for o in round_.orders
                      if o.community in desk.communities}
    counts: dict[str, int] = defaultdict(int)
    for order in round_.orders:
        counts[supermarket_of.get(order.id, "")] += 1
    volumes = tuple(
        Volume(code, n, desk.supermarkets[code].daily_order_capacity
               if code in desk.supermarkets else 0)
        for code, n in sorted(counts.items()))
    over = {v.supermarket for v in volumes if v.over}
    template = config.templates().get(STANDARD_PACK)
    orders = []
    cuts: list[RationCut] = []
    for order in round_.orders:
        household = desk.households.get(order.household)
        people = household.size if household is not None else 1
        if supermarket_of.get(order.id, "") in over and template is not None:
            order = attrs.evolve(order, lines=expand(template, config, desk.catalogue, people))
        if ration is not None and district_of.get(order.community) in rationed:
            order, cut = ration_order(order, people, ration, desk.catalogue)
            cuts.extend(cut)
        orders.append(order)
    spec = config.boxes["standard"]
    packer = OrderPacker(desk.catalogue, spec.box(), config.separate_chilled)
    packings = tuple(packer.pack(o, time_limit=time_limit / max(len(orders), 1))
                     for o in orders)
    parcels = []
    by_community: dict[str, list[tuple[HouseholdOrder, OrderPacking]]] = defaultdict(list)
    for order, packing in zip(orders, packings, strict=True):
        by_community[order.community].append((order, packing))
        community = desk.communities.get(order.community)
        district = community.district if community else ""
        for number, box in enumerate(packing.boxes, start=1):
            parcels.append(Parcel(f"{order.id}-{number}", order.community, district,
                                  round(box.kg + spec.tare_kg, 3), box.litres))
    stations = {code: d.transfer_station or d.name for code, d in desk.districts.items()}
    drop_points = {code: c.drop_point or c.name for code, c in desk.communities.items()}
    loads = plan_loads(parcels, TRUCK, VAN, stations, drop_points, time_limit=time_limit)
    drops = []
    for code, members in sorted(by_community.items()):
        community = desk.communities.get(code)
        households = len({o.household for o, _p in members})
        drops.append(Drop(
            code, community.supermarket if community else "",
            drop_points.get(code, code), len(members), households,
            sum(p.count for _o, p in members),
            couriers_needed(households, config.households_per_courier),
            sum(order_amount(desk, o) for o, _p in members)))
    return RoundPlan(round_, schedule, volumes, packings, tuple(drops), loads,
                     sum(p.lower_bound for p in packings), levels=in_force,
                     rationed=tuple(rationed),
                     ration_missing=tuple(at_ration_level) if ration is None else (),
                     cuts=tuple(cuts))


def plan_json(plan: RoundPlan) -> dict[str, Any]:
    """``plan`` as plain data for scripts and ``baogong round --json``."""
    return {
        "round": plan.round.code,
        "day_one": plan.round.day_one.isoformat(),
        "file": str(plan.round.path),
        "schedule": [{"when": m.when.isoformat(), "what": m.what} for m in plan.schedule],
        "orders": len(plan.round.orders),
        "boxes": plan.boxes,
        "lower_bound": plan.lower_bound,
        "couriers": plan.couriers,
        "levels": {district: level.value for district, level in sorted(plan.levels.items())},
        "rationed": list(plan.rationed),
        "ration_missing": list(plan.ration_missing),
        "cuts": [attrs.asdict(cut) for cut in plan.cuts],
        "supermarkets": [{**attrs.asdict(v), "standard_packs": v.over} for v in plan.volumes],
        "drops": [attrs.asdict(drop) for drop in plan.drops],
        "trips": [
            {"number": number, "leg": trip.leg, "district": trip.district,
             "vehicle": trip.vehicle, "kg": trip.kg,
             "stops": [attrs.asdict(stop) for stop in trip.stops]}
            for number, trip in enumerate(plan.loads.trips, start=1)
        ],
        "vehicle_lower_bound": plan.loads.lower_bound,
        "labels": [attrs.asdict(box.label) for packing in plan.packings
                   for box in packing.boxes],
    }


__all__ = ["ROUNDS_DIR", "STANDARD_PACK", "TRUCK", "VAN", "Drop", "RationCut", "RationTable",
           "Round", "RoundPlan", "Volume", "load_rounds", "order_amount", "plan_json",
           "plan_round", "read_round", "round_paths"]
