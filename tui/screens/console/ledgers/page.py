"""The ledgers page (台账录入): today's records of one kind, newest first, and a form per kind.

``t`` chooses the kind, ``n`` opens its form, ``j``/``k`` move the selection, ``r`` reverses the
selected record (a correction is a reversing record with its reason, never an edit), ``[``/``]``
show an earlier or later day's records (a mistake found the next day is reversed today), ``i``
imports a supermarket's invoice file and ``s`` opens the settlement run. The list reads only the
batch files of the days from the one shown to today, in a worker thread, once per change of them.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from core import ledger as L
from core.identity import NotTheOperator
from core.ledger.entry import reversed_ids, written_on
from core.ledger.files import batch_directory
from core.registers.columns import fen_to_yuan
from core.storage.deskfiles import file_states
from tui.i18n import _
from tui.screens.console import ComputedPage, ReasonDialog
from tui.screens.console.ledgers.forms import EntryForm, Saved
from tui.screens.console.ledgers.importing import InvoiceImportDialog
from tui.screens.console.ledgers.kinds import BY_KEY, KINDS, name_of
from tui.screens.console.ledgers.settle import SettlementRunScreen
from tui.widgets.common import Choice, Picker

#: the day shown, today, the kind
Inputs = tuple[date, date, str]
#: the day's records, newest first, and record id -> the id of the record reversing it
Listed = tuple[tuple[L.Record, ...], dict[str, str]]


def summary(record: L.Record) -> str:
    """What a record is about, in one line."""
    if isinstance(record, L.Collection | L.Iou):
        return f"{record.household} {fen_to_yuan(record.amount_fen)} {record.order}"
    if isinstance(record, L.Settlement):
        return f"{record.household} {fen_to_yuan(record.amount_fen)} {' '.join(record.ious)}"
    if isinstance(record, L.Invoice):
        return (f"{record.supermarket} {record.community} {record.round} "
                f"{fen_to_yuan(record.total_fen)} ({len(record.lines)})")
    if isinstance(record, L.Receipt):
        differences = sum(1 for line in record.lines if line.difference is not None)
        return f"{record.invoice} {record.received_by} " + (
            f"{differences} {_('differ')}" if differences else _("as invoiced"))
    if isinstance(record, L.StockAdjust):
        return f"{record.store} {record.item} {record.quantity:+d} {record.cause.value}"
    if isinstance(record, L.StockRecord):
        return f"{record.store} {record.item} {getattr(record, 'quantity', '')}"
    return ""


class LedgersScreen(ComputedPage[Inputs, Listed]):
    CSS_PATH = "ledgers.tcss"
    TITLE_MSGID = "Ledger entry"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "kind", "Kind", id="ledgers.kind"),
        Binding("n", "new", "New", id="ledgers.new"),
        Binding("r", "reverse", "Reverse", id="ledgers.reverse"),
        Binding("i", "import_invoice", "Import invoice", id="ledgers.import"),
        Binding("s", "settlement_run", "Settle IOUs", id="ledgers.settle"),
        Binding("j", "move(1)", "Next", show=False, id="ledgers.next"),
        Binding("k", "move(-1)", "Previous", show=False, id="ledgers.previous"),
        Binding("[", "day(1)", "Earlier day", show=False, id="ledgers.earlier"),
        Binding("]", "day(-1)", "Later day", show=False, id="ledgers.later"),
        Binding("escape", "back", "Back", id="ledgers.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = KINDS[0].key
        self.cursor = 0
        self.last_saved = ""
        #: how many days before today the list shows
        self.back = 0
        #: what the sticky fields were last saved with, per field name
        self.remembered: dict[str, str] = {}

    def on_mount(self) -> None:
        super().on_mount()
        if self.desk_app.poll_interval:  # other operators' records show without a key
            self.set_interval(self.desk_app.poll_interval, self.recompute)

    @property
    def records(self) -> tuple[L.Record, ...]:
        return self.outcome[0] if self.outcome else ()

    def today(self) -> date:
        app = self.desk_app
        return app.clock().astimezone(app.desk.settings.zone).date()

    def inputs(self, now: datetime) -> Inputs:
        today = now.astimezone(self.desk_app.desk.settings.zone).date()
        return today - timedelta(days=self.back), today, self.kind

    def files(self) -> Hashable:
        root = self.desk_app.desk.root
        today = self.today()
        paths: list[Path] = []
        for back in range(self.back + 1):
            directory = batch_directory(root, today - timedelta(days=back))
            if directory.is_dir():
                paths.extend(directory.glob("*.toml"))
        return file_states(sorted(paths, key=str))

    def compute(self, inputs: Inputs, now: datetime) -> Listed:
        day, today, kind = inputs
        cls = BY_KEY[kind].record
        root = self.desk_app.desk.root
        shown = tuple(written_on(root, day, cls))
        undone = reversed_ids(shown)
        for later in range(1, (today - day).days + 1):
            undone.update(reversed_ids(written_on(root, day + timedelta(days=later), cls)))
        return shown, undone

    def took(self) -> None:
        self.cursor = min(self.cursor, max(len(self.records) - 1, 0))

    def draw(self, result: Listed) -> Text:
        out = Text()
        shown, undone = result
        kind = BY_KEY[self.kind].record
        out.append(f"{name_of(kind)}  ", style="bold")
        if self.back:
            day = self.today() - timedelta(days=self.back)
            out.append(_("{n} written on {day}, newest first").format(n=len(shown),
                                                                      day=f"{day:%Y-%m-%d}"))
        else:
            out.append(_("{n} written today, newest first").format(n=len(shown)))
        if self.last_saved:
            out.append("   " + _("Saved: {id}").format(id=self.last_saved), style="bold")
        out.append("\n\n")
        if not shown:
            out.append("  " + (_("None that day.") if self.back else
                               _("None yet today: n for a new one.")) + "\n")
        zone = self.desk_app.desk.settings.zone
        for index, record in enumerate(shown):
            here = index == self.cursor
            line = (f"{'>' if here else ' '} {record.id}  {record.time.astimezone(zone):%H:%M}  "
                    f"{record.operator}  {summary(record)}")
            out.append(line + "\n", style="reverse" if here else "")
            if record.reverses:
                out.append("    " + _("reverses {id}: {reason}").format(
                    id=record.reverses, reason=record.reason) + "\n", style="italic")
            elif record.id in undone:
                out.append("    " + _("reversed by {id}").format(id=undone[record.id]) + "\n",
                           style="italic")
        # one record a line (its correction under it): a long one is cut, not wrapped
        out.no_wrap, out.overflow = True, "ellipsis"
        return out

    def action_move(self, delta: int) -> None:
        if self.records:
            self.cursor = max(0, min(len(self.records) - 1, self.cursor + delta))
            self.show()

    def action_day(self, earlier: int) -> None:
        back = max(0, self.back + earlier)
        if back != self.back:
            self.back, self.cursor = back, 0
            self.inputs_changed()

    def action_kind(self) -> None:
        choices = [Choice.of(k.key, name_of(k.record), k.record.NAME[0], k.record.NAME[1])
                   for k in KINDS]

        def chosen(value: str | None) -> None:
            if value is not None and value != self.kind:
                self.kind, self.cursor, self.last_saved = value, 0, ""
                self.inputs_changed()

        self.app.push_screen(Picker("Kind", choices, self.kind), chosen)

    def action_new(self) -> None:
        kind = BY_KEY[self.kind]
        values = {f.name: self.remembered[f.name] for f in kind.fields
                  if f.sticky and f.name in self.remembered}
        for name in ("keeper", "counted_by", "received_by"):
            values.setdefault(name, self.desk_app.operator)

        def saved(result: Saved | None) -> None:
            if result is None:
                return
            for field in kind.fields:
                if field.sticky and result.typed.get(field.name):
                    self.remembered[field.name] = result.typed[field.name]
            self.saved(result.record.id)

        self.app.push_screen(EntryForm(kind, values), saved)

    def saved(self, record_id: str) -> None:
        """A record was written (today): show today's list with it on top."""
        if self.back:
            self.back = 0
            self.inputs_changed()
        self.last_saved, self.cursor = record_id, 0
        self.notify(_("Saved: {id}").format(id=record_id))
        self.recompute()
        self.show()

    def action_reverse(self) -> None:
        if not self.records:
            self.notify(_("Nothing to reverse."))
            return
        record = self.records[self.cursor]
        if record.reverses:
            self.notify(_("{id} is itself a reversal; enter the record again instead.")
                        .format(id=record.id), severity="warning")
            return
        if self.outcome is not None and record.id in self.outcome[1]:
            self.notify(_("{id} is already reversed.").format(id=record.id), severity="warning")
            return
        app = self.desk_app

        def done(answer: tuple[str | None, str] | None) -> None:
            if answer is None:
                return
            try:
                written = app.desk.ledgers.reverse(record, reason=answer[1], time=app.clock(),
                                                   operator=app.operator, recorded=app.clock())
            except (L.PeriodClosedError, NotTheOperator, ValueError, OSError) as exc:
                self.notify(f"{_('Not saved')}: {exc}", severity="error", timeout=10)
                return
            self.saved(written.id)

        self.app.push_screen(ReasonDialog(
            _("Reverse {id}").format(id=record.id),
            f"{summary(record)}\n" + _("A reversing record is written; the record stays.")),
            done)

    def action_import_invoice(self) -> None:
        def done(ids: tuple[str, ...] | None) -> None:
            if ids:
                self.kind = L.Invoice.KIND
                self.inputs_changed()
                self.saved(", ".join(ids))

        self.app.push_screen(InvoiceImportDialog(), done)

    def action_settlement_run(self) -> None:
        self.app.push_screen(SettlementRunScreen(self.remembered.get("grid_worker")))
