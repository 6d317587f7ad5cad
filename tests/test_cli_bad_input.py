"""Every command on bad numbers and unusable outputs: exit status 2 and a message, no traceback.

An exception that still escapes a command is a bug: it exits with ``INTERNAL_ERROR`` (70), one line
on stderr naming a log file that holds the traceback.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run
from tui import deskpath
from tui.cli import COMMANDS, INTERNAL_ERROR
from tui.recording import dumps_recording, load_recording

ROOT = Path(__file__).resolve().parents[1]
SESSION = ROOT / "fixtures" / "sessions" / "rumour_report.toml"
#: a directory nobody may create files in, root included
UNWRITABLE = Path("/sys/baogong-test-output")





ITEMS = """\
[box]
max_kg = {max_kg}
max_l = 30

[[items]]
id = "rice"
kg = {kg}
l = 6
count = {count}
"""


def items(tmp_path: Path, *, max_kg: str = "10", kg: str = "5", count: str = "1") -> str:
    path = tmp_path / "items.toml"
    path.write_text(ITEMS.format(max_kg=max_kg, kg=kg, count=count), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("field", "values", "line", "message"), [
    ("kg", {"kg": "nan"}, 7, "items[0].kg: must be a finite number, got nan"),
    ("kg", {"kg": "inf"}, 7, "items[0].kg: must be a finite number, got inf"),
    ("max_kg", {"max_kg": "inf"}, 2, "box.max_kg: must be a finite number, got inf"),
    ("max_kg", {"max_kg": "nan"}, 2, "box.max_kg: must be a finite number, got nan"),
    ("max_kg", {"max_kg": "1e12"}, 2, "box.max_kg: must be positive and at most 1000, got 1e+12"),
    ("count", {"count": "1000000000"}, 9, "items[0].count: must be at most 100000"),
    ("count", {"count": "1000000"}, 9, "items[0].count: must be at most 100000"),
    ("count", {"count": "9223372036854775807"}, 9, "items[0].count: must be at most 100000"),
])
def test_pack_refuses_numbers_it_cannot_use(
    run: Run, tmp_path: Path, field: str, values: dict[str, str], line: int, message: str
) -> None:
    status, out, err = run("pack", items(tmp_path, **values))
    assert status == 2 and out == ""
    assert f"items.toml:{line}: {message}" in err


def test_pack_refuses_counts_that_add_up_past_the_ceiling(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "items.toml"
    path.write_text('[box]\nmax_kg = 10\n' + "".join(
        f'[[items]]\nid = "i{n}"\nkg = 1\ncount = 60000\n' for n in range(3)), encoding="utf-8")
    status, _, err = run("pack", str(path))
    assert status == 2
    assert err.strip() == (f"{path}:10: items[1].count: the counts add up to more than 100000 "
                           "copies, the most one packing holds")


@pytest.mark.parametrize("command", ["pack", "round"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e9", "soon"])
def test_time_limits_are_finite_seconds(
    run: Run, tmp_path: Path, command: str, value: str
) -> None:
    argv = [command, items(tmp_path)] if command == "pack" else [command]
    status, out, err = run(*argv, f"--time-limit={value}")
    assert status == 2 and out == ""
    assert f"--time-limit: '{value}'" in err


def test_round_refuses_a_huge_quantity(run: Run, demo_desk_dir: Path) -> None:
    """A mistyped quantity of 1,000,000,000 once kept `round` packing for minutes."""
    orders = demo_desk_dir / "rounds" / "r1125.toml"
    text = orders.read_text(encoding="utf-8")
    orders.write_text(text.replace('{ code = "cabbage-2kg", quantity = 1 }',
                                   '{ code = "cabbage-2kg", quantity = 1000000000 }', 1),
                      encoding="utf-8")
    status, _, err = run("round", "r1125", "--desk", str(demo_desk_dir))
    assert status == 2
    assert ("r1125.toml:12: order.lines: order r1125-0001: quantity of cabbage-2kg must be a "
            "whole number from 1 to 100") in err


@pytest.mark.parametrize("command", ["check", "reconcile"])
@pytest.mark.parametrize("value", ["0", "-1", "1000000000", "nan", "1.5"])
def test_jobs_are_a_whole_number_within_the_ceiling(
    run: Run, tmp_path: Path, command: str, value: str
) -> None:
    status, _, err = run(command, "--desk", str(tmp_path), "--jobs", value)
    assert status == 2 and f"--jobs: '{value}'" in err


def _cpu_seconds(argv: list[str], status: int) -> float:
    """The CPU time (user and system) ``argv`` took; it must exit with ``status`` in a minute.

    CPU time, not wall time: the packer's deadlines are wall-clock ones, so on a busy machine
    it stops with less CPU spent, while a packer that ignored its deadline burns its CPU anyway.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def test_pack_keeps_its_time_limit_on_the_largest_list(tmp_path: Path) -> None:
    """100,000 copies (the ceiling) once took 52 s with a 1 s limit; a million, over 300 s."""
    baogong = [sys.executable, "-m", "tui.cli", "pack"]
    startup = _cpu_seconds([*baogong, items(tmp_path, count="2"), "--time-limit", "0"], 0)
    limit = 1.0
    largest = tmp_path / "largest.toml"
    largest.write_text("[box]\nmax_kg = 10\nmax_l = 30\n"
                       '[[items]]\nid = "rice"\nkg = 3.3\nl = 6\ncount = 90000\n'
                       '[[items]]\nid = "pot"\nkg = 6\nl = 2\ncount = 5000\nclass = "x"\n'
                       '[[items]]\nid = "veg"\nkg = 0.7\ncount = 5000\n', encoding="utf-8")
    one_kind = tmp_path / "one.toml"
    one_kind.write_text(ITEMS.format(max_kg=10, kg=3.3, count=100_000), encoding="utf-8")
    million = tmp_path / "million.toml"
    million.write_text(ITEMS.format(max_kg=10, kg=3.3, count=1_000_000), encoding="utf-8")
    for path, status in ((largest, 0), (one_kind, 0), (million, 2)):
        argv = [*baogong, str(path), "--json", "--time-limit", str(limit)]
        spent = _cpu_seconds(argv, status)
        assert spent <= startup + 3 * limit, f"{path.name}: {spent:.1f} s"


RECORDING = dumps_recording(load_recording(SESSION))
RECORDED_KEYS = len(load_recording(SESSION).keys)


def _first(pattern: str, replacement: str) -> str:
    changed, count = re.subn(pattern, replacement, RECORDING, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    return changed


@pytest.mark.parametrize(("text", "message"), [
    (_first(r"^    80,$", "    8000000000,"), "session.size: must be from 40x12 to 500x200"),
    (_first(r"^t = 0\.92$", "t = nan"), "key[1].t: must be a finite number of seconds, got nan"),
    (_first(r"^t = 0\.92$", "t = inf"), "key[1].t: must be a finite number of seconds, got inf"),
    (_first(r"^t = 0\.92$", "t = 1e300"), "key[1].t: must be from 0 to 86400 seconds"),
    (_first(r"^duration = .*$", "duration = nan"), "session.duration: must be a finite number"),
    (_first(r"^duration = .*$", "duration = 1.0"), "key[2].t: t is after the end of the session"),
    (re.sub(r"^keys = .*\n", "", RECORDING.split("\n[[key]]")[0], flags=re.MULTILINE) + "\n",
     "no keys: the recording is empty or cut short"),
    (RECORDING.split("\n[[key]]")[0] + "\n",
     f"the session recorded {RECORDED_KEYS} keys but the file holds 0"),
    ("\n[[key]]".join(RECORDING.split("\n[[key]]")[:30]) + "\n",
     "session.keys: the session recorded"),
])
def test_replay_refuses_numbers_it_cannot_use_and_cut_recordings(
    run: Run, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "call.toml"
    path.write_text(text, encoding="utf-8")
    status, out, err = run("replay", str(path))
    assert status == 2 and out == ""
    assert "call.toml:" in err and message in err, err


@pytest.mark.parametrize(("output", "message"), [
    ("{tmp}", "is a directory: give a file name"),
    ("/nonexistent/dir/x.json", "no directory /nonexistent/dir (create it first)"),
    (str(UNWRITABLE / "x.json"), f"no directory {UNWRITABLE}"),
    ("/sys/x.json", "cannot write /sys/x.json: Permission denied"),
])
def test_export_to_an_unusable_path(
    run: Run, demo_desk_dir: Path, tmp_path: Path, output: str, message: str
) -> None:
    out = output.format(tmp=tmp_path)
    for what in (["open311", "--out", out], ["cases", "--csv", out],
                 ["report", "day", "--xlsx", out]):
        status, _, err = run("export", *what, "--desk", str(demo_desk_dir))
        assert status == 2 and message in err and len(err.splitlines()) == 1, (what, err)
    assert not Path("/nonexistent").exists()


@pytest.mark.parametrize(("option", "output", "message"), [
    ("--xlsx", "{tmp}", "is a directory"),
    ("--xlsx", "/nonexistent/dir/r.xlsx", "no directory /nonexistent/dir"),
    ("--xlsx", "/sys/r.xlsx", "cannot write"),
    ("--csv", "/nonexistent/dir/out", "no directory /nonexistent/dir"),
])
def test_reconcile_to_an_unusable_path(
    run: Run, demo_desk_dir: Path, tmp_path: Path, option: str, output: str, message: str
) -> None:
    status, _, err = run("reconcile", "--desk", str(demo_desk_dir), option,
                         output.format(tmp=tmp_path))
    assert status == 2 and message in err
    assert not Path("/nonexistent").exists()


@pytest.mark.parametrize(("option", "output", "message"), [
    ("--export-masked", "{tmp}", "is a directory"),
    ("--export-masked", "/nonexistent/dir/x.toml", "no directory /nonexistent/dir"),
    ("--export-masked", "/sys/x.toml", "cannot write /sys/x.toml"),
    ("--screens", "/nonexistent/dir/shots", "no directory /nonexistent/dir"),
    ("--keep", "/nonexistent/dir/desk", "no directory /nonexistent/dir"),
])
def test_replay_to_an_unusable_path(
    run: Run, tmp_path: Path, option: str, output: str, message: str
) -> None:
    status, _, err = run("replay", str(SESSION), option, output.format(tmp=tmp_path))
    assert status == 2 and message in err and len(err.splitlines()) == 1, err
    assert not Path("/nonexistent").exists()


def test_classify_and_record_test_refuse_bad_input(run: Run, tmp_path: Path) -> None:
    signals = tmp_path / "s.toml"
    signals.write_text("[signals]\ngrain_oil_weekly_rise = nan\n", encoding="utf-8")
    status, _, err = run("classify", str(signals))
    assert status == 2 and "s.toml:2: signals.grain_oil_weekly_rise: must be a finite" in err
    status, _, err = run("record-test", "x", "--start", "nan", "--dir", str(tmp_path))
    assert status == 2 and "--start 'nan' is not an ISO 8601 time" in err


def test_import_refuses_what_is_not_a_register_file(
        run: Run, demo_desk_dir: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "register.csv"
    os.mkfifo(fifo)
    for given, message in ((fifo, "is not a regular file"), (tmp_path, "is not a regular file"),
                           (tmp_path / "none.xlsx", "cannot read")):
        status, _, err = run("import", "households", str(given), "--desk", str(demo_desk_dir))
        assert status == 2 and message in err and len(err.splitlines()) == 1, err
    status, _, err = run("import", "visitors", str(fifo), "--desk", str(demo_desk_dir))
    assert status == 2 and "invalid choice: 'visitors'" in err


def test_ledger_import_refuses_what_is_not_an_invoice_file(
        run: Run, demo_desk_dir: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "invoice.csv"
    os.mkfifo(fifo)
    for given, message in ((fifo, "is not a regular file"), (tmp_path, "is not a regular file"),
                           (tmp_path / "none.xlsx", "cannot read")):
        status, _, err = run("ledger", "import", "invoice", str(given), "--supermarket",
                             "hualian", "--desk", str(demo_desk_dir))
        assert status == 2 and message in err and len(err.splitlines()) == 1, err
    status, _, err = run("ledger", "import", "receipt", str(fifo), "--desk", str(demo_desk_dir))
    assert status == 2 and "invalid choice: 'receipt'" in err
    status, _, err = run("ledger", "import", "invoice", str(fifo), "--desk", str(demo_desk_dir))
    assert status == 2 and "--supermarket" in err


def test_prices_refuse_unreadable_sheets_and_bad_dates(run: Run, tmp_path: Path,
                                                      demo_desk_dir: Path) -> None:
    status, _, err = run("prices", str(tmp_path / "none.csv"), "--desk", str(demo_desk_dir))
    assert status == 2 and "cannot read" in err and len(err.splitlines()) == 1, err
    sheet = tmp_path / "prices.csv"
    sheet.write_text("超市,品类,价格\nhualian,粮食,32.9\n", encoding="utf-8")
    status, _, err = run("prices", str(sheet), "--date", "11/23", "--desk", str(demo_desk_dir))
    assert status == 2 and "is not YYYY-MM-DD" in err and len(err.splitlines()) == 1, err


def test_tick_refuses_a_time_it_cannot_read(run: Run, tmp_path: Path,
                                            demo_desk_dir: Path) -> None:
    for when in ("nan", "11/23 09:00", "2026-13-40T00:00"):
        status, _, err = run("tick", "--now", when, "--desk", str(demo_desk_dir))
        assert status == 2 and "--now" in err and len(err.splitlines()) == 1, err
    status, _, err = run("tick", "--desk", str(tmp_path / "none"))
    assert status == 2 and "not found" in err


def test_allocation_refuses_times_it_cannot_read_and_a_broken_deadlines_table(
        run: Run, demo_desk_dir: Path) -> None:
    desk = str(demo_desk_dir)
    status, _, err = run("allocation", "report", "--now", "noon", "--desk", desk)
    assert status == 2 and "--now" in err and len(err.splitlines()) == 1, err
    status, _, err = run("allocation", "report", "--sent", "25:99", "--to", "x",
                         "--reference", "y", "--desk", desk)
    assert status == 2 and "--sent" in err and len(err.splitlines()) == 1, err
    with (demo_desk_dir / "allocation.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[deadlines]\nsince = 2026-11-23\nreport_by = "half past five"\n')
    status, _, err = run("allocation", "report", "--day", "2026-11-23", "--desk", desk)
    assert status == 2 and "allocation.toml" in err and "deadlines.report_by" in err, err


def test_init_refuses_an_unusable_directory(run: Run, tmp_path: Path) -> None:
    status, _, err = run("init", str(UNWRITABLE / "desk"))
    assert status == 2 and "cannot write" in err and len(err.splitlines()) == 1, err
    status, _, err = run("init", str(tmp_path), "--lang", "fr")
    assert status == 2 and "invalid choice: 'fr'" in err


def test_replication_commands_refuse_unusable_input(run: Run, tmp_path: Path,
                                                   demo_desk_dir: Path) -> None:
    status, _, err = run("sync", "--desk", str(demo_desk_dir))
    assert status == 2 and "not a git repository" in err and len(err.splitlines()) == 1, err
    status, _, err = run("clone", str(tmp_path / "none.git"), str(tmp_path / "c"),
                         "--site", "XC")
    assert status == 2 and "cannot clone" in err and len(err.splitlines()) == 1, err
    status, _, err = run("clone", str(demo_desk_dir), str(tmp_path / "d"), "--site", "xc")
    assert status == 2 and "not a site code" in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "d").exists()
    status, _, err = run("site-ids", "--desk", str(demo_desk_dir))
    assert status == 2 and "no site code" in err and len(err.splitlines()) == 1, err
    missing = str(tmp_path / "none.toml")
    status, _, err = run("merge-case", missing, missing, missing,
                         "cases/2026/11/23/HX-20261123-0001.toml")
    assert status == 1 and "merge-case" in err and len(err.splitlines()) == 1, err


def test_city_refuses_a_desk_that_is_no_city_and_unusable_arguments(
        run: Run, demo_desk_dir: Path, tmp_path: Path) -> None:
    status, _, err = run("city", "--desk", str(demo_desk_dir), "board")
    assert status == 2 and "not a city desk" in err and len(err.splitlines()) == 1, err
    (demo_desk_dir / "city.toml").write_text('[[district]]\ncode = "x"\nname = "x"\n'
                                             'path = "."\n', encoding="utf-8")
    status, _, err = run("city", "--desk", str(demo_desk_dir), "board", "--at", "noon")
    assert status == 2 and "'noon' is not a date" in err and len(err.splitlines()) == 1, err
    status, _, err = run("city", "--desk", str(demo_desk_dir), "export", "open311", "--out",
                         str(tmp_path / "none" / "feed.json"))
    assert status == 2 and "no directory" in err and len(err.splitlines()) == 1, err


def test_every_command_is_covered_here() -> None:
    text = Path(__file__).read_text(encoding="utf-8")
    assert [c for c in COMMANDS if f'"{c}"' not in text] == []


# --- an internal error ------------------------------------------------------------------------


def test_an_internal_error_exits_70_with_one_line_naming_its_log(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.commands.check

    def broken(_args: object) -> int:
        raise RuntimeError("the index went away\nsecond line")

    monkeypatch.setattr(tui.commands.check, "run", broken)
    monkeypatch.setattr(deskpath, "user_log_dir", lambda: tmp_path / "log")
    status, out, err = run("check", str(tmp_path))
    assert status == INTERNAL_ERROR == 70
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith("baogong check: internal error (RuntimeError: the index went away); "
                          f"details in {tmp_path / 'log'}/error-")
    log = Path(err.split("details in ")[1].strip())
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "RuntimeError: the index went away" in details
    assert "in broken" in details and "'check'" in details
    assert log.stat().st_mode & 0o777 == 0o600


def test_an_internal_error_in_a_process(tmp_path: Path) -> None:
    code = ("import tui.commands.pack as pack, sys\n"
            "pack.run = lambda args: 1 / 0\n"
            "from tui.cli import main\n"
            "sys.exit(main(['pack', 'items.toml']))\n")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 70
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    logs = list((tmp_path / "state").rglob("error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in done.stderr
    assert "ZeroDivisionError" in logs[0].read_text(encoding="utf-8")


def test_without_a_log_directory_the_line_says_so(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    import tui.commands.pack

    monkeypatch.setattr(tui.commands.pack, "run", lambda _args: [][1])
    monkeypatch.setattr(deskpath, "user_log_dir", lambda: UNWRITABLE)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(UNWRITABLE))
    status, _, err = run("pack", "x.toml")
    assert status == 70
    assert err == ("baogong pack: internal error (IndexError: list index out of range); "
                   "no log file could be written\n")
