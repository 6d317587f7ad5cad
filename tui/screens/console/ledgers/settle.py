"""The settlement run (代付结算): a grid worker's open IOUs per household, as the reconciler sees
them; printed to ``exports/`` as text and CSV; the IOUs chosen settled, one settlement record per
household (:mod:`core.ledger.settlerun`)."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core import ledger as L
from core.identity import NotTheOperator
from core.ledger.settlerun import SettlementRun, settlement_drafts, settlement_run
from core.registers.columns import fen_to_yuan
from core.storage.atomic import make_directories, write_atomic
from tui.i18n import _
from tui.screens.console import ComputedPage
from tui.screens.console.ledgers.kinds import grid_workers
from tui.widgets.common import Confirm, Picker

EXPORTS_DIR = "exports"


class SettlementRunScreen(ComputedPage[str, SettlementRun]):
    CSS_PATH = "ledgers.tcss"
    TITLE_MSGID = "Settlement run"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "worker", "Grid worker", id="settle.worker"),
        Binding("space", "choose", "Choose", id="settle.toggle"),
        Binding("a", "toggle_household", "Household", id="settle.household"),
        Binding("ctrl+s", "settle", "Settle chosen", id="settle.save"),
        Binding("p", "print", "Print", id="settle.print"),
        Binding("j", "move(1)", "Next", show=False, id="settle.next"),
        Binding("k", "move(-1)", "Previous", show=False, id="settle.previous"),
        Binding("escape", "back", "Back", id="settle.back"),
    ]

    def __init__(self, grid_worker: str | None = None) -> None:
        super().__init__()
        self.grid_worker = grid_worker or ""
        self.cursor = 0
        self.chosen: set[str] = set()

    def on_mount(self) -> None:
        super().on_mount()
        if not self.grid_worker:
            self.action_worker()

    @property
    def run_(self) -> SettlementRun | None:
        return self.outcome

    def inputs(self, now: datetime) -> str:
        return self.grid_worker

    def files(self) -> Hashable:
        return self.desk_app.desk.ledgers.fingerprint()

    def compute(self, inputs: str, now: datetime) -> SettlementRun:
        return settlement_run(self.desk_app.desk, inputs, as_of=now)

    def took(self) -> None:
        ious = self.run_.ious if self.run_ is not None else ()
        self.chosen &= {i.id for i in ious}
        self.cursor = min(self.cursor, max(len(ious) - 1, 0))

    def body(self) -> Text | str:
        if not self.grid_worker:
            return "  " + _("Choose a grid worker: w")
        return super().body()

    def draw(self, result: SettlementRun) -> Text:
        out = Text()
        out.append(f"{_('Grid worker')}: {result.grid_worker}   ", style="bold")
        out.append(_("{n} open IOUs, {households} households, {total} yuan").format(
            n=len(result.ious), households=len(result.households()),
            total=fen_to_yuan(result.total_fen)) + "\n")
        chosen = sum(i.amount_fen for i in result.ious if i.id in self.chosen)
        out.append(_("Chosen: {n}, {total} yuan").format(
            n=len(self.chosen), total=fen_to_yuan(chosen)) + "\n\n")
        index = 0
        for household, ious in result.households().items():
            out.append(f"{household}  {result.addresses.get(household, '')}\n", style="bold")
            for iou in ious:
                box = "[x]" if iou.id in self.chosen else "[ ]"
                line = (f"{box} {iou.id}  {iou.since:%m-%d}  {iou.age_days:>3}d  "
                        f"{fen_to_yuan(iou.amount_fen):>9}")
                here = index == self.cursor
                out.append(("> " if here else "  ") + line + "\n",
                           style="reverse" if here else "")
                index += 1
        if not result.ious:
            out.append("  " + _("No open IOUs.") + "\n")
        return out

    def current(self) -> str | None:
        run = self.run_
        if run is None or not run.ious:
            return None
        return run.ious[self.cursor].id

    def action_worker(self) -> None:
        def chosen(value: str | None) -> None:
            if value is not None and value != self.grid_worker:
                self.grid_worker, self.cursor = value, 0
                self.chosen.clear()
                self.inputs_changed()

        self.app.push_screen(Picker("Grid worker", grid_workers(self.desk_app),
                                    self.grid_worker or None), chosen)

    def action_move(self, delta: int) -> None:
        run = self.run_
        if run is not None and run.ious:
            self.cursor = max(0, min(len(run.ious) - 1, self.cursor + delta))
            self.show()

    def action_choose(self) -> None:
        current = self.current()
        if current is not None:
            self.chosen ^= {current}
            self.show()

    def action_toggle_household(self) -> None:
        run = self.run_
        current = self.current()
        if run is None or current is None:
            return
        household = next(i.household for i in run.ious if i.id == current)
        ids = {i.id for i in run.ious if i.household == household}
        self.chosen = self.chosen - ids if ids <= self.chosen else self.chosen | ids
        self.show()

    def action_settle(self) -> None:
        run = self.run_
        if run is None or not self.chosen:
            self.notify(_("Choose the IOUs paid back first (space)."))
            return
        app = self.desk_app
        drafts = settlement_drafts(run, self.chosen, time=app.clock())
        total = sum(d.fields["amount_fen"] for d in drafts)

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                written = app.desk.ledgers.append(drafts, operator=app.operator,
                                                  recorded=app.clock())
            except (L.PeriodClosedError, NotTheOperator, ValueError, OSError) as exc:
                self.notify(f"{_('Not saved')}: {exc}", severity="error", timeout=10)
                return
            self.chosen.clear()
            self.notify(_("Saved: {id}").format(id=", ".join(r.id for r in written)))
            self.recompute()

        self.app.push_screen(Confirm(_("Settle {n} IOUs of {households} households, {total} "
                                       "yuan, paid back in full?").format(
            n=len(self.chosen), households=len(drafts), total=fen_to_yuan(total))), answer)

    def action_print(self) -> None:
        run = self.run_
        if run is None:
            return
        app = self.desk_app
        stamp = f"{run.as_of.astimezone(app.desk.settings.zone):%Y%m%d-%H%M}"
        directory = app.desk.root / EXPORTS_DIR
        base = f"settlement-{run.grid_worker}-{stamp}"
        try:
            make_directories(directory, mode=app.desk.file_mode)
            write_atomic(directory / f"{base}.txt", run.text(app.language).encode("utf-8"),
                         mode=app.desk.file_mode)
            write_atomic(directory / f"{base}.csv", run.csv(app.language).encode("utf-8-sig"),
                         mode=app.desk.file_mode)
        except OSError as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.notify(_("Saved {path}").format(path=f"{EXPORTS_DIR}/{base}.txt, .csv"))
