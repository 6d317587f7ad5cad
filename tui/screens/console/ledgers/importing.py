"""Importing a supermarket's invoice file from the ledgers page (导入送货单): the same import as
``baogong ledger import invoice`` (:mod:`core.ledger.invoiceimport`): every bad row listed as
``FILE:SHEET:ROW:COLUMN``, nothing written until the whole file reads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from core import ledger as L
from core.identity import NotTheOperator
from core.ledger.invoiceimport import import_invoice
from core.problems import DeskError
from tui.i18n import _
from tui.screens.console.ledgers.kinds import supermarkets
from tui.widgets.common import PickerField, TextField, Tr
from tui.widgets.form import FormDialog, form_bindings

if TYPE_CHECKING:
    from tui.app import BaogongApp

#: rejections shown in the dialog; the command line lists them all
SHOWN = 6


class InvoiceImportDialog(FormDialog[tuple[str, ...] | None]):
    """File, supermarket, and (when the file has no such columns) community and round."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("invoice_import")
    DEFAULT_CSS = """
    InvoiceImportDialog #outcome { color: $error; }
    """

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def fields(self) -> ComposeResult:
        app = self.desk_app
        yield Static(_("Import a supermarket's invoice (CSV or XLSX)"), classes="title")
        yield Horizontal(Tr("File", classes="label"),
                         TextField(placeholder="path of the .xlsx or .csv file", id="file"))
        yield Horizontal(Tr("Supermarket", classes="label"),
                         PickerField("Supermarket", lambda: supermarkets(app), None,
                                     empty="(choose)", id="supermarket"))
        yield Horizontal(Tr("Community", classes="label"),
                         PickerField("Community", app.community_choices, None,
                                     empty="(from the file)", id="community"))
        yield Horizontal(Tr("Round", classes="label"),
                         TextField(placeholder="(from the file)", id="round"))
        yield Static(id="outcome")

    def on_mount(self) -> None:
        self.query_one("#file").focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.app.action_focus_next()

    def say(self, lines: list[str]) -> None:
        self.query_one("#outcome", Static).update("\n".join(lines))

    def action_submit(self) -> None:
        app = self.desk_app
        file = self.query_one("#file", Input).value.strip()
        supermarket = self.query_one("#supermarket", PickerField).value
        if not file or supermarket is None:
            self.say([_("Give the file and the supermarket.")])
            return
        round_ = self.query_one("#round", Input).value.strip() or None
        try:
            result = import_invoice(
                app.desk, Path(file).expanduser(), supermarket=supermarket, time=app.clock(),
                community=self.query_one("#community", PickerField).value, round_=round_,
                operator=app.operator)
        except DeskError as exc:
            self.say([p.render(app.desk.root) for p in exc.problems][:SHOWN])
            return
        except (L.PeriodClosedError, NotTheOperator, OSError) as exc:
            self.say([f"{_('Not saved')}: {exc}"])
            return
        if result.rejected:
            lines = [r.render() for r in result.rejected[:SHOWN]]
            if len(result.rejected) > SHOWN:
                lines.append(_("... and {n} more").format(n=len(result.rejected) - SHOWN))
            lines.append(_("{n} rows rejected: nothing was written.").format(
                n=len(result.rejected)))
            self.say(lines)
            return
        if not result.written:
            self.say([_("Already recorded as {ids}: nothing was written.").format(
                ids=", ".join(i for _c, _r, i in result.already))])
            return
        self.dismiss(tuple(r.id for r in result.written))
