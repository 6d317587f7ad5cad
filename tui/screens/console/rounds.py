"""Delivery rounds (配送轮次): orders, boxes, loads, manifests, delivery staff and labels; from
level II, orders cut to each household's ration (按人定量供应)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core.board import district_levels
from core.ledger import yuan
from core.levels import Level
from core.problems import DeskError
from core.rounds import RoundPlan, load_rounds, plan_round
from tui.i18n import _, record_name
from tui.screens.console import ConsolePage
from tui.screens.console.board import LEVEL_NAMES

LABELS_SHOWN = 6
CUTS_SHOWN = 8


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
        self.levels: dict[str, Level] = {}
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
        now = app.clock()
        try:
            levels = district_levels(desk, now.astimezone(desk.settings.zone).date(), now)
        except DeskError as exc:  # the round is still planned, without rationing
            levels = {}
            for problem in exc.problems:
                out.append(problem.render(desk.root) + "\n", style="bold")
        if (self.plan is None or self.plan.round.path != rounds[0].path
                or levels != self.levels):
            self.plan = plan_round(desk, rounds[0], levels=levels)
            self.levels = levels
        plan = self.plan
        out.append(f"{_('Round')} {plan.round.code}  ", style="bold")
        out.append(_("orders close {cutoff}, delivered {delivery}").format(
            cutoff=f"{plan.schedule[0].when:%m-%d %H:%M}",
            delivery=f"{plan.schedule[4].when:%m-%d %H:%M}") + "\n")
        out.append(_("{orders} orders, {boxes} boxes (lower bound {bound}), {trips} vehicle "
                     "loads, {staff} delivery staff").format(
            orders=len(plan.round.orders), boxes=plan.boxes, bound=plan.lower_bound,
            trips=plan.loads.count, staff=plan.couriers) + "\n\n")
        self._rationing(out, plan)
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

    def _rationing(self, out: Text, plan: RoundPlan) -> None:
        desk = self.desk_app.desk

        def district(code: str) -> str:
            return record_name(desk.districts.get(code), code)

        out.append(_("Rationing per person") + ": ", style="bold")
        levels = ", ".join(f"{district(code)} {_(LEVEL_NAMES[level])}"
                           for code, level in sorted(plan.levels.items()))
        if plan.ration_missing:
            out.append(_("{districts} at level II or above, but packing.toml sets no [ration]")
                       .format(districts=", ".join(map(district, plan.ration_missing))) + "\n",
                       style="bold")
        elif not plan.rationed:
            out.append(_("not in force") + (f"; {levels}\n" if levels
                                             else f" ({_('not assessed')})\n"))
        else:
            orders = len({cut.order for cut in plan.cuts})
            out.append(_("in force in {districts}: {lines} lines cut in {orders} orders").format(
                districts=", ".join(map(district, plan.rationed)), lines=len(plan.cuts),
                orders=orders) + "\n")
            for cut in plan.cuts[:CUTS_SHOWN]:
                name = record_name(desk.catalogue.get(cut.code), cut.code)
                out.append(f"  {cut.order} {name} {cut.ordered} -> {cut.kept}  "
                           + _("share {kg} kg").format(kg=f"{cut.share_kg:g}") + "\n")
            if len(plan.cuts) > CUTS_SHOWN:
                out.append("  " + _("and {n} more").format(n=len(plan.cuts) - CUTS_SHOWN)
                           + "\n")
        out.append("\n")

    def action_labels(self) -> None:
        self.show_labels = not self.show_labels
        self.show()
