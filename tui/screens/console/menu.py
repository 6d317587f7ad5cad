"""The console's menu (值班长控制台): one key per page.

Its own module so that the console's package, which the pages import for
:class:`~tui.screens.console.ConsolePage`, does not import the pages back.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.i18n import _
from tui.screens.console import ConsolePage
from tui.screens.console.allocation import AllocationScreen
from tui.screens.console.approvals import ApprovalScreen
from tui.screens.console.board import BoardScreen
from tui.screens.console.chase import ChaseListScreen
from tui.screens.console.ledgers.page import LedgersScreen
from tui.screens.console.prices import PricesScreen
from tui.screens.console.reconcile import ReconcileScreen
from tui.screens.console.reports import ReportsScreen
from tui.screens.console.rounds import RoundsScreen


class ConsoleScreen(ConsolePage):
    """The console's menu: one key per page."""

    CSS_PATH = "console.tcss"
    TITLE_MSGID = "Supervisors' console"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "page('board')", "Board", id="console.board"),
        Binding("2", "page('allocation')", "Allocation", id="console.allocation"),
        Binding("3", "page('rounds')", "Rounds", id="console.rounds"),
        Binding("4", "page('reconcile')", "Reconcile", id="console.reconcile"),
        Binding("5", "page('reports')", "Reports", id="console.reports"),
        Binding("6", "page('ledgers')", "Ledgers", id="console.ledgers"),
        Binding("7", "page('prices')", "Prices", id="console.prices"),
        Binding("8", "page('chase')", "Chase list", id="console.chase"),
        Binding("9", "page('approvals')", "Approvals", id="console.approvals"),
        Binding("escape", "back", "Back", id="console.back"),
    ]

    def body(self) -> Text:
        app = self.desk_app
        text = Text()
        text.append(_("Supervisor") + f": {app.operator}\n\n", style="bold")
        pages = [
            ("1", _("Situation board"),
             _("level and why, reserves, cases per department, calls per hour")),
            ("2", _("Medical supplies allocation"),
             _("requests by 11:00, proposal, approval, issues, 17:30 report")),
            ("3", _("Delivery rounds"),
             _("orders, boxes, vehicle loads, manifests, staff, labels")),
            ("4", _("Reconciliation"), _("findings for a period, sign a period off")),
            ("5", _("Reports and exports"), _("daily report, shift and day summaries, CSV, XLSX")),
            ("6", _("Ledger entry"),
             _("collections, invoices, receipts, IOUs and settlements, stock movements")),
            ("7", _("Price monitoring"), _("the day's prices and stock per supermarket")),
            ("8", _("Chase list"), _("cases the desk clock chased, by tier and age")),
            ("9", _("Approval queue"), _("resolutions waiting for a supervisor's approval")),
        ]
        for key, name, what in pages:
            text.append(f"  {key}  ", style="bold reverse")
            text.append(f" {name}\n", style="bold")
            text.append(f"      {what}\n\n")
        text.append(_("Every decision is recorded with your name and reason."))
        return text

    def action_page(self, name: str) -> None:
        pages: dict[str, type[Screen[None]]] = {
            "board": BoardScreen, "allocation": AllocationScreen, "rounds": RoundsScreen,
            "reconcile": ReconcileScreen, "reports": ReportsScreen, "ledgers": LedgersScreen,
            "prices": PricesScreen, "chase": ChaseListScreen, "approvals": ApprovalScreen,
        }
        self.app.push_screen(pages[name]())
