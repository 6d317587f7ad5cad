"""Delivery rounds (配送轮次): orders, boxes, loads, manifests, delivery staff and labels."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core.ledger import yuan
from core.rounds import RoundPlan, load_rounds, plan_round
from tui.i18n import _, record_name
from tui.screens.console import ConsolePage

LABELS_SHOWN = 6


class RoundsScreen(ConsolePage):
    CSS_PATH = "rounds.tcss"
    TITLE_MSGID = "Delivery rounds"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "labels", "Labels", id="rounds.labels"),
        Binding("escape", "back", "Back", id="rounds.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: RoundPlan | None = None
        self.show_labels = False

    def body(self) -> Text:
        app = self.desk_app
        desk = app.desk
        rounds, problems = load_rounds(desk)
        out = Text()
        for problem in problems:
            out.append(problem.render(desk.root) + "\n", style="bold")
        if not rounds:
            out.append(_("No rounds: put the orders of a round in rounds/.") + "\n")
            return out
        if self.plan is None or self.plan.round.path != rounds[0].path:
            self.plan = plan_round(desk, rounds[0])
        plan = self.plan
        out.append(f"{_('Round')} {plan.round.code}  ", style="bold")
        out.append(_("orders close {cutoff}, delivered {delivery}").format(
            cutoff=f"{plan.schedule[0].when:%m-%d %H:%M}",
            delivery=f"{plan.schedule[4].when:%m-%d %H:%M}") + "\n")
        out.append(_("{orders} orders, {boxes} boxes (lower bound {bound}), {trips} vehicle "
                     "loads, {staff} delivery staff").format(
            orders=len(plan.round.orders), boxes=plan.boxes, bound=plan.lower_bound,
            trips=plan.loads.count, staff=plan.couriers) + "\n\n")
        out.append(_("Supermarkets: orders against capacity") + "\n", style="bold")
        for volume in plan.volumes:
            name = record_name(desk.supermarkets.get(volume.supermarket), volume.supermarket or "-")
            switch = _("standard packs") if volume.over else _("household orders")
            out.append(f"  {name}: {volume.orders} / {volume.capacity or '-'}  {switch}\n",
                       style="bold" if volume.over else "")
        out.append("\n" + _("Per community") + "\n", style="bold")
        for drop in plan.drops:
            name = record_name(desk.communities.get(drop.community), drop.community)
            out.append(f"  {name}: {drop.orders} {_('orders')}  {drop.boxes} {_('boxes')}  "
                       f"{drop.couriers} {_('staff')}  {yuan(drop.amount_fen)}\n")
        out.append("\n" + _("Manifests per drop point") + "\n", style="bold")
        for place, stops in plan.loads.manifest().items():
            trips = ", ".join(f"#{n} {len(stop.parcels)}" for n, stop in stops)
            out.append(f"  {place}: {trips}\n")
        if self.show_labels:
            out.append("\n" + _("Labels") + "\n", style="bold")
            for packing in plan.packings[:LABELS_SHOWN]:
                for box in packing.boxes:
                    for line in box.label.lines():
                        out.append(f"  {line.replace('×', ' x')}\n")
                    out.append("\n")
        return out

    def action_labels(self) -> None:
        self.show_labels = not self.show_labels
        self.show()
