"""baogong's domain core (保供热线台核心): a library for running a city's emergency supply hotline.

Open a desk, then create, update, query and iterate its cases::

    import core

    desk = core.open_desk("path/to/desk")
    case = desk.cases.create(core.Category.GROCERIES, operator="wang",
                             caller=core.Caller(name="张桂兰", phone="13800000000"),
                             community="hx-01", description="需要米和油")
    case = desk.cases.act(case, core.Action.DISPATCH, operator="wang", note="转商务局")
    for row in desk.cases.query(open_only=True, limit=20):
        print(row.id, row.status, row.name)

``core`` never imports Textual: the terminal app is a separate package built on top of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.lazyexports import lazy_exports

if TYPE_CHECKING:
    from core.cases.case import (
        Action,
        Address,
        Caller,
        Case,
        CaseEvent,
        CaseKind,
        CaseStatus,
        Category,
        Evaluation,
        ItemLine,
        Priority,
        TransitionError,
        due_time,
        effective_priority,
        plan_call,
    )
    from core.cases.duplicates import (
        KnownCaller,
        RepeatCall,
        RepeatReason,
        find_repeat_calls,
        known_caller,
    )
    from core.cases.edits import Details, Edit, FieldChange, plan_edit
    from core.cases.facts import DeliveryShortfall, MissingLine, PriceReport, ReliefRequest
    from core.cases.index import CaseRow, Query
    from core.cases.store import CaseNotFound, CaseStore, ConflictError
    from core.desk import Desk
    from core.phones import InvalidPhone, PhoneKind, check_caller_phone, normalize_phone, phone_kind
    from core.problems import DeskError, Problem
    from core.reference import (
        CatalogueItem,
        Community,
        Department,
        DeskSettings,
        District,
        GoodsCategory,
        Household,
        PriorityFlag,
        Resident,
        SlaRules,
        Supermarket,
    )

__all__ = [
    "Action", "Address", "Caller", "Case", "CaseEvent", "CaseKind", "CaseNotFound", "CaseRow",
    "CaseStatus", "CaseStore", "CatalogueItem", "Category", "Community", "ConflictError",
    "DeliveryShortfall", "Department", "Desk", "DeskError", "DeskSettings", "Details",
    "District", "Edit", "Evaluation", "FieldChange", "GoodsCategory", "Household",
    "InvalidPhone", "ItemLine", "KnownCaller", "MissingLine", "PhoneKind", "PriceReport",
    "Priority", "PriorityFlag", "Problem", "Query", "ReliefRequest", "RepeatCall",
    "RepeatReason", "Resident", "SlaRules", "Supermarket", "TransitionError",
    "check_caller_phone", "due_time", "effective_priority", "find_repeat_calls", "known_caller",
    "normalize_phone", "open_desk", "phone_kind", "plan_call", "plan_edit",
]

__getattr__ = lazy_exports("core", {
    "core.cases.case": (
        "Action", "Address", "Caller", "Case", "CaseEvent", "CaseKind", "CaseStatus", "Category",
        "Evaluation", "ItemLine", "Priority", "TransitionError", "due_time", "effective_priority",
        "plan_call",
    ),
    "core.cases.duplicates": (
        "KnownCaller", "RepeatCall", "RepeatReason", "find_repeat_calls", "known_caller",
    ),
    "core.cases.edits": ("Details", "Edit", "FieldChange", "plan_edit"),
    "core.cases.facts": ("DeliveryShortfall", "MissingLine", "PriceReport", "ReliefRequest"),
    "core.cases.index": ("CaseRow", "Query"),
    "core.cases.store": ("CaseNotFound", "CaseStore", "ConflictError"),
    "core.desk": ("Desk",),
    "core.phones": (
        "InvalidPhone", "PhoneKind", "check_caller_phone", "normalize_phone", "phone_kind",
    ),
    "core.problems": ("DeskError", "Problem"),
    "core.reference": (
        "CatalogueItem", "Community", "Department", "DeskSettings", "District", "GoodsCategory",
        "Household", "PriorityFlag", "Resident", "SlaRules", "Supermarket",
    ),
})


def open_desk(root: Path | str) -> Desk:
    """Open the desk directory at ``root`` (see :class:`core.desk.Desk`)."""
    from core.desk import Desk

    return Desk.open(root)
