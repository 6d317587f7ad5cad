"""The paste box (粘贴接龙): a group list pasted from WeChat into a round, after a preview.

Paste the list, ``ctrl+s`` reads it (:mod:`core.grouplist`) and shows the preview: how many
orders were found in how many lines, each line that cannot be read with its number and why, and
the orders. ``enter`` adds them to the round (:func:`core.grouplist.add_list`: checked, locked,
atomic, attributed to the operator); ``ctrl+e`` goes back to the text; ``esc`` closes and adds
nothing. Nothing is written before ``enter``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static, TextArea

from core.grouplist import (
    GroupList,
    InRound,
    ListImport,
    Matcher,
    add_list,
    in_round,
    read_list,
    round_communities,
)
from core.problems import DeskError
from tui.i18n import _
from tui.widgets.form import FormDialog, KeyHints

if TYPE_CHECKING:
    from tui.app import BaogongApp

#: orders listed in the preview (the count says how many more)
ORDERS_SHOWN = 40


class PasteListDialog(FormDialog[ListImport | None]):
    """Paste a 接龙 list, read the preview, accept it into the round."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Read the list", id="paste.read"),
        Binding("enter", "accept", "Add to the round", id="paste.accept"),
        Binding("ctrl+e", "edit", "Edit the list", id="paste.edit"),
        Binding("escape", "cancel", "Cancel", id="paste.cancel"),
    ]
    DEFAULT_CSS = """
    PasteListDialog > Vertical { width: 78; height: 22; max-height: 100%; }
    PasteListDialog #list { height: 1fr; }
    PasteListDialog #preview-scroll { height: 1fr; display: none; }
    PasteListDialog.previewing #list { display: none; }
    PasteListDialog.previewing #preview-scroll { display: block; }
    PasteListDialog #error { color: $error; }
    """

    def __init__(self, round_code: str) -> None:
        super().__init__()
        self.round_code = round_code
        self.reading: GroupList | None = None
        self.there: dict[int, InRound] = {}

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def fields(self) -> ComposeResult:
        yield Static(_("Paste a group list (接龙) for round {round}").format(
            round=self.round_code), classes="title", id="title")
        yield TextArea(id="list", soft_wrap=True, show_line_numbers=True)
        with VerticalScroll(id="preview-scroll"):
            yield Static(id="list-preview")
        yield Static(id="error")

    def on_mount(self) -> None:
        self.query_one("#list", TextArea).focus()
        self._hints()

    def _hints(self) -> None:
        shown = (["paste.accept", "paste.edit", "paste.cancel"] if self.reading is not None
                 else ["paste.read", "paste.cancel"])
        keys = self.query_one(KeyHints)
        keys.hints = shown
        keys.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "edit"):
            return self.reading is not None
        if action == "submit":
            return self.reading is None
        return True

    def action_submit(self) -> None:
        """Read the pasted text and show what it says."""
        text = self.query_one("#list", TextArea).text
        if not text.strip():
            self.query_one("#error", Static).update(_("Paste the list first."))
            return
        desk = self.desk_app.desk
        self.reading = read_list(text, Matcher.for_desk(desk),
                                 round_communities(desk, self.round_code))
        self.there = in_round(desk, self.round_code, self.reading)
        self.query_one("#error", Static).update("")
        self.query_one("#list-preview", Static).update(self.preview(self.reading))
        self.add_class("previewing")
        self.query_one("#preview-scroll").focus()
        self._hints()

    def preview(self, reading: GroupList) -> Text:
        lang = self.desk_app.language
        desk = self.desk_app.desk
        out = Text()
        out.append(_("{orders} orders in {lines} lines; {bad} lines cannot be read").format(
            orders=len(reading.orders), lines=reading.lines, bad=len(reading.unreadable)) + "\n",
            style="bold")
        for bad in reading.unreadable:
            out.append(_("line {line}").format(line=bad.line) + ": ", style="bold red")
            out.append(bad.why.get(lang) + "\n")
            out.append(f"  {bad.text}\n", style="dim")
        if reading.unreadable:
            out.append(_("Lines that cannot be read are not added; fix them and paste them "
                         "again.") + "\n")
        for order in reading.orders[:ORDERS_SHOWN]:
            household = desk.households[order.household]
            address = "-".join(p for p in (household.building, household.unit, household.room)
                               if p)
            goods = " ".join(f"{desk.catalogue[line.code].name}×{line.quantity}"
                             for line in order.lines)
            out.append(f"{order.line:>4} {address} ", style="bold")
            out.append(goods)
            there = self.there.get(order.line)
            if there and there.same:
                out.append("  " + _("already in the round: {id}").format(id=there.same),
                           style="yellow")
            elif there:
                out.append("  " + _("also ordered: {ids}").format(ids=", ".join(there.others)),
                           style="yellow")
            out.append("\n")
        if len(reading.orders) > ORDERS_SHOWN:
            out.append(_("... and {count} more orders").format(
                count=len(reading.orders) - ORDERS_SHOWN) + "\n")
        return out

    def action_edit(self) -> None:
        self.reading = None
        self.remove_class("previewing")
        self.query_one("#list", TextArea).focus()
        self._hints()

    def action_accept(self) -> None:
        """Add the orders read to the round; a problem is shown and nothing is added."""
        if self.reading is None:
            return
        desk = self.desk_app.desk
        try:
            result = add_list(desk, self.round_code, self.reading,
                              taken_at=self.desk_app.clock().astimezone(desk.settings.zone),
                              operator=self.desk_app.operator)
        except DeskError as exc:
            self.query_one("#error", Static).update(
                "\n".join(p.render(desk.root) for p in exc.problems))
            return
        self.dismiss(result)
