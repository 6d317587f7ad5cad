"""Reading an item list for ``baogong pack`` (装箱清单), with every problem located.

The file::

    [box]
    max_kg = 10          # what one box may hold, kg (required, > 0, at most MAX_BOX_KG)
    max_l = 30           # and litres (optional, at most MAX_BOX_LITRES; without it volume
                         # is not checked)

    [[items]]
    id = "rice-5kg"      # any text; repeated in the output once per copy
    kg = 5               # weight of one copy (>= 0)
    l = 6.5              # volume of one copy, litres (optional, default 0)
    count = 2            # copies (optional, default 1; all counts together at most MAX_COPIES)
    class = "food"       # optional; items of different classes never share a box

Unknown keys, wrong types, numbers that are not finite (``nan``, ``inf``), negative sizes, counts
over the ceiling and items that cannot fit an empty box are problems (path, line, field, message);
:func:`read_item_file` returns all of them together.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import attrs
from cattrs.gen import make_dict_structure_fn, override

from core.packing.boxes import (
    MAX_BOX_KG,
    MAX_BOX_LITRES,
    MAX_COPIES,
    Box,
    Item,
    grams,
    grams_down,
)
from core.problems import Problem
from core.storage.convert import make_converter
from core.storage.tomlio import line_of, locate_lines, read_toml, structure


@attrs.frozen
class _BoxRow:
    max_kg: float
    max_l: float | None = None


@attrs.frozen
class _ItemRow:
    id: str
    kg: float
    l: float = 0.0  # noqa: E741 (the file's key)
    count: int = 1
    kind: str = ""


_converter = make_converter()
_converter.register_structure_hook(
    _ItemRow,
    make_dict_structure_fn(
        _ItemRow, _converter, _cattrs_forbid_extra_keys=True, kind=override(rename="class")
    ),
)


@attrs.frozen
class ItemFile:
    """A parsed item list: the box and the items."""

    box: Box
    items: tuple[Item, ...]


def read_item_file(path: Path) -> tuple[ItemFile | None, list[Problem]]:
    """Read ``path``; the item list, or None and every problem found."""
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    lines = locate_lines(text)
    for key in sorted(set(data) - {"box", "items"}):
        problems.append(Problem(path, line_of(lines, (key,)), "unknown table or key", key))
    box_row: _BoxRow | None = None
    if "box" not in data:
        problems.append(Problem(path, 1, "missing [box] table (max_kg, optionally max_l)", "box"))
    elif not isinstance(data["box"], dict):
        problems.append(Problem(path, line_of(lines, ("box",)), "must be a table", "box"))
    else:
        box_row, found = structure(_converter, data["box"], _BoxRow, path, text, ("box",))
        problems.extend(found)
        if box_row is not None:
            problems.extend(_check_box(path, lines, box_row))
            if problems:
                box_row = None
    rows: list[Any] = data.get("items", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        problems.append(
            Problem(path, line_of(lines, ("items",)), "must be an array of [[items]]", "items")
        )
        rows = []
    items: list[Item] = []
    copies = 0
    for index, row in enumerate(rows):
        r, found = structure(_converter, row, _ItemRow, path, text, ("items", index))
        problems.extend(found)
        if r is not None:
            wrong = _check_item(path, lines, index, r)
            problems.extend(wrong)
            if not wrong:
                items.append(Item(r.id, r.kg, r.l, r.count, r.kind))
                if box_row is not None:
                    problems.extend(_check_fits(path, lines, index, r, box_row))
                copies += r.count
                if copies > MAX_COPIES and copies - r.count <= MAX_COPIES:
                    at = line_of(lines, ("items", index, "count")) or line_of(
                        lines, ("items", index))
                    problems.append(Problem(
                        path, at, f"the counts add up to more than {MAX_COPIES} copies, the most "
                        "one packing holds", f"items[{index}].count"))
    if problems:
        return None, sorted(problems, key=lambda p: (p.line or 0, p.field or ""))
    assert box_row is not None
    return ItemFile(Box(box_row.max_kg, box_row.max_l), tuple(items)), []


Lines = dict[tuple[str | int, ...], int]


def _check_box(path: Path, lines: Lines, box: _BoxRow) -> list[Problem]:
    found = []
    for name, value, ceiling in (("max_kg", box.max_kg, MAX_BOX_KG),
                                 ("max_l", box.max_l, MAX_BOX_LITRES)):
        if value is None:
            continue
        message = ""
        if not math.isfinite(value):
            message = f"must be a finite number, got {value}"
        elif not 0 < value <= ceiling:
            message = f"must be positive and at most {ceiling:g}, got {value:g}"
        if message:
            found.append(Problem(path, line_of(lines, ("box", name)), message, f"box.{name}"))
    return found


def _check_item(path: Path, lines: Lines, index: int, row: _ItemRow) -> list[Problem]:
    found = []

    def problem(name: str, message: str) -> None:
        at = line_of(lines, ("items", index, name))
        found.append(Problem(path, at, message, f"items[{index}].{name}"))

    if not row.id.strip():
        problem("id", "must not be empty")
    for name, value in (("kg", row.kg), ("l", row.l)):
        if not math.isfinite(value):
            problem(name, f"must be a finite number, got {value}")
        elif value < 0:
            problem(name, f"must not be negative, got {value:g}")
    if row.count < 1:
        problem("count", f"must be at least 1, got {row.count}")
    elif row.count > MAX_COPIES:
        problem("count", f"must be at most {MAX_COPIES} (the most one packing holds), "
                         f"got {row.count}")
    return found


def _check_fits(path: Path, lines: Lines, index: int, row: _ItemRow, box: _BoxRow) -> list[Problem]:
    found = []
    if grams(row.kg) > grams_down(box.max_kg):
        found.append(
            Problem(
                path,
                line_of(lines, ("items", index, "kg")),
                f"item {row.id!r} weighs {row.kg:g} kg, more than a box holds ({box.max_kg:g} kg)",
                f"items[{index}].kg",
            )
        )
    if box.max_l is not None and grams(row.l) > grams_down(box.max_l):
        found.append(
            Problem(
                path,
                line_of(lines, ("items", index, "l")),
                f"item {row.id!r} takes {row.l:g} L, more than a box holds ({box.max_l:g} L)",
                f"items[{index}].l",
            )
        )
    return found
