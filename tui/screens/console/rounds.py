"""Delivery rounds (配送轮次): orders, boxes, loads, manifests, delivery staff and labels; from
level II, orders cut to each household's ration (按人定量供应)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core.levels import Level
from core.problems import DeskError
from core.rounds import RoundPlan, plan_round
from tui.i18n import _
from tui.roundview import round_lines
from tui.screens.console import ConsolePage

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
        rounds, problems = desk.rounds
        out = Text()
        for problem in problems:
            out.append(problem.render(desk.root) + "\n", style="bold")
        if not rounds:
            out.append(_("No rounds: put the orders of a round in rounds/.") + "\n")
            return out
        now = app.clock()
        try:
            levels = desk.levels.on(now.astimezone(desk.settings.zone).date())
        except DeskError as exc:  # the round is still planned, without rationing
            levels = {}
            for problem in exc.problems:
                out.append(problem.render(desk.root) + "\n", style="bold")
        if (self.plan is None or self.plan.round.path != rounds[0].path
                or levels != self.levels):
            self.plan = plan_round(desk, rounds[0], levels=levels)
            self.levels = levels
        for line in round_lines(desk, self.plan, cuts_shown=CUTS_SHOWN,
                                labels_shown=LABELS_SHOWN if self.show_labels else 0):
            for text, style in line:
                out.append(text, style=style)
            out.append("\n")
        return out

    def action_labels(self) -> None:
        self.show_labels = not self.show_labels
        self.show()
