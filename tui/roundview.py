"""The text of a planned delivery round, in the operator's language: the console's rounds page and
``baogong round`` print the same lines. No Textual or Rich here, so the command starts fast.

A line is a list of ``(text, style)`` segments; the style is ``""`` or ``"bold"``.
"""

from __future__ import annotations

from core.desk import Desk
from core.ledger import yuan
from core.rounds import RoundPlan
from tui.i18n import _, level_name, record_name

Segment = tuple[str, str]
Line = list[Segment]


def round_lines(desk: Desk, plan: RoundPlan, *, cuts_shown: int | None = None,
                labels_shown: int | None = 0) -> list[Line]:
    """The round: schedule, figures, rationing, supermarkets, communities, manifests, labels.

    At most ``cuts_shown`` ration cuts are listed (None: all) and the labels of the first
    ``labels_shown`` orders (None: every order's; 0: none).
    """
    lines: list[Line] = [
        [(f"{_('Round')} {plan.round.code}  ", "bold"),
         (_("orders close {cutoff}, delivered {delivery}").format(
             cutoff=f"{plan.schedule[0].when:%m-%d %H:%M}",
             delivery=f"{plan.schedule[4].when:%m-%d %H:%M}"), "")],
        [(_("{orders} orders, {boxes} boxes (lower bound {bound}), {trips} vehicle loads, "
            "{staff} delivery staff").format(
            orders=len(plan.round.orders), boxes=plan.boxes, bound=plan.lower_bound,
            trips=plan.loads.count, staff=plan.couriers), "")],
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
                                              else f" ({_('not assessed')})"), "")]]
    orders = len({cut.order for cut in plan.cuts})
    lines: list[Line] = [[title, (_("in force in {districts}: {lines} lines cut in {orders} "
                                    "orders").format(
        districts=", ".join(map(district, plan.rationed)), lines=len(plan.cuts),
        orders=orders), "")]]
    shown = plan.cuts if cuts_shown is None else plan.cuts[:cuts_shown]
    for cut in shown:
        name = record_name(desk.catalogue.get(cut.code), cut.code)
        lines.append([(f"  {cut.order} {name} {cut.ordered} -> {cut.kept}  "
                       + _("share {kg} kg").format(kg=f"{cut.share_kg:g}"), "")])
    if len(shown) < len(plan.cuts):
        lines.append([("  " + _("and {n} more").format(n=len(plan.cuts) - len(shown)), "")])
    return lines


def plain(lines: list[Line]) -> str:
    """The lines as plain text, for a terminal or a file."""
    return "".join("".join(text for text, _style in line) + "\n" for line in lines)
