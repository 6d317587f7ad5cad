"""The situation board (态势看板): level and why, evidence, reserves, departments, calls."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core.cases.ladder import LadderCounts, ladder_counts
from core.levels import Level, NotASupervisor, set_manual_level
from core.levels.authority import (
    ActivationRefused,
    Change,
    NotTheAuthority,
    desk_authorities,
    record_change,
)
from core.levels.reportup import Cause as ReportCause
from core.levels.reportup import ReportRefused, ReportUp, record_report
from core.levels.reserves import KIND_NAMES
from core.reports.areas import AreaReport
from core.reports.names import district_name
from core.reports.situation import Situation, situation_report
from tui.i18n import _, level_name, record_name
from tui.screens.console import ComputedPage, ReasonDialog, case_state, desk_files
from tui.screens.console.decisions import (
    ActivationDialog,
    ActivationForm,
    ReportDialog,
    ReportForm,
    authority_name,
)
from tui.widgets.common import Choice, Picker

BAR_WIDTH = 10  # rows of the calls-per-hour chart are at most this many cells of "#"


def calls_chart(counts: list[int], width: int = BAR_WIDTH) -> list[str]:
    """A text bar chart, one row per hour, that fits 80 columns: ``08  ##### 5``."""
    top = max(counts, default=0)
    return ["#" * (round(n * width / top) if top else 0) for n in counts]


class BoardScreen(ComputedPage[datetime, tuple[Situation, LadderCounts]]):
    CSS_PATH = "board.tcss"
    TITLE_MSGID = "Situation board"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "set_level", "Set level", id="board.set_level"),
        # said on the board where they apply, to keep the key line within 80 columns
        Binding("a", "activate", "Activation", show=False, id="board.activate"),
        Binding("d", "deescalate", "De-escalation", show=False, id="board.deescalate"),
        Binding("u", "report_up", "Report up", show=False, id="board.report_up"),
        Binding("e", "evidence", "Evidence cases", id="board.evidence"),
        Binding("r", "reload", "Refresh", id="board.refresh"),
        Binding("escape", "back", "Back", id="board.back"),
    ]

    @property
    def current(self) -> Situation | None:
        return self.outcome[0] if self.outcome is not None else None

    def inputs(self, now: datetime) -> datetime:
        """The hour: the level, evidence and calls of the day; ``r`` refreshes within it."""
        return now.replace(minute=0, second=0, microsecond=0)

    def files(self) -> Hashable:
        desk = self.desk_app.desk
        return desk_files(desk), case_state(desk)

    def compute(self, inputs: datetime, now: datetime) -> tuple[Situation, LadderCounts]:
        desk = self.desk_app.desk
        return situation_report(desk, now), ladder_counts(desk, now)

    def draw(self, result: tuple[Situation, LadderCounts]) -> Text:
        app = self.desk_app
        lang = app.language
        s, chased = result
        out = Text()
        if chased.shown:  # the chase ladder's tiers and the approval queue (console 8 and 9)
            out.append(_("Chased") + ": ", style="bold")
            out.append("  ".join(f"{tier.label(lang)} {n}" for tier, n in chased.tiers))
            out.append(("  " if chased.tiers else "") + _("Awaiting approval")
                       + f" {chased.awaiting_approval}\n\n")
        self._draw_report_ups(out, s)
        for area in s.report.areas:
            figure = area.level
            level = level_name(figure.level) if figure.level else _("not assessed")
            out.append(f"{area.name.get(lang)}  ", style="bold")
            out.append(f" {level} ", style="bold reverse")
            out.append("\n")
            if figure.computed is None:
                out.append("  " + _("No signals (signals/) nor prices (prices/) for today: "
                                    "rules not assessed") + "\n")
            else:  # a hand-written signals file, which says it overrides, or observed ones
                out.append("  " + _("Signals") + f": {figure.source.get(lang)}\n")
            for rule in figure.fired:
                out.append(f"  * {rule.explanation.get(lang)}\n")
            record = s.in_force.get(area.district) or s.in_force.get("")
            if record is None:
                out.append("  " + _("In force: none; the level above is advice until an "
                                    "activation is recorded (a)") + "\n")
            else:
                out.append("  " + _("In force: {level}, {authority} {person}, {reference}, "
                                    "{when} (d: de-escalate)").format(
                    level=level_name(record.level), authority=authority_name(record.authority),
                    person=record.person, reference=record.reference,
                    when=record.time.strftime("%m-%d %H:%M")) + "\n")
            if figure.manual is not None:
                m = figure.manual
                out.append("  " + _("Set by {who} at {when}: {reason}").format(
                    who=m.supervisor, when=m.time.strftime("%m-%d %H:%M"),
                    reason=m.reason) + "\n")
            for surge in area.evidence:
                name = surge.community_name if lang == "zh" else (
                    surge.community_name_en or surge.community_name)
                out.append("  " + _("Hotline evidence") + f": {name} {surge.cases} "
                           + _("calls") + " (" + ", ".join(surge.case_ids[:4]) + ")\n")
            out.append(_("Reserves, days of cover against the norm") + "\n", style="bold")
            for cover in area.reserves:
                days = f"{cover.days:.1f}" if cover.days is not None else "?"
                mark = "  " + _("below norm") if cover.broken else ""
                kind = KIND_NAMES[cover.kind][0 if lang == "zh" else 1]
                out.append(f"  {kind}: {days} / "
                           f"{cover.norm_days:g}{mark}\n",
                           style="bold" if cover.broken else "")
            if not area.reserves:
                out.append("  " + _("no reserves.toml") + "\n")
            out.append("\n")
        out.append(_("Open and overdue cases per department") + "\n", style="bold")
        for load in s.departments:
            name = record_name(app.desk.departments.get(load.department), load.department)
            out.append(f"  {name}: {_('Open')} {load.open}  {_('Overdue')} {load.overdue}\n")
        out.append("\n" + _("Calls per hour, last 24 hours") + "\n", style="bold")
        counts = [n for _hour, n in s.calls_per_hour]
        for (hour, n), bar in zip(s.calls_per_hour, calls_chart(counts), strict=True):
            out.append(f"  {hour:%H}  {bar:<{BAR_WIDTH}} {n}\n")
        out.append("\n" + _("Shortage hot spots today") + "\n", style="bold")
        for spot in s.hot_spots:
            mark = "  " + _("surge") if spot.surge else ""
            out.append(f"  {spot.name.get(lang)}: {spot.cases}{mark}\n")
        if not s.hot_spots:
            out.append("  " + _("none") + "\n")
        return out

    def _draw_report_ups(self, out: Text, s: Situation) -> None:
        status = s.report_ups
        if not status.open and not status.overdue:
            return
        late = {t.id for t in status.overdue}
        out.append(_("Report up within the hour (u): {open} open, {overdue} overdue").format(
            open=len(status.open), overdue=status.overdue_open) + "\n",
            style="bold reverse" if status.overdue_open else "bold")
        for task in status.open:
            what = (_("level rose to {level}") if task.cause is ReportCause.LEVEL
                    else _("hotline surge, evidence for {level}")).format(
                level=task.level.value)
            desk = self.desk_app.desk
            area = (record_name(desk.communities.get(task.area), task.area)
                    if task.area in desk.communities
                    else district_name(desk, task.area).get(self.desk_app.language))
            mark = _("OVERDUE") if task.id in late else _("due by")
            out.append(f"  {mark} {task.due:%H:%M}  {area}: {what}\n",
                       style="bold" if task.id in late else "")
        out.append("\n")

    def action_activate(self) -> None:
        self._record(Change.ACTIVATE)

    def action_deescalate(self) -> None:
        self._record(Change.DEESCALATE)

    def _record(self, change: Change) -> None:
        """The form for the one high-risk area, or first the area to record it for."""
        s = self.current
        areas = list(s.report.areas) if s else []
        if len(areas) <= 1:
            self._record_for(change, areas[0] if areas else None)
            return
        by_code = {a.district: a for a in areas}

        def label(area: AreaReport) -> str:
            record = s.in_force.get(area.district) if s else None
            computed = area.level.level or Level.NONE
            return (f"{area.name.get(self.desk_app.language)}  "
                    + _("computed {level}").format(level=level_name(computed)) + "  "
                    + _("In force: {level}").format(
                        level=level_name(record.level if record else Level.NONE)))

        def chosen(code: str | None) -> None:
            if code is not None and code in by_code:
                self._record_for(change, by_code[code])

        choices = [Choice.of(a.district, label(a), a.district) for a in areas]
        self.app.push_screen(Picker("Activation for which area", choices)
                             if change is Change.ACTIVATE
                             else Picker("De-escalation for which area", choices), chosen)

    def _record_for(self, change: Change, area: AreaReport | None) -> None:
        app = self.desk_app
        s = self.current
        district = area.district if area else ""
        record = (s.in_force.get(district) or s.in_force.get("")) if s else None
        current = record.level if record else Level.NONE
        if change is Change.ACTIVATE:
            computed = area.level.level if area else None
            level = computed if computed and computed.rank > current.rank else next(
                (lv for lv in (Level.IV, Level.III, Level.II, Level.I)
                 if lv.rank > current.rank), Level.I)
        else:
            level = Level.NONE
        authorities = desk_authorities(app.desk)
        authority = authorities.of(level if change is Change.ACTIVATE else current)
        now = app.clock()
        summary = _("In force: {level}").format(level=level_name(current)) + (
            f"  ({area.name.get(app.language)})" if area else "")

        def done(form: ActivationForm | None) -> None:
            if form is None:
                return
            when = datetime.combine(now.date(), form.time, now.tzinfo)
            try:
                record_change(app.desk, form.change, form.level, authority=form.authority,
                              person=form.person, reference=form.reference, time=when,
                              district=district, supervisor=app.operator, now=now)
            except NotASupervisor:
                self.notify(_("Supervisors only"), severity="error")
                return
            except (NotTheAuthority, ActivationRefused) as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(_("Recorded with the deciding authority, the reference and your "
                          "name."))
            self.recompute(force=True)

        self.app.push_screen(ActivationDialog(change, level, authority, now, summary), done)

    def action_report_up(self) -> None:
        s = self.current
        tasks = list(s.report_ups.open) if s else []
        if not tasks:
            self.notify(_("No report-up is waiting."))
            return
        if len(tasks) == 1:
            self._report(tasks[0])
            return
        by_id = {t.id: t for t in tasks}

        def chosen(task_id: str | None) -> None:
            if task_id:
                self._report(by_id[task_id])

        self.app.push_screen(Picker("Report up", [
            Choice.of(t.id, f"{t.due:%H:%M} {t.area} {t.detail[:40]}") for t in tasks]), chosen)

    def _report(self, task: ReportUp) -> None:
        app = self.desk_app
        now = app.clock()

        def done(form: ReportForm | None) -> None:
            if form is None:
                return
            when = datetime.combine(now.date(), form.time, now.tzinfo)
            try:
                record_report(app.desk, task.id, to=form.to, reference=form.reference,
                              at=when, supervisor=app.operator, now=now)
            except NotASupervisor:
                self.notify(_("Supervisors only"), severity="error")
                return
            except ReportRefused as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(_("Report-up recorded with your name."))
            self.recompute(force=True)

        summary = f"{task.detail}\n" + _("Due {due}").format(due=f"{task.due:%m-%d %H:%M}")
        self.app.push_screen(ReportDialog(summary, now), done)

    def action_reload(self) -> None:
        self.recompute(force=True)

    def action_set_level(self) -> None:
        app = self.desk_app
        choices = [Choice.of(level.value, level_name(level)) for level in Level]

        def done(answer: tuple[str | None, str] | None) -> None:
            if answer is None or answer[0] is None:
                return
            try:
                set_manual_level(app.desk, Level(answer[0]), reason=answer[1],
                                 supervisor=app.operator, time=app.clock())
            except NotASupervisor:
                self.notify(_("Supervisors only"), severity="error")
                return
            self.notify(_("Level set and recorded with your name and reason."))
            self.recompute()

        self.app.push_screen(ReasonDialog(_("Set the emergency level"), "", choices, "Level",
                                          Level.NONE.value), done)

    def action_evidence(self) -> None:
        ids = [i for area in (self.current.report.areas if self.current else ())
               for surge in area.evidence for i in surge.case_ids]
        if not ids:
            self.notify(_("No hotline evidence today."))
            return

        def chosen(case_id: str | None) -> None:
            if case_id:
                self.desk_app.open_case(case_id)

        self.app.push_screen(Picker("Evidence cases", [Choice.of(i, i) for i in ids]), chosen)
