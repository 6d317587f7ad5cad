"""The cattrs converter that turns records into TOML-ready data and back.

Strict by design: unknown fields are errors, times must carry an offset, sets are written sorted so
that writing a record twice gives the same bytes.
"""

from __future__ import annotations

import enum
import typing
from datetime import date, datetime
from typing import Any

import cattrs


def _structure_datetime(value: Any, _type: type) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time") from None
    if not isinstance(value, datetime):
        raise ValueError(f"expected a date and time with offset, got {type(value).__name__}")
    if value.tzinfo is None:
        raise ValueError("time must carry a UTC offset, e.g. 2026-11-23T09:30:00+08:00")
    return value


def _structure_date(value: Any, _type: type) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"expected a date (YYYY-MM-DD), got {type(value).__name__}")
    return value


def _strict(kind: type, name: str) -> Any:
    def structure(value: Any, _type: type) -> Any:
        # cattrs would happily turn "12" into 12 and 1.9 into 1; a record must say what it means
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise ValueError(f"expected {name}, got {type(value).__name__} {value!r}")
        return value

    return structure


def _structure_float(value: Any, _type: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def _structure_enum(value: Any, type_: type[enum.Enum]) -> enum.Enum:
    try:
        return type_(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in type_)
        raise ValueError(f"{value!r} is not one of: {allowed}") from None


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, lambda v: v)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(date, lambda v: v)
    # by class, like cattrs' own hooks they replace; the enum hooks below are more specific
    for kind, name in ((int, "a whole number"), (str, "text"), (bool, "true or false")):
        converter.register_structure_hook(kind, _strict(kind, name))
    converter.register_structure_hook(float, _structure_float)
    # 2.0 is written as 2, so a value read back as a float writes the same bytes again
    converter.register_unstructure_hook(
        float, lambda v: int(v) if float(v).is_integer() and abs(v) < 2**53 else v
    )
    # by class: cattrs' own hook for str would otherwise take a StrEnum by its str base
    for base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_structure_hook(base, _structure_enum)
    converter.register_unstructure_hook_func(
        _is_set_type,
        lambda v: sorted(converter.unstructure(x) for x in v),
    )
    return converter


def _is_set_type(t: object) -> bool:
    """``frozenset[X]``, ``set[X]`` or the bare types: written as sorted arrays."""
    return typing.get_origin(t) in (frozenset, set) or t is frozenset or t is set


converter = make_converter()
