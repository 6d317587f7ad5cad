"""Every kind of desk file is checked: for each loader in the registry, a broken file of its
kind in a copy of the demo desk is reported by ``check`` with its path and line.

A loader added to :data:`core.deskload.LOADERS` without a way to break its files here fails
:func:`test_every_loader_has_a_broken_file`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.check import check_desk
from core.desk import Desk
from core.deskload import CATALOGUE, LOADERS, DeskLoader

#: loader name -> (file, how to break it): ``(old, new)`` replaces text once; bytes (re)write it
Break = tuple[str, tuple[str, str] | bytes]


def _append(key: str) -> tuple[str, str]:
    """A new record of the array ``key`` with a code of the wrong type, at the file's end."""
    return "", f"\n[[{key}]]\ncode = 7\n"


BREAKS: dict[str, Break] = {
    "settings": ("desk.toml", ('time_zone = "Asia/Shanghai"', 'time_zone = "Mars/Olympus"')),
    "departments": ("departments.toml", _append("department")),
    "districts": ("communities.toml", _append("district")),
    "communities": ("communities.toml", _append("community")),
    "supermarkets": ("supermarkets.toml", _append("supermarket")),
    "catalogue": ("catalogue.toml", _append("item")),
    "price lists": ("pricelists.toml", ('item = "rice-10kg", price_fen = 5990',
                                        'item = "rice-10kg", price_fen = "cheap"')),
    "households": ("households.toml", ("", '\n[[household]]\nid = "h9999"\nbuilding = 3\n')),
    "levels": ("levels.toml", ("min_cases = 4", 'min_cases = "four"')),
    "reserves": ("reserves.toml", ('kind = "pork"', 'kind = "lard"')),
    "decisions": ("levels/decisions/x.toml", b'level = "V"\n'),
    "activations": ("levels/activations/x.toml",
                    b'change = "activate"\nlevel = "II"\nauthority = "province"\n'),
    "report-ups": ("levels/reportups/x.toml", b'id = "x"\ncause = "rumour"\n'),
    "packing": ("packing.toml", ("per_person_kg = 0.1\n", 'per_person_kg = "a pinch"\n')),
    "ledger batches": ("ledgers/2026/11/17/20261117-0001.toml",
                       ("quantity = 200", 'quantity = "many"')),
    "ledger periods": ("ledgers/periods/2026-11-16--2026-11-18.toml",
                       ("end = 2026-11-18", 'end = "soon"')),
    "ledger matches": ("ledgers/matches/M-x.toml",
                       b'[match]\nid = "M-x"\nkind = "delivery"\nmembers = []\n'
                       b'collected_fen = "lots"\n'),
    "allocation": ("allocation.toml", ("{ hexi-depot = 5.5 }", '{ hexi-depot = "far" }')),
    "allocation flags": ("allocation/late/x.toml",
                         b'id = "x"\nkind = "approval"\nrequest = "r"\nunit = "u"\nwho = "w"\n'
                         b'due = "five o\'clock"\n'),
    "allocation reports sent": ("allocation/reports/2026-11-23.toml",
                                b'day = 2026-11-23\nsent_at = "evening"\n'),
    "rounds": ("rounds/r1125.toml", ('payment = "due"', 'payment = "later"')),
    "signals": ("signals/2026-11-22.toml", ("tight_days = 4", 'tight_days = "four"')),
    "prices": ("prices/2026-11-23.toml",
               b'date = 2026-11-23\n[[price]]\nsupermarket = "hualian"\nnecessity = "grain"\n'
               b'entered_by = "li"\nentered_at = 2026-11-23T09:00:00+08:00\nstock = "gone"\n'),
    "handovers": ("handovers/20261122-0800-wang.txt",
                  b"--- Notes to the next shift ---\nok\n\xff\xfe broken\n"),
    "register imports": ("imports/20261202T080000-households.toml",
                         b'kind = "households"\noperator = \n'),
    "local settings": ("local.toml", b'site = "hx"\n'),
    # a district with neither a git remote nor a directory to read
    "city": ("city.toml", b'[[district]]\ncode = "hexi"\nname = "\xe6\xb2\xb3\xe8\xa5\xbf"\n'),
}


def _break(root: Path, relative: str, how: tuple[str, str] | bytes) -> tuple[Path, int]:
    """Break the file; returns it and the line of the break (for a file written whole, its
    last line; appended to, the first line appended)."""
    path = root / relative
    if isinstance(how, bytes):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(how)
        return path, how.count(b"\n")
    old, new = how
    text = path.read_text(encoding="utf-8")
    if not old:  # append
        path.write_text(text + new, encoding="utf-8")
        return path, text.count("\n") + 1
    assert old in text, f"{relative} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, text[: text.index(old)].count("\n") + 1


def test_every_loader_has_a_broken_file() -> None:
    names = [loader.name for loader in LOADERS]
    assert len(set(names)) == len(names), "loader names must be unique"
    missing = [name for name in names if name not in BREAKS]
    assert not missing, f"no broken file for the loaders {missing}: add one to BREAKS"
    assert set(BREAKS) <= set(names)


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.name)
def test_check_reports_a_broken_file_of_every_kind(loader: DeskLoader[object],
                                                   demo_desk_dir: Path) -> None:
    if loader.name not in BREAKS:
        pytest.fail(f"no broken file for the loader {loader.name!r}: add one to BREAKS")
    relative, how = BREAKS[loader.name]
    path, first = _break(demo_desk_dir, relative, how)
    assert path in loader.paths(demo_desk_dir), f"{relative} is not a {loader.name} file"
    report = check_desk(demo_desk_dir, workers=1)
    found = [p for p in report.problems if p.path == path]
    assert found, f"check missed the broken {relative}: {[p.render() for p in report.problems]}"
    # at the break, or at the record or table it breaks
    assert any(p.line is not None and 1 <= p.line <= first + 3 for p in found), \
        [p.render() for p in found]


def test_the_demo_desk_has_a_file_of_most_kinds_and_no_problems(demo_desk_dir: Path) -> None:
    report = check_desk(demo_desk_dir, workers=1)
    assert report.problems == ()
    created_by_the_test = {"decisions", "report-ups", "allocation flags",
                           "allocation reports sent", "ledger matches", "handovers",
                           "register imports", "local settings", "city"}
    for loader in LOADERS:
        if loader.name not in created_by_the_test:
            assert loader.paths(demo_desk_dir), loader.name


def test_opening_reads_only_the_settings_and_reference_data(demo_desk_dir: Path) -> None:
    _break(demo_desk_dir, *BREAKS["rounds"])
    desk = Desk.open(demo_desk_dir)
    assert desk.problems == []
    rounds = desk.load(next(loader for loader in LOADERS if loader.name == "rounds"))
    assert rounds == []  # the only round is broken
    assert [p.path.name for p in desk.problems] == ["r1125.toml"]


def _touch_later(path: Path, edit: Callable[[str], str]) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_changed_reference_files_are_read_again(demo_desk_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    desk = Desk.open(demo_desk_dir)
    catalogue = desk.catalogue
    assert desk.refresh() == []
    _touch_later(demo_desk_dir / "catalogue.toml",
                 lambda text: text.replace("price_fen = 3290", "price_fen = 3300", 1))
    assert desk.catalogue is catalogue  # looked at no more than once a second
    assert desk.refresh() == ["catalogue"]
    assert desk.catalogue["rice-5kg"].price_fen == 3300
    assert catalogue["rice-5kg"].price_fen == 3290
    # the accessors look by themselves once a second has passed
    _touch_later(demo_desk_dir / "catalogue.toml", lambda text: text + "\nbroken =\n")
    monkeypatch.setattr(time, "monotonic", lambda: 10.0**9)
    assert desk.catalogue == {}
    assert [p.path.name for p in desk.problems] == ["catalogue.toml"]
    assert desk.load(CATALOGUE) == {}
