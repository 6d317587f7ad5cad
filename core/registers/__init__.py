"""Registers (台账): the reference data an office already keeps in spreadsheets, imported into a
desk and exported again in the same layout (``baogong import`` / ``baogong export KIND``)."""

from core.registers.columns import RegisterKind
from core.registers.exports import register_table
from core.registers.imports import Change, ImportResult, import_register
from core.registers.rows import Rejection

__all__ = [
           "Change",
           "ImportResult",
           "RegisterKind",
           "Rejection",
           "import_register",
           "register_table",
]
