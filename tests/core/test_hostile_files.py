"""No file can take the desk down or lead outside it (issue 14, items 1, 2 and 7).

Every reader of a desk file is given a file nested too deep for the parser, a FIFO, a link to
``/dev/zero``, a link to a valid copy outside the desk and a file over its size limit. Each must
come back as a problem naming the path (and the line where there is one) while the rest of the
desk loads; ``baogong check`` must say so, exit 1 and never hang or print a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core.allocation import load_profiles
from core.cases.case import CASE_ID_PATTERN
from core.cases.store import CaseNotFound, case_path
from core.check import check_desk
from core.ledger.files import read_batch
from core.ledger.records import RECORD_ID_PATTERN, UID_PATTERN
from core.levels import read_signals
from core.problems import DeskError, Problem
from core.reference import CODE_PATTERN, PHONE_PATTERN
from core.rounds import read_round
from core.storage.deskfiles import (
    LIMITS_VARIABLE,
    FileKind,
    FileRefused,
    make_desk_directories,
    read_desk_file,
)
from core.storage.tomlio import parse_toml

ZONE = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]
NESTED = "x = " + "[" * 5000 + "]" * 5000 + "\n"

CASE = "cases/2026/11/16/20261116-0001.toml"
BATCH = "ledgers/2026/11/17/20261117-0001.toml"
#: every kind of file a desk holds, each read by its own reader
DESK_FILES = [
    CASE,
    "departments.toml",
    "communities.toml",
    "supermarkets.toml",
    "catalogue.toml",
    "households.toml",
    BATCH,
    "ledgers/periods/2026-11-16--2026-11-18.toml",
    "levels.toml",
    "reserves.toml",
    "packing.toml",
    "allocation.toml",
    "rounds/r1125.toml",
    "signals/2026-11-22.toml",
]


@pytest.fixture(autouse=True)
def no_hanging() -> Iterator[None]:
    """A reader that blocks on a FIFO fails the test instead of hanging the suite."""
    def give_up(_signum: int, _frame: object) -> None:
        raise TimeoutError("a reader blocked")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def nest(path: Path) -> int:
    """Append a value nested 5,000 deep; returns its line."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + NESTED, encoding="utf-8")
    return text.count("\n") + 1


def fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def link_to_dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def over_the_limit(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LIMITS_VARIABLE, "case=1,ledger=1,desk=1")
    with path.open("a", encoding="utf-8") as out:
        out.write("# " + "x" * (2**20) + "\n")


def problems_of(root: Path, relative: str) -> list[Problem]:
    """Every problem ``check`` finds, and that the readers of ``relative`` find by themselves."""
    path = root / relative
    found = list(check_desk(root, workers=1).problems)
    if relative == "rounds/r1125.toml":
        with pytest.raises(DeskError) as raised:
            read_round(core.open_desk(root), path)
        found.extend(raised.value.problems)
    elif relative.startswith("signals/"):
        found.extend(read_signals(path)[1])
    elif relative == "allocation.toml":
        with pytest.raises(DeskError) as raised:
            load_profiles(root)
        found.extend(raised.value.problems)
    elif relative.startswith("ledgers/2026"):
        found.extend(read_batch(path).problems)
    return [p for p in found if p.path == path]


def listed_cases(root: Path) -> int:
    """How many cases the app's store lists (the index the queue is drawn from)."""
    desk = core.open_desk(root)
    try:
        desk.cases.refresh()
        return desk.cases.count()
    finally:
        desk.cases.index.close()


def all_cases(root: Path) -> int:
    return sum(1 for _ in (root / "cases").rglob("*.toml"))


@pytest.mark.parametrize("relative", DESK_FILES)
def test_a_value_nested_too_deep_is_a_problem_at_its_line(demo_desk_dir: Path,
                                                           relative: str) -> None:
    line = nest(demo_desk_dir / relative)
    found = problems_of(demo_desk_dir, relative)
    assert found, f"no problem reported for {relative}"
    assert all(p.line == line and "nested more than 100 deep" in p.message for p in found)
    expected = all_cases(demo_desk_dir) - (relative == CASE)
    assert listed_cases(demo_desk_dir) == expected


@pytest.mark.parametrize("relative", DESK_FILES)
@pytest.mark.parametrize("make", [fifo, link_to_dev_zero], ids=["fifo", "dev-zero"])
def test_a_fifo_or_a_device_is_refused_without_blocking(
    demo_desk_dir: Path, relative: str, make: Callable[[Path], None]
) -> None:
    make(demo_desk_dir / relative)
    found = problems_of(demo_desk_dir, relative)
    assert found, f"no problem reported for {relative}"
    wanted = ("is not a regular file (a FIFO)" if make is fifo
              else "is a symbolic link (to /dev/zero)")
    assert all(wanted in p.message for p in found), found
    assert listed_cases(demo_desk_dir) == all_cases(demo_desk_dir) - (relative == CASE)


@pytest.mark.parametrize("relative", DESK_FILES)
def test_a_link_to_a_valid_file_outside_the_desk_is_not_read(
    demo_desk_dir: Path, tmp_path: Path, relative: str
) -> None:
    path = demo_desk_dir / relative
    outside = tmp_path / "outside" / path.name
    outside.parent.mkdir()
    shutil.move(path, outside)
    path.symlink_to(outside)
    found = problems_of(demo_desk_dir, relative)
    assert found, f"{relative}: a linked file was read silently"
    assert all(f"is a symbolic link (to {outside})" in p.message for p in found)
    assert listed_cases(demo_desk_dir) == all_cases(demo_desk_dir) - (relative == CASE)


@pytest.mark.parametrize("relative", DESK_FILES)
def test_a_file_over_its_size_limit_is_refused(
    demo_desk_dir: Path, relative: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    over_the_limit(demo_desk_dir / relative, monkeypatch)
    found = problems_of(demo_desk_dir, relative)
    assert found, f"no problem reported for {relative}"
    assert all(re.search(r"is [\d,]+ bytes, over the 1 MiB limit for \w+ files", p.message)
               for p in found), found
    assert listed_cases(demo_desk_dir) == all_cases(demo_desk_dir) - (relative == CASE)


def test_the_size_limits_are_generous_by_default_and_a_bad_setting_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = tmp_path / "big.toml"
    batch.write_bytes(b"#" * (20 * 2**20))
    assert len(read_desk_file(batch, FileKind.LEDGER)) == 20 * 2**20
    with pytest.raises(FileRefused, match="over the 8 MiB limit for case files"):
        read_desk_file(batch, FileKind.CASE)
    monkeypatch.setenv(LIMITS_VARIABLE, "case=lots")
    with pytest.raises(FileRefused, match=f"{LIMITS_VARIABLE}: the limit for case must be"):
        read_desk_file(batch, FileKind.CASE)


def test_a_bad_settings_file_stops_only_that_desk_with_its_path(demo_desk_dir: Path) -> None:
    settings = demo_desk_dir / "desk.toml"
    line = nest(settings)
    with pytest.raises(DeskError) as raised:
        core.open_desk(demo_desk_dir)
    assert raised.value.problems == (Problem(
        settings, line, "TOML syntax error: values nested more than 100 deep"),)
    fifo(settings)
    with pytest.raises(DeskError, match="is not a regular file"):
        core.open_desk(demo_desk_dir)


# --- the command line: exit 1 with the message, no traceback, no hang --------------------------


def baogong(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("relative", [CASE, "catalogue.toml", BATCH])
@pytest.mark.parametrize("how", ["nested", "fifo", "dev-zero"])
def test_check_reports_a_hostile_file_and_exits_1(demo_desk_dir: Path, relative: str,
                                                   how: str) -> None:
    path = demo_desk_dir / relative
    if how == "nested":
        line: int | None = nest(path)
        message = "TOML syntax error: values nested more than 100 deep"
    elif how == "fifo":
        fifo(path)
        line, message = None, "is not a regular file (a FIFO)"
    else:
        link_to_dev_zero(path)
        line, message = None, "is a symbolic link (to /dev/zero)"
    result = baogong("check", "--jobs", "1", str(demo_desk_dir))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    where = f"{path}:{line}" if line else f"{path}"
    assert any(row.startswith(f"{where}: ") and message in row
               for row in result.stdout.splitlines()), result.stdout


def test_reconcile_reports_a_nested_batch_without_a_traceback(demo_desk_dir: Path) -> None:
    line = nest(demo_desk_dir / BATCH)
    result = baogong("reconcile", "--desk", str(demo_desk_dir), "--jobs", "1")
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{BATCH}:{line}: TOML syntax error: values nested more than 100 deep" in \
        result.stderr


# --- writes stay inside the desk ----------------------------------------------------------------


def test_a_new_case_is_not_written_through_a_linked_day_directory(
    demo_desk_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    day = demo_desk_dir / "cases" / "2026" / "11" / "30"
    day.symlink_to(outside, target_is_directory=True)
    desk = core.open_desk(demo_desk_dir)
    with pytest.raises(DeskError, match=r"30: is a symbolic link .*nothing was written"):
        desk.cases.create(core.Category.GROCERIES, operator="wang",
                          created=datetime(2026, 11, 30, 9, tzinfo=ZONE),
                          caller=core.Caller(name="张桂兰", phone="13800000001"))
    desk.cases.index.close()
    assert list(outside.iterdir()) == []
    report = check_desk(demo_desk_dir, workers=1)
    assert [p.render() for p in report.problems] == [
        f"{day}: is a symbolic link (to {outside}); baogong does not follow links in a desk; "
        "put the file itself there"]


def test_a_case_in_a_linked_directory_is_reported_not_loaded(
    demo_desk_dir: Path, tmp_path: Path
) -> None:
    day = demo_desk_dir / "cases" / "2026" / "11" / "16"
    inside = all_cases(demo_desk_dir) - len(list(day.iterdir()))
    outside = tmp_path / "outside-day"
    shutil.move(day, outside)
    day.symlink_to(outside, target_is_directory=True)
    victim = day / "20261116-0001.toml"
    desk = core.open_desk(demo_desk_dir)
    try:
        case, problems = desk.cases.load(victim)
        assert case is None
        assert problems == [Problem(victim, None, f"is reached through {day}, a symbolic link; "
                                    "baogong does not follow links in a desk; put the file "
                                    "itself there")]
        with pytest.raises(DeskError):
            desk.cases.get("20261116-0001")
        desk.cases.refresh()
        assert desk.cases.count() == inside
    finally:
        desk.cases.index.close()


def test_make_directories_refuses_a_link_and_a_path_outside(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    (root / "a").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (root / "a" / "b").symlink_to(tmp_path / "other")
    with pytest.raises(DeskError, match="is a symbolic link"):
        make_desk_directories(root, root / "a" / "b" / "c")
    assert not (tmp_path / "other" / "c").exists()
    with pytest.raises(DeskError, match="is outside the desk"):
        make_desk_directories(root, tmp_path / "other")
    make_desk_directories(root, root / "x" / "y")
    assert (root / "x" / "y").is_dir()


# --- smaller: a truncated file has a line; ids do not end in a newline ---------------------------


def test_a_truncated_file_is_reported_at_its_last_line(demo_desk_dir: Path) -> None:
    assert parse_toml(Path("t.toml"), b'a = 1\nb = "unfinished')[2] == [
        Problem(Path("t.toml"), 2, "TOML syntax error: Unterminated string")]
    batch = demo_desk_dir / BATCH
    data = batch.read_bytes()
    batch.write_bytes(data[: data.index(b"\n", len(data) // 2)])
    found = read_batch(batch).problems
    assert len(found) == 1 and found[0].line == batch.read_bytes().count(b"\n") + 1


@pytest.mark.parametrize("pattern, good", [
    (CASE_ID_PATTERN, "20261116-0001"),
    (RECORD_ID_PATTERN, "20261123-0007-2"),
    (UID_PATTERN, "0f8fad5b-d9cb-469f-a165-70867728950e"),
    (CODE_PATTERN, "jinxiu"),
    (PHONE_PATTERN, "13800000001"),
])
def test_an_id_or_code_ending_in_a_newline_is_refused(pattern: re.Pattern[str],
                                                      good: str) -> None:
    assert pattern.match(good)
    assert not pattern.match(good + "\n")


def test_a_case_id_with_a_newline_or_other_digits_has_no_path(tmp_path: Path) -> None:
    for bad in ("20261116-0001\n", "２０２６１１１６-0001"):
        with pytest.raises(CaseNotFound):
            case_path(tmp_path, bad)


def test_the_issues_fifo_neither_hangs_check_nor_empties_the_queue(demo_desk_dir: Path) -> None:
    cases = all_cases(demo_desk_dir)
    fifo_path = demo_desk_dir / "cases" / "2026" / "11" / "16" / "20261116-0996.toml"
    os.mkfifo(fifo_path)
    result = baogong("check", str(demo_desk_dir))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{fifo_path}: is not a regular file (a FIFO); only regular files are read"]
    desk = core.open_desk(demo_desk_dir)
    try:
        desk.cases.refresh()
        assert desk.cases.count() == cases
        assert [p.path for p in desk.cases.problems()] == [fifo_path]
    finally:
        desk.cases.index.close()
