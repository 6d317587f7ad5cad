"""Masking a recording for sharing (see *Masking* in :mod:`tui.recording`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from tui.recording import KeyPress, Recording

if TYPE_CHECKING:
    pass

#: fields holding the caller's personal data, masked on export
PERSONAL_FIELDS = frozenset({"phone", "name", "street", "building", "unit", "room", "search"})
#: free-text fields, masked with ``--mask-text``
TEXT_FIELDS = frozenset({"description", "note", "notes"})


def _mask_char(char: str, rng: random.Random, position: int) -> str:
    if char.isdigit():
        return char if position < 3 else str(rng.randrange(10))
    if char.isascii() and char.isalpha():
        return "X" if char.isupper() else "x"
    if char.isalpha():
        return "某"
    return char


def mask_recording(recording: Recording, fields: Iterable[str] = PERSONAL_FIELDS,
                   seed: int = 0) -> Recording:
    """The recording with text typed into ``fields`` masked (see the module docstring)."""
    fields = frozenset(fields)
    rng = random.Random(seed)
    out: list[KeyPress] = []
    run_field, position = "", 0
    for press in recording.key:
        if press.field not in fields:
            out.append(press)
            if press.key in ("tab", "enter", "up", "down", "escape"):
                run_field, position = "", 0
            continue
        if press.field != run_field:
            run_field, position = press.field, 0
        if press.paste is not None:
            masked = "".join(_mask_char(c, rng, position + i) for i, c in enumerate(press.paste))
            position += len(press.paste)
            out.append(attrs.evolve(press, paste=masked))
            continue
        char = press.character
        if char is None or len(char) != 1:
            out.append(press)
            continue
        new = _mask_char(char, rng, position)
        position += 1
        out.append(attrs.evolve(press, key=new if new != " " else "space", char=new))
    names = tuple(sorted(set(recording.session.masked) | fields))
    return Recording(attrs.evolve(recording.session, masked=names), tuple(out),
                     recording.checkpoint)
