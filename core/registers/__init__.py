"""Registers (台账): the reference data an office already keeps in spreadsheets, imported into a
desk and exported again in the same layout (``baogong import`` / ``baogong export KIND``), and a
household registered or corrected at the desk by the same rules."""

from typing import TYPE_CHECKING

from core.lazyexports import lazy_exports

if TYPE_CHECKING:
    from core.registers.columns import RegisterKind
    from core.registers.exports import register_table
    from core.registers.households import (
        HouseholdChangedMeanwhile,
        HouseholdForm,
        HouseholdRejected,
        HouseholdSaved,
        ResidentLine,
        save_household,
    )
    from core.registers.imports import Change, ImportResult, import_register
    from core.registers.rows import Rejection

__all__ = [
           "Change",
           "HouseholdChangedMeanwhile",
           "HouseholdForm",
           "HouseholdRejected",
           "HouseholdSaved",
           "ImportResult",
           "RegisterKind",
           "Rejection",
           "ResidentLine",
           "import_register",
           "register_table",
           "save_household",
]

__getattr__ = lazy_exports("core.registers", {
    "core.registers.columns": ("RegisterKind",),
    "core.registers.exports": ("register_table",),
    "core.registers.households": (
        "HouseholdChangedMeanwhile", "HouseholdForm", "HouseholdRejected", "HouseholdSaved",
        "ResidentLine", "save_household",
    ),
    "core.registers.imports": ("Change", "ImportResult", "import_register"),
    "core.registers.rows": ("Rejection",),
})
