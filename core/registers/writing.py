"""Writing a register's reference file and the record of who changed it.

Every change to a register file, an import or a household registered from the app, goes through
here: under the register's lock (``.locks/register-KIND.lock``), the whole file rewritten
atomically, and an attributed record in ``imports/`` (who, when, from which file or screen, what
changed).

A district's ``households.toml`` holds 30,000 households and 75,000 residents: turning them into
data with cattrs and then into text with the generic writer was half of an import's time, so
:func:`households_text` writes them straight from the records, in the generic writer's layout
byte for byte (``tests/core/test_household_text.py`` holds the equality as a property).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from core.desk import Desk
from core.deskload import HOUSEHOLDS, IMPORTS_DIR, load_records
from core.problems import DeskError, Problem
from core.reference import (
    CatalogueItem,
    Community,
    Department,
    District,
    Household,
    ListPrice,
    Supermarket,
)
from core.registers.columns import RegisterKind
from core.storage.atomic import create_atomic, exclusive_lock, write_atomic
from core.storage.convert import converter
from core.storage.deskfiles import make_desk_directories
from core.storage.tomlio import dumps
from core.storage.tomlwrite import INDENT, MAX_LINE_LENGTH, format_string

LOCK_DIR = ".locks"
HEADERS = {
    RegisterKind.COMMUNITIES: "区与社区 Districts and communities",
    RegisterKind.HOUSEHOLDS: "居民户 Households and residents, with priority flags (特殊群体)",
    RegisterKind.CATALOGUE: "商品目录 Goods catalogue (prices in fen, weights in kg, volumes in "
                            "litres)",
    RegisterKind.SUPERMARKETS: "保供超市 Designated supermarkets and zones",
    RegisterKind.DEPARTMENTS: "成员单位 Member departments and what each owns",
    RegisterKind.PRICE_LISTS: "超市价目表 Each supermarket's own prices (fen) of catalogue goods",
}


#: each kind's arrays of tables in its file, the records the register names last
ARRAYS: dict[RegisterKind, dict[str, type[Any]]] = {
    RegisterKind.COMMUNITIES: {"district": District, "community": Community},
    RegisterKind.HOUSEHOLDS: {"household": Household},
    RegisterKind.CATALOGUE: {"item": CatalogueItem},
    RegisterKind.SUPERMARKETS: {"supermarket": Supermarket},
    RegisterKind.DEPARTMENTS: {"department": Department},
    RegisterKind.PRICE_LISTS: {"price": ListPrice},
}


def current_records(desk: Desk, kind: RegisterKind) -> dict[str, list[Any]]:
    """The records of the kind's file as it is now (re-read if it changed since the desk read
    it); a file with problems is a :class:`DeskError` (nothing is written over it)."""
    path = desk.root / kind.file_name
    if kind is RegisterKind.HOUSEHOLDS:  # the desk holds them already, as the file was
        households, bad = desk.read_now(HOUSEHOLDS)
        if bad:
            raise DeskError([*bad, Problem(path, None, "fix this file before changing "
                                                            "it; nothing was written")])
        return {"household": list(households.values())}
    if not path.exists():
        return {key: [] for key in ARRAYS[kind]}
    found: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    for key, cls in ARRAYS[kind].items():
        records: list[Any]
        records, bad = load_records(path, key, cls)
        found[key] = list(records)
        problems.extend(bad)
    if problems:
        raise DeskError([*problems, Problem(path, None, "fix this file before changing it; "
                                                        "nothing was written")])
    return found


@contextmanager
def register_lock(desk: Desk, kind: RegisterKind) -> Iterator[None]:
    """Hold the lock of ``kind``'s file: one writer at a time, whether an import or the app."""
    lock = desk.root / LOCK_DIR / f"register-{kind.value}.lock"
    make_desk_directories(desk.root, lock.parent, mode=desk.file_mode)
    with exclusive_lock(lock, mode=desk.file_mode):
        yield


def household_data(household: Household) -> dict[str, Any]:
    """``converter.unstructure(household)``, without the converter's generic walk."""
    return {
        "id": household.id, "community": household.community, "building": household.building,
        "unit": household.unit, "room": household.room, "phone": household.phone,
        "residents": [{"name": r.name, "phone": r.phone, "age": r.age,
                       "flags": sorted([f.value for f in r.flags]), "note": r.note}
                      for r in household.residents],
    }


def _data(record: object) -> Any:
    if type(record) is Household:
        return household_data(record)
    return converter.unstructure(record)


def _resident_inline(name: str, phone: str, age: int | None, note: str) -> str:
    age_part = "" if age is None else f"age = {age}, "
    return (f"{{ name = {format_string(name)}, phone = {format_string(phone)}, {age_part}"
            f"flags = [], note = {format_string(note)} }}")


def households_text(households: Sequence[Household]) -> str | None:
    """``dumps({"household": [household_data(h) for h in households]})``, written directly; None
    when every household is without residents (the generic writer puts those inline)."""
    if not any(h.residents for h in households):
        return None
    out: list[str] = []
    append = out.append
    quote = format_string
    for number, household in enumerate(households):
        if number:
            append("\n")
        append(f"[[household]]\nid = {quote(household.id)}\n"
               f"community = {quote(household.community)}\n"
               f"building = {quote(household.building)}\nunit = {quote(household.unit)}\n"
               f"room = {quote(household.room)}\nphone = {quote(household.phone)}\n")
        residents = household.residents
        if not residents:
            append("residents = []\n")
            continue
        inline: list[str] = []
        for resident in residents:
            if resident.flags or "\n" in resident.name or "\n" in resident.note:
                break
            rendered = _resident_inline(resident.name, resident.phone, resident.age,
                                        resident.note)
            if len(rendered) + len(INDENT) + 1 > MAX_LINE_LENGTH:
                break
            inline.append(rendered)
        else:
            append("residents = [\n" + "".join(f"{INDENT}{r},\n" for r in inline) + "]\n")
            continue
        for resident in residents:
            age = "" if resident.age is None else f"age = {resident.age}\n"
            if resident.flags:
                flags = ("[\n" + "".join(f'{INDENT}"{f}",\n' for f in sorted(
                    [f.value for f in resident.flags])) + "]")
            else:
                flags = "[]"
            append(f"\n[[household.residents]]\nname = {quote(resident.name)}\n"
                   f"phone = {quote(resident.phone)}\n{age}flags = {flags}\n"
                   f"note = {quote(resident.note)}\n")
    return "".join(out)


def write_records(desk: Desk, kind: RegisterKind, records: Mapping[str, Sequence[Any]]) -> None:
    """Rewrite ``kind``'s file atomically with ``records`` (arrays of tables by key), keeping the
    file's leading comments and its permissions. Call it holding :func:`register_lock`."""
    path = desk.root / kind.file_name
    header = _leading_comments(path) or f"# {HEADERS[kind]}\n\n"
    text = None
    if kind is RegisterKind.HOUSEHOLDS and set(records) == {"household"}:
        text = households_text(records["household"])
    if text is None:
        text = dumps({key: [_data(r) for r in values] for key, values in records.items()
                      if values})
    mode = path.stat().st_mode & 0o777 if path.exists() else desk.file_mode
    write_atomic(path, (header + text).encode("utf-8"), mode=mode)
    if kind is RegisterKind.HOUSEHOLDS:
        desk.wrote(HOUSEHOLDS, {h.id: h for h in records["household"]})


def _leading_comments(path: Path) -> str:
    if not path.exists():
        return ""
    lines: list[str] = []
    with path.open(encoding="utf-8") as file:
        for line in file:
            if not line.startswith("#") and line.strip():
                break
            lines.append(line)
    return "".join(lines)


def log_change(desk: Desk, kind: RegisterKind, operator: str, *, added: Sequence[str],
               updated: Sequence[tuple[str, Sequence[str]]], unchanged: int = 0,
               source: Path | None = None, via: str = "") -> Path:
    """Write ``imports/<time>-<kind>.toml``: who changed ``kind``'s file, when, from which file
    (``source``, with its SHA-256) or which screen (``via``), and what was added and updated."""
    now = datetime.now(desk.settings.zone).replace(microsecond=0)
    directory = desk.root / IMPORTS_DIR
    make_desk_directories(desk.root, directory, mode=desk.file_mode)
    record: dict[str, Any] = {"kind": kind.value, "operator": operator, "time": now}
    if source is not None:
        record["source"] = str(source.resolve())
        record["sha256"] = hashlib.sha256(source.read_bytes()).hexdigest()
    if via:
        record["via"] = via
    record.update({
        "added": list(added),
        "updated": [{"key": key, "fields": list(fields)} for key, fields in updated],
        "unchanged": unchanged,
    })
    stamp = now.strftime("%Y%m%dT%H%M%S")
    for attempt in range(1, 1000):
        suffix = "" if attempt == 1 else f"-{attempt}"
        path = directory / f"{stamp}-{kind.value}{suffix}.toml"
        try:
            create_atomic(path, dumps(record).encode("utf-8"), mode=desk.file_mode)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{directory}: no free name for {stamp}-{kind.value}")
