"""The chase list (催办督办清单): open cases on the chase ladder, highest tier first, then oldest.

A thin shell over :func:`core.cases.ladder.chase_list`; the desk clock writes the steps
(``baogong tick``, the app's timer), this page only shows them. ``o`` opens a case.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core.cases.ladder import Chased, chase_list
from tui.i18n import _, category_name, record_name, status_name
from tui.screens.console import ComputedPage, case_state
from tui.text import duration, fit_label
from tui.widgets.common import Choice, Picker


class ChaseListScreen(ComputedPage[datetime, list[Chased]]):
    CSS_PATH = "board.tcss"
    TITLE_MSGID = "Chase list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_case", "Open case", id="chase.open"),
        Binding("r", "reload", "Refresh", id="chase.refresh"),
        Binding("escape", "back", "Back", id="chase.back"),
    ]

    def inputs(self, now: datetime) -> datetime:
        """The minute: a step falls due on the clock, not only when a file changes."""
        return now.replace(second=0, microsecond=0)

    def files(self) -> Hashable:
        return case_state(self.desk_app.desk)

    def compute(self, inputs: datetime, now: datetime) -> list[Chased]:
        return chase_list(self.desk_app.desk, now)

    def draw(self, result: list[Chased]) -> Text:
        app = self.desk_app
        lang = app.language
        now = app.clock()
        out = Text()
        tiers = app.desk.settings.ladder.tiers
        if not tiers:
            out.append(_("This desk has no chase ladder: desk.toml has no [ladder] tiers."))
            return out
        out.append(" · ".join(f"{t.label(lang)} +{t.after_hours:g}h" for t in tiers) + "\n",
                   style="dim")
        out.append(fit_label(_("Tier"), 14) + fit_label(_("Case"), 15) + fit_label(_("Since"), 8)
                   + fit_label(_("Department"), 14) + _("Category") + "\n", style="bold")
        for item in result:
            case = item.case
            department = record_name(app.desk.departments.get(case.department),
                                     case.department)
            out.append(fit_label(item.step.tier.label(lang), 14),
                       style="bold" if item.step.level > 1 else "")
            since = duration((now - item.step.at).total_seconds())
            out.append(fit_label(case.id, 15) + fit_label(since, 8)
                       + fit_label(department, 14)
                       + fit_label(f"{category_name(case.category)} {status_name(case.status)}", 25)
                       + "\n")
        if not result:
            out.append("  " + _("No case is being chased.") + "\n")
        return out

    def action_reload(self) -> None:
        self.recompute(force=True)

    def action_open_case(self) -> None:
        ids = [item.case.id for item in self.outcome or ()]
        if not ids:
            self.notify(_("No case is being chased."))
            return

        def chosen(case_id: str | None) -> None:
            if case_id:
                self.desk_app.open_case(case_id)

        self.app.push_screen(Picker("Open case", [Choice.of(i, i) for i in ids]), chosen)
