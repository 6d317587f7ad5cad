"""Key bindings: every binding has an id, and a desk remaps them in ``desk.toml``::

    [keys]
    "queue.new_call" = "f3"
    "detail.resolve" = "ctrl+r"

Ids are ``<screen>.<action>``; :func:`binding_ids` lists them all (the README shows the table).
The app's own bindings are declared here, so that this module never imports the app: the app
imports it, and the screens are imported only when the ids are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingType

from tui.i18n import _

if TYPE_CHECKING:
    from textual.app import App

#: the bindings of the app itself, active on every screen
APP_BINDINGS: list[BindingType] = [
    Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    Binding("f2", "switch_language", "Language", id="app.language"),
    Binding("f1", "show_keys", "Keys", show=False, id="app.keys"),
]


def keyed_classes() -> list[type]:
    """Every screen and widget of the app that has key bindings."""
    from tui.screens.case_dialogs import ActionDialog, ConflictScreen, EditDialog
    from tui.screens.case_order import CaseOrderDialog
    from tui.screens.city import CityApp, CityBoardScreen, CitySearchDialog, CitySearchScreen
    from tui.screens.console import ReasonDialog
    from tui.screens.console.allocation import AllocationScreen
    from tui.screens.console.approvals import ApprovalScreen
    from tui.screens.console.board import BoardScreen
    from tui.screens.console.chase import ChaseListScreen
    from tui.screens.console.decisions import ActivationDialog, ReportDialog
    from tui.screens.console.ledgers.forms import EntryForm
    from tui.screens.console.ledgers.importing import InvoiceImportDialog
    from tui.screens.console.ledgers.page import LedgersScreen
    from tui.screens.console.ledgers.settle import SettlementRunScreen
    from tui.screens.console.menu import ConsoleScreen
    from tui.screens.console.paste_list import PasteListDialog
    from tui.screens.console.prices import PricesScreen
    from tui.screens.console.reconcile import ReconcileScreen
    from tui.screens.console.reports import ReportsScreen
    from tui.screens.console.rounds import RoundsScreen
    from tui.screens.detail import DetailScreen
    from tui.screens.facts import FactsDialog
    from tui.screens.handover import HandoverScreen
    from tui.screens.household_dialog import HouseholdDialog
    from tui.screens.intake import IntakeScreen
    from tui.screens.intake_fields import FlagsPicker, ItemsField, QuantityDialog
    from tui.screens.problems import ProblemsScreen
    from tui.screens.queue import FilterScreen, QueueScreen
    from tui.widgets.case_list import CaseList
    from tui.widgets.common import Confirm, Notice, Picker, PickerField

    return [QueueScreen, FilterScreen, CaseList, IntakeScreen, ItemsField,
            QuantityDialog, FlagsPicker, DetailScreen, ActionDialog, EditDialog, ConflictScreen,
            FactsDialog, HandoverScreen, ProblemsScreen, Picker, PickerField, Confirm, Notice,
            ConsoleScreen, ReasonDialog, BoardScreen, AllocationScreen, RoundsScreen,
            ReconcileScreen, ReportsScreen, LedgersScreen, EntryForm, InvoiceImportDialog,
            SettlementRunScreen, CaseOrderDialog, PasteListDialog,
            PricesScreen, HouseholdDialog, ChaseListScreen, ApprovalScreen, ActivationDialog,
            ReportDialog, CityApp, CityBoardScreen, CitySearchDialog, CitySearchScreen]


def binding_ids() -> dict[str, Binding]:
    """Every binding of the app by id."""
    found: dict[str, Binding] = {}
    for bindings in [APP_BINDINGS, *(getattr(cls, "BINDINGS", []) for cls in keyed_classes())]:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id:
                found[binding.id] = binding
    return found


def apply_keymap(app: App[Any], keys: Mapping[str, str]) -> None:
    """Remap bindings from the desk's ``[keys]``. An id no binding has changes nothing (Textual
    looks ids up from the bindings); :func:`keymap_problems` names such ids."""
    app.set_keymap(dict(keys))


def keymap_problems(keys: Mapping[str, str]) -> list[str]:
    """A message for each id in the desk's ``[keys]`` that no binding has.

    Listing the ids imports every screen, which the desk's start does not need: the app asks
    once the queue is on screen, and not at all when the desk remaps no key.
    """
    if not keys:
        return []
    known = binding_ids()
    return [_("Unknown key binding id in desk.toml: {id}").format(id=binding_id)
            for binding_id in keys if binding_id not in known]
