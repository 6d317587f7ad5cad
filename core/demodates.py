"""Moving a copy of the demo desk in time, so that its week of calls ends yesterday.

The demo desk's calls are dated 2026-11-16..22: opened on any later day, every open case would be
days overdue. :func:`move_demo_week` shifts a *copy* by a whole number of days, through the
desk's own readers and writers:

- every case: its id (``YYYYMMDD-NNNN``, the intake date), its file's place
  (``cases/YYYY/MM/DD/``) and every time in it (created, due, call-back due, each event);
- each market signals file (``signals/<date>.toml``): its name and its ``date``;
- each day of price monitoring (``prices/<date>.toml``): its name, its ``date`` and the time
  each row was entered;
- each recorded level activation (``levels/activations/``): its name, when it was decided and
  when it was recorded.

Left at their fixed dates, so a copy reconciles exactly as the shipped desk: the supplies ledgers
(``ledgers/YYYY/MM/DD/``, whose record ids and closed periods sign those dates), and the
delivery rounds (``rounds/``), which are planned ahead and name their own days.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

import attrs

from core.cases.case import Case
from core.cases.store import CASES_DIR, case_path, decode_case, encode_case
from core.levels.authority import (
    activation_path,
    activations_dir,
    encode_activation,
    load_activations,
)
from core.levels.prices import (
    PriceDay,
    encode_price_day,
    price_paths,
    prices_path,
    read_price_day,
)
from core.problems import DeskError
from core.storage.atomic import write_atomic

SIGNALS_DIR = "signals"


def newest_case_day(root: Path) -> date | None:
    """The intake day of the newest case on the desk, from its folders."""
    days = sorted((root / CASES_DIR).glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]"))
    for folder in reversed(days):
        if any(folder.glob("*.toml")):
            year, month, day = folder.parts[-3:]
            return date(int(year), int(month), int(day))
    return None


def shift_case(case: Case, days: int) -> Case:
    """``case`` moved by ``days``: its id names the new intake day, every time moves with it."""
    delta = timedelta(days=days)
    day = (date.fromisoformat(f"{case.id[:4]}-{case.id[4:6]}-{case.id[6:8]}") + delta)
    return attrs.evolve(
        case,
        id=f"{day:%Y%m%d}{case.id[8:]}",
        created=case.created + delta,
        due=case.due + delta if case.due else None,
        callback_due=case.callback_due + delta if case.callback_due else None,
        history=tuple(attrs.evolve(e, time=e.time + delta) for e in case.history),
    )


def _shift_cases(root: Path, days: int, mode: int) -> int:
    cases_root = root / CASES_DIR
    moved: list[tuple[Path, Case]] = []
    problems = []
    for path in sorted(cases_root.glob("[0-9]*/[0-9]*/[0-9]*/*.toml")):
        case, found = decode_case(path, path.read_bytes())
        if case is None:
            problems.extend(found)
            continue
        moved.append((path, shift_case(case, days)))
    if problems:
        raise DeskError(problems)  # nothing moved: a demo desk that does not read is left as is
    for old, _case in moved:
        old.unlink()
    for _old, case in moved:
        new = case_path(cases_root, case.id)
        new.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(new, encode_case(case), mode=mode)
    for folder in sorted(cases_root.glob("*/*/*"), reverse=True):
        for empty in (folder, folder.parent, folder.parent.parent):
            if empty.is_dir() and not any(empty.iterdir()):
                empty.rmdir()
    return len(moved)


def _shift_signals(root: Path, days: int, mode: int) -> int:
    """Rename each signals file and change its ``date`` line, checked by reading it back."""
    directory = root / SIGNALS_DIR
    if not directory.is_dir():
        return 0
    files = sorted(directory.glob("*.toml"))
    planned: list[tuple[Path, Path, str]] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        old_day = date.fromisoformat(path.stem)
        new_day = old_day + timedelta(days=days)
        lines = text.splitlines(keepends=True)
        recorded = data.get("date")
        if isinstance(recorded, date):
            # the one top-level ``date = ...`` line; the file's comments and layout stay
            index = next(i for i, line in enumerate(lines)
                         if line.split("=", 1)[0].strip() == "date" and
                         line.split("=", 1)[1].split("#", 1)[0].strip() == recorded.isoformat())
            lines[index] = lines[index].replace(recorded.isoformat(),
                                                (recorded + timedelta(days=days)).isoformat(), 1)
        new_text = "".join(lines)
        changed = tomllib.loads(new_text)
        expected = dict(data)
        if isinstance(recorded, date):
            expected["date"] = recorded + timedelta(days=days)
        if changed != expected:
            raise ValueError(f"{path}: moving its date would change more than the date")
        planned.append((path, directory / f"{new_day.isoformat()}.toml", new_text))
    for path, _new, _text in planned:
        path.unlink()
    for _path, new, text in planned:
        write_atomic(new, text.encode("utf-8"), mode=mode)
    return len(planned)


def _shift_prices(root: Path, days: int, mode: int) -> int:
    """Move each day of price monitoring: its file's name, its date and its rows' times."""
    planned: list[tuple[Path, Path, bytes]] = []
    for path in price_paths(root):
        day, problems = read_price_day(path)
        if day is None:
            raise DeskError(problems)
        moved = PriceDay(day.date + timedelta(days=days), tuple(
            attrs.evolve(row, entered_at=row.entered_at + timedelta(days=days))
            for row in day.price))
        planned.append((path, prices_path(root, moved.date), encode_price_day(moved)))
    for path, _new, _data in planned:
        path.unlink()
    for _path, new, data in planned:
        write_atomic(new, data, mode=mode)
    return len(planned)


def _shift_activations(root: Path, days: int, mode: int) -> int:
    """Move each recorded activation: when decided, when recorded, and its file's name."""
    records, problems = load_activations(root)
    if problems:
        raise DeskError(problems)
    delta = timedelta(days=days)
    paths = sorted(activations_dir(root).glob("*.toml")) if records else []
    for path in paths:
        path.unlink()
    for record in records:
        moved = attrs.evolve(record, time=record.time + delta,
                             recorded_at=record.recorded_at + delta)
        write_atomic(activation_path(root, moved), encode_activation(moved), mode=mode)
    return len(records)


def move_demo_week(root: Path, yesterday: date, *, mode: int = 0o600) -> int:
    """Shift the demo desk copied to ``root`` so its newest case is dated ``yesterday``;
    the number of days moved (0 if the desk has no cases)."""
    newest = newest_case_day(root)
    if newest is None:
        return 0
    days = (yesterday - newest).days
    if days == 0:
        return 0
    _shift_cases(root, days, mode)
    _shift_signals(root, days, mode)
    _shift_prices(root, days, mode)
    _shift_activations(root, days, mode)
    return days
