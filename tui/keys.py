"""Key bindings: every binding has an id, and a desk remaps them in ``desk.toml``::

    [keys]
    "queue.new_call" = "f3"
    "detail.resolve" = "ctrl+r"

Ids are ``<screen>.<action>``; :func:`binding_ids` lists them all (the README shows the table).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from tui.i18n import _

if TYPE_CHECKING:
    from textual.app import App


def _classes() -> list[type]:
    from tui.app import BaogongApp
    from tui.screens.case_dialogs import ActionDialog, ConflictScreen, EditDialog
    from tui.screens.console import ConsoleScreen, ReasonDialog
    from tui.screens.console.allocation import AllocationScreen
    from tui.screens.console.board import BoardScreen
    from tui.screens.console.reconcile import ReconcileScreen
    from tui.screens.console.reports import ReportsScreen
    from tui.screens.console.rounds import RoundsScreen
    from tui.screens.detail import DetailScreen
    from tui.screens.facts import FactsDialog
    from tui.screens.handover import HandoverScreen
    from tui.screens.intake import IntakeScreen
    from tui.screens.intake_fields import FlagsPicker, ItemsField, QuantityDialog
    from tui.screens.problems import ProblemsScreen
    from tui.screens.queue import FilterScreen, QueueScreen
    from tui.widgets.case_list import CaseList
    from tui.widgets.common import Confirm, Notice, Picker, PickerField

    return [BaogongApp, QueueScreen, FilterScreen, CaseList, IntakeScreen, ItemsField,
            QuantityDialog, FlagsPicker, DetailScreen, ActionDialog, EditDialog, ConflictScreen,
            FactsDialog, HandoverScreen, ProblemsScreen, Picker, PickerField, Confirm, Notice,
            ConsoleScreen, ReasonDialog, BoardScreen, AllocationScreen, RoundsScreen,
            ReconcileScreen, ReportsScreen]


def binding_ids() -> dict[str, Binding]:
    """Every binding of the app by id."""
    found: dict[str, Binding] = {}
    for cls in _classes():
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found[binding.id] = binding
    return found


def apply_keymap(app: App[Any], keys: Mapping[str, str]) -> list[str]:
    """Remap bindings from the desk's ``[keys]``; returns a message for each unknown id."""
    known = binding_ids()
    problems = [
        _("Unknown key binding id in desk.toml: {id}").format(id=binding_id)
        for binding_id in keys
        if binding_id not in known
    ]
    app.set_keymap({k: v for k, v in keys.items() if k in known})
    return problems
