"""Delivery rounds (配送轮次): orders, boxes, loads, pick-up slots, manifests, delivery staff and
labels; from level II, orders cut to each household's ration (按人定量供应). ``p`` prints: the box
labels and the manifests as PDFs in the desk's ``exports/`` folder."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

import attrs
from rich.text import Text
from textual.binding import Binding, BindingType

from core.grouplist import ListImport
from core.levels import Level
from core.problems import DeskError, Problem
from core.rounds import RoundPlan, plan_round
from core.storage.atomic import make_directories
from tui.i18n import _
from tui.roundview import round_lines
from tui.screens.console import ComputedPage
from tui.screens.console.paste_list import PasteListDialog

EXPORTS_DIR = "exports"
LABELS_SHOWN = 6
CUTS_SHOWN = 8


@attrs.frozen
class RoundsResult:
    """The newest round planned with the day's levels, and what could not be read."""

    problems: tuple[Problem, ...]
    plan: RoundPlan | None = None
    levels: dict[str, Level] = attrs.field(factory=dict)


class RoundsScreen(ComputedPage[date, RoundsResult]):
    CSS_PATH = "rounds.tcss"
    TITLE_MSGID = "Delivery rounds"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "labels", "Labels", id="rounds.labels"),
        Binding("p", "print", "Print", id="rounds.print"),
        Binding("i", "paste_list", "Paste a list", id="rounds.paste_list"),
        Binding("escape", "back", "Back", id="rounds.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_labels = False
        #: the PDFs written by ``p``, newest last
        self.printed: list[Path] = []

    @property
    def plan(self) -> RoundPlan | None:
        return self.outcome.plan if self.outcome else None

    @property
    def levels(self) -> dict[str, Level]:
        return self.outcome.levels if self.outcome else {}

    def inputs(self, now: datetime) -> date:
        """The day: the levels in force decide the rationing."""
        return now.astimezone(self.desk_app.desk.settings.zone).date()

    def compute(self, inputs: date, now: datetime) -> RoundsResult:
        desk = self.desk_app.desk
        rounds, problems = desk.rounds
        if not rounds:
            return RoundsResult(tuple(problems))
        # rations are cut only where a level is in force (recorded activation), not computed
        try:
            levels = desk.levels.in_force(now)
        except DeskError as exc:  # the round is still planned, without rationing
            levels = {}
            problems = [*problems, *exc.problems]
        return RoundsResult(tuple(problems), plan_round(desk, rounds[0], levels=levels), levels)

    def draw(self, result: RoundsResult) -> Text:
        desk = self.desk_app.desk
        out = Text()
        for problem in result.problems:
            out.append(problem.render(desk.root) + "\n", style="bold")
        if result.plan is None:
            out.append(_("No rounds: put the orders of a round in rounds/.") + "\n")
            return out
        for line in round_lines(desk, result.plan, cuts_shown=CUTS_SHOWN,
                                labels_shown=LABELS_SHOWN if self.show_labels else 0):
            for text, style in line:
                out.append(text, style=style)
            out.append("\n")
        return out

    def action_labels(self) -> None:
        self.show_labels = not self.show_labels
        self.show()

    def action_print(self) -> None:
        """The round's box labels and manifests as PDFs in ``exports/``, written by a worker."""
        plan = self.plan
        if plan is None:
            self.notify(_("No round to print"), severity="warning")
            return
        app = self.desk_app
        desk = app.desk
        stamp = f"{plan.round.code}-{app.clock().astimezone(desk.settings.zone):%Y%m%d-%H%M}"
        directory = desk.root / EXPORTS_DIR
        labels = directory / f"labels-{stamp}.pdf"
        manifests = directory / f"manifests-{stamp}.pdf"

        def work() -> None:
            from tui.printing import FontMissing
            from tui.printing.labels import write_labels
            from tui.printing.manifests import write_manifests

            try:
                make_directories(directory, mode=desk.file_mode)
                write_labels(desk, plan, labels)
                write_manifests(desk, plan, manifests)
            except (FontMissing, OSError) as exc:
                self.app.call_from_thread(self.notify, f"{_('Cannot save')}: {exc}",
                                          severity="error")
                return
            self.app.call_from_thread(self._printed, labels, manifests)

        self.notify(_("Writing the labels and manifests..."))
        self.run_worker(work, thread=True, group="print", exit_on_error=False)

    def _printed(self, *paths: Path) -> None:
        self.printed.extend(paths)
        root = self.desk_app.desk.root
        self.notify(_("Saved {path}").format(
            path=", ".join(str(path.relative_to(root)) for path in paths)))

    def action_paste_list(self) -> None:
        """Paste a group list (接龙) into the round shown; nothing is added before its preview
        is accepted."""
        if self.plan is None:
            self.notify(_("No rounds: put the orders of a round in rounds/."), severity="error")
            return

        def added(result: ListImport | None) -> None:
            if result is None:
                return
            self.notify(_("{added} added to round {round}, {skipped} already there").format(
                added=len(result.added), round=result.round, skipped=len(result.skipped)))
            self.recompute(force=True)

        self.app.push_screen(PasteListDialog(self.plan.round.code), added)
