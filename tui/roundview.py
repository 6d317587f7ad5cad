"""The text of a planned delivery round, in the operator's language: the console's rounds page and
``baogong round`` print the same lines. No Textual or Rich here, so the command starts fast.

A line is a list of ``(text, style)`` segments; the style is ``""`` or ``"bold"``.
"""

from __future__ import annotations

from core.desk import Desk
from core.ledger import yuan
from core.packing.pickup import UnitCall
from core.rounds import RoundPlan
from tui.i18n import _, level_name, record_name

Segment = tuple[str, str]
Line = list[Segment]


def round_lines(desk: Desk, plan: RoundPlan, *, cuts_shown: int | None = None,
                labels_shown: int | None = 0) -> list[Line]:
    """The round: schedule, figures, rationing, supermarkets, communities, pick-up slots,
    manifests, labels.

    At most ``cuts_shown`` ration cuts are listed (None: all) and the labels of the first
    ``labels_shown`` orders (None: every order's; 0: none).
    """
    lines: list[Line] = [
        [(f"{_('Round')} {plan.round.code}  ", "bold"),
         (_("orders close {cutoff}, delivered {delivery}").format(
             cutoff=f"{plan.schedule[0].when:%m-%d %H:%M}",
             delivery=f"{plan.schedule[4].when:%m-%d %H:%M}"), "")],
        [(_("{orders} orders, {boxes} boxes (lower bound {bound}), {staff} delivery staff for "
            "{households} households").format(
            orders=len(plan.round.orders), boxes=plan.boxes, bound=plan.lower_bound,
            staff=plan.couriers, households=sum(d.households_served for d in plan.drops)), "")],
        vehicle_line(plan),
        [],
    ]
    lines += rationing_lines(desk, plan, cuts_shown)
    lines += [[], [(_("Supermarkets: orders against capacity"), "bold")]]
    for volume in plan.volumes:
        name = record_name(desk.supermarkets.get(volume.supermarket), volume.supermarket or "-")
        switch = _("standard packs") if volume.over else _("household orders")
        lines.append([(f"  {name}: {volume.orders} / {volume.capacity or '-'}  {switch}",
                       "bold" if volume.over else "")])
    lines += [[], [(_("Per community"), "bold")]]
    for drop in plan.drops:
        name = record_name(desk.communities.get(drop.community), drop.community)
        lines.append([(f"  {name}: {drop.orders} {_('orders')}  {drop.boxes} {_('boxes')}  "
                       f"{drop.couriers} {_('staff')}  {yuan(drop.amount_fen)}", "")])
    lines += pickup_lines(plan)
    lines += [[], [(_("Manifests per drop point"), "bold")]]
    for place, stops in plan.loads.manifest().items():
        trips = ", ".join(f"#{n} {len(stop.parcels)}" for n, stop in stops)
        lines.append([(f"  {place}: {trips}", "")])
    packings = plan.packings if labels_shown is None else plan.packings[:labels_shown]
    if packings:
        lines += [[], [(_("Labels"), "bold")]]
        for packing in packings:
            for box in packing.boxes:
                lines += [[(f"  {text.replace('×', ' x')}", "")] for text in box.label.lines()]
                lines.append([])
    return lines


def vehicle_line(plan: RoundPlan) -> Line:
    """Vehicle loads against their lower bound, and how many of each leg's vehicle type."""
    def leg(name: str) -> tuple[str, int]:
        trips = [t for t in plan.loads.trips if t.leg == name]
        code = trips[0].vehicle if trips else ""
        return record_name(plan.vehicle_types.get(code), code), len(trips)

    legs = []
    vehicle, n = leg("city->station")
    if n:
        legs.append(_("{vehicle} x {n} to the transfer stations").format(vehicle=vehicle, n=n))
    vehicle, n = leg("station->drop")
    if n:
        legs.append(_("{vehicle} x {n} to the drop points").format(vehicle=vehicle, n=n))
    return [(_("{trips} vehicle loads (lower bound {bound}): {legs}").format(
        trips=plan.loads.count, bound=plan.loads.lower_bound, legs=_(", ").join(legs)), "")]


def _units(calls: tuple[UnitCall, ...]) -> str:
    """``3栋1、2单元`` / ``bldg 3 unit 1, 2``: a slot's units, building by building."""
    by_building: dict[str, list[UnitCall]] = {}
    for call in calls:
        by_building.setdefault(call.building, []).append(call)
    parts = []
    for building, members in by_building.items():
        units = [c.unit + ("" if c.whole else _(" (part)")) for c in members if c.unit]
        if not building:
            parts.append(_("no building on record"))
        elif not units:
            parts.append(_("bldg {building}").format(building=building))
        else:
            parts.append(_("bldg {building} unit {units}").format(
                building=building, units=_(", ").join(units)))
    return _("; ").join(parts)


def pickup_lines(plan: RoundPlan) -> list[Line]:
    """Pick-up at each drop point: time slots by building and unit (分时、分楼栋、分单元)."""
    rules = plan.pickup_rules
    lines: list[Line] = [[], [(_("Pick-up by building and unit, at most {cap} households in a "
                                 "{minutes}-minute slot").format(
        cap=rules.households_per_slot, minutes=rules.slot_minutes), "bold")]]
    for pickup in plan.pickup:
        lines.append([(f"  {pickup.drop_point}", "")])
        for slot in pickup.slots:
            lines.append([(f"    {slot.starts:%H:%M}-{slot.ends:%H:%M}  {_units(slot.units)}"
                           + _(" ({n} households)").format(n=slot.households), "")])
        if pickup.late:
            lines.append([("    " + _("{n} slots end after {end}: lengthen the window or "
                                      "shorten the slots").format(
                n=pickup.late, end=f"{rules.window_end}"), "bold")])
    return lines


def rationing_lines(desk: Desk, plan: RoundPlan, cuts_shown: int | None = None) -> list[Line]:
    """Where orders are rationed per person, and the lines that were cut."""

    def district(code: str) -> str:
        return record_name(desk.districts.get(code), code)

    title = (_("Rationing per person") + ": ", "bold")
    if plan.ration_missing:
        return [[title, (_("{districts} at level II or above, but packing.toml sets no "
                           "[ration]").format(districts=", ".join(map(district,
                                                                      plan.ration_missing))),
                         "bold")]]
    if not plan.rationed:
        levels = ", ".join(f"{district(code)} {level_name(level)}"
                           for code, level in sorted(plan.levels.items()))
        return [[title, (_("not in force") + (f"; {levels}" if levels
                                              else f" ({_('no level activated')})"), "")]]
    orders = len({cut.order for cut in plan.cuts})
    lines: list[Line] = [[title, (_("in force in {districts}: {lines} lines cut in {orders} "
                                    "orders").format(
        districts=", ".join(map(district, plan.rationed)), lines=len(plan.cuts),
        orders=orders), "")]]
    shown = plan.cuts if cuts_shown is None else plan.cuts[:cuts_shown]
    for cut in shown:
        name = record_name(desk.catalogue.get(cut.code), cut.code)
        group = record_name(plan.ration.group.get(cut.group) if plan.ration else None, cut.group)
        lines.append([(f"  {cut.order} {name} {cut.ordered} -> {cut.kept}  "
                       + _("{group} share {kg} kg").format(group=group, kg=f"{cut.share_kg:g}"),
                       "")])
    if len(shown) < len(plan.cuts):
        lines.append([("  " + _("and {n} more").format(n=len(plan.cuts) - len(shown)), "")])
    return lines


def plain(lines: list[Line]) -> str:
    """The lines as plain text, for a terminal or a file."""
    return "".join("".join(text for text, _style in line) + "\n" for line in lines)
