"""Registers (台账): the reference data an office already keeps in spreadsheets, imported into a
desk and exported again in the same layout (``baogong import`` / ``baogong export KIND``), and a
household registered or corrected at the desk by the same rules."""

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
