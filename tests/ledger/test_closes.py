"""A signed-off period holds: appends and sign-offs take turns, the sign-off seals the period's
batch files, the reconciler reports any change to them, and a later reversal leaves it alone."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core import ledger as L
from core.demo import demo_desk_path
from core.ledger.files import batch_paths, read_batch, write_batch
from core.ledger.periods import seal
from tests.ledger.conftest import DAY, Book, codes
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIRST, LAST = date(2026, 11, 16), date(2026, 11, 18)


def order(book: Book, household: str, amount: int, day: int = 0) -> L.Draft:
    return L.draft(L.Collection, time=book.at(day), household=household, community="jinxiu",
                   supermarket="hualian", round="r1116", order=f"o-{household}",
                   grid_worker="grid.jinxiu.1", amount_fen=amount)


def files_dated_in(root: Path, start: date, end: date) -> set[str]:
    """The batch files holding a record dated ``start``..``end``, from the desk's root."""
    zone = core.open_desk(root).settings.zone
    return {path.relative_to(root).as_posix() for path in batch_paths(root)
            if any(start <= r.time.astimezone(zone).date() <= end
                   for r in read_batch(path).records)}


def sealed_files(book: Book) -> dict[str, str]:
    (close,) = book.ledgers.closes().closes
    assert close.sealed is not None
    return {f.file: f.sha256 for f in close.sealed}


def seal_findings(result: L.Reconciliation) -> list[L.Finding]:
    return [f for f in result.findings if f.code.startswith("sealed_file_")]


# --- the seal ------------------------------------------------------------------------------


def test_sign_off_seals_every_file_holding_a_record_of_the_period(book: Book) -> None:
    book.write(order(book, "h0001", 3290))                     # recorded on the 16th
    book.write(order(book, "h0002", 1000, day=1),              # dated in the period,
               recorded=book.at(3, 8))                         # recorded the day after it
    book.write(order(book, "h0003", 500, day=5))               # dated after the period
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))

    sealed = sealed_files(book)
    assert set(sealed) == files_dated_in(book.desk.root, FIRST, LAST)
    assert set(sealed) == {"ledgers/2026/11/16/20261116-0001.toml",
                           "ledgers/2026/11/19/20261119-0001.toml"}
    for name, digest in sealed.items():
        assert hashlib.sha256((book.desk.root / name).read_bytes()).hexdigest() == digest
    # the seal is written into the period record, readable by any TOML reader
    text = (book.desk.root / "ledgers/periods/2026-11-16--2026-11-18.toml").read_text("utf-8")
    assert tomllib.loads(text)["sealed"][0] == {
        "file": "ledgers/2026/11/16/20261116-0001.toml",
        "sha256": sealed["ledgers/2026/11/16/20261116-0001.toml"]}
    assert seal_findings(book.reconcile()) == []


def test_a_record_written_in_another_offset_is_sealed_by_its_date_on_the_desk(book: Book
                                                                              ) -> None:
    # 20:00 UTC on the 15th is 04:00 on the 16th in Beijing; written down days before
    early = datetime(2026, 11, 15, 20, tzinfo=UTC)
    draft = L.draft(L.Collection, **{**order(book, "h0001", 100).fields, "time": early})
    book.ledgers.append([draft], operator="x", recorded=datetime(2026, 11, 10, 9, tzinfo=UTC))
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    assert set(sealed_files(book)) == {"ledgers/2026/11/10/20261110-0001.toml"}


def test_a_period_with_no_records_is_sealed_empty(book: Book) -> None:
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    assert sealed_files(book) == {}
    with pytest.raises(L.PeriodClosedError):
        book.write(order(book, "h0001", 100, day=1), recorded=book.at(3, 10))
    assert book.reconcile().findings == ()


def test_editing_a_sealed_batch_in_place_is_reported(book: Book) -> None:
    (record,) = book.write(order(book, "h0001", 3290))
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    path = book.desk.root / "ledgers/2026/11/16/20261116-0001.toml"
    path.write_text(path.read_text("utf-8").replace("amount_fen = 3290", "amount_fen = 329"),
                    encoding="utf-8")

    result = book.reconcile()
    (found,) = seal_findings(result)
    assert found.code == "sealed_file_changed" and found.path == path and found.line is None
    assert "ledgers/2026/11/16/20261116-0001.toml" in found.message("en")
    assert "ledgers/2026/11/16/20261116-0001.toml" in found.message("zh")
    assert "2026-11-16--2026-11-18" in found.message("en") and "SHA-256" in found.message("en")
    assert "restore" in found.action("en") and "备份" in found.action("zh")
    # a reversal cannot undo an edit, and no other scope or period hides it
    book.ledgers.reverse(record, reason="改过的", time=book.at(5), recorded=book.at(5))
    assert [f.code for f in seal_findings(book.reconcile(
        start=date(2026, 11, 20), end=date(2026, 11, 21), scope=L.Scope(community="taoyuan")))
    ] == ["sealed_file_changed"]


def test_removing_a_sealed_batch_is_reported(book: Book) -> None:
    book.write(order(book, "h0001", 3290))
    book.write(order(book, "h0002", 1000, day=1))
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    gone = book.desk.root / "ledgers/2026/11/17/20261117-0001.toml"
    gone.unlink()

    (found,) = seal_findings(book.reconcile())
    assert found.code == "sealed_file_removed" and found.path == gone
    assert "ledgers/2026/11/17/20261117-0001.toml" in found.message("en")
    assert "ledgers/2026/11/17/20261117-0001.toml" in found.message("zh")
    assert found.action("en") and found.action("zh")


def test_a_batch_added_to_a_sealed_period_is_reported(book: Book) -> None:
    book.write(order(book, "h0001", 3290))
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    # a writer that ignores the close (an old copy of the program, a hand-made file), and whose
    # clock says it wrote before the sign-off: the seal does not trust clocks
    path, (late,) = write_batch(book.desk.root, [order(book, "h0002", 100, day=1)],
                                operator="x", zone=book.zone, recorded=book.at(2, 12))

    result = book.reconcile(as_of=book.at(3, 13))
    assert codes(result) == {"sealed_file_added": 1}
    (found,) = result.findings
    assert (found.path, found.line, found.record) == (path, 4, late.id)
    assert "ledgers/2026/11/18/20261118-0001.toml" in found.message("en")
    assert "ledgers/2026/11/18/20261118-0001.toml" in found.message("zh")
    assert "move it out of ledgers/" in found.action("en")
    # what it says to do clears it
    path.rename(book.desk.root / "kept-aside.toml")
    assert book.reconcile(as_of=book.at(3, 13)).findings == ()


def test_a_sealed_batch_replaced_by_a_link_is_reported(book: Book) -> None:
    book.write(order(book, "h0001", 3290))
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    path = book.desk.root / "ledgers/2026/11/16/20261116-0001.toml"
    elsewhere = book.desk.root.parent / "outside.toml"
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)  # the same bytes, but no longer the desk's own file

    (found,) = seal_findings(book.reconcile())
    assert found.code == "sealed_file_changed"
    assert "no longer a regular file" in found.message("en")


def test_sign_off_refuses_to_seal_a_file_it_cannot_read(book: Book) -> None:
    book.write(order(book, "h0001", 3290))
    fifo = book.desk.root / "ledgers/2026/11/16/20261116-0002.toml"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"20261116-0002\.toml"):
        book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    assert book.ledgers.closes().closes == ()


def test_a_close_written_before_seals_still_counts(book: Book) -> None:
    book.write(order(book, "h0001", 3290))
    periods = book.desk.root / "ledgers" / "periods"
    periods.mkdir()
    (periods / "2026-11-16--2026-11-18.toml").write_text(
        'start = 2026-11-16\nend = 2026-11-18\nsigned_by = "zhou.min"\n'
        'signed = 2026-11-19T09:00:00+08:00\nuid = "e40ebb81-07d8-5013-97e6-46d96c0a426a"\n',
        encoding="utf-8")
    (close,) = book.ledgers.closes().closes
    assert close.sealed is None
    with pytest.raises(L.PeriodClosedError):
        book.write(order(book, "h0002", 100, day=1), recorded=book.at(3, 12))
    # without a seal, a record is late when it was recorded after the signature
    _path, (late,) = write_batch(book.desk.root, [order(book, "h0002", 100, day=1)],
                                 operator="x", zone=book.zone, recorded=book.at(3, 12))
    assert codes(book.reconcile(as_of=book.at(3, 13))) == {"closed_period": 1}
    book.ledgers.reverse(late, reason="结账后误录", time=book.at(4), recorded=book.at(4))
    assert book.reconcile(as_of=book.at(4, 1)).findings == ()


def test_a_seal_naming_a_file_outside_the_ledgers_is_refused(book: Book) -> None:
    book.write(order(book, "h0001", 3290))
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    path = book.desk.root / "ledgers/periods/2026-11-16--2026-11-18.toml"
    path.write_text(path.read_text("utf-8").replace(
        'file = "ledgers/2026/11/16/20261116-0001.toml"', 'file = "ledgers/../desk.toml"'),
        encoding="utf-8")
    closes = book.ledgers.closes()
    assert closes.closes == ()
    (problem,) = closes.problems
    assert problem.path == path and "not a batch file" in problem.message


# --- a reversal takes effect on its own date ---------------------------------------------------


def test_a_later_reversal_leaves_the_signed_off_figures_alone(book: Book) -> None:
    book.write(order(book, "h0001", 3290))
    (oil,) = book.write(order(book, "h0002", 5990))
    book.one(L.Invoice, time=book.at(1), supermarket="hualian", community="jinxiu",
             round="r1116", lines=(L.InvoiceLine(item="rice-5kg", quantity=1,
                                                 unit_price_fen=3290),
                                   L.InvoiceLine(item="rice-10kg", quantity=1,
                                                 unit_price_fen=5990)))
    as_of = book.at(3, 9)
    signed_off = book.reconcile(start=FIRST, end=LAST, as_of=as_of)
    assert signed_off.money.collected == 9280
    assert codes(signed_off) == {"not_received": 1}  # no delivery receipt yet: beside the point
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=as_of)

    # the household is refunded after the sign-off: the reversal is dated the 20th
    book.ledgers.reverse(oil, reason="退款", time=book.at(4), recorded=book.at(4))
    again = book.reconcile(start=FIRST, end=LAST, as_of=as_of)
    assert again.money == signed_off.money
    assert again.matches == signed_off.matches and again.open_items == signed_off.open_items
    assert again.findings == signed_off.findings
    # from the 20th on, the collection is gone: the round no longer balances
    later = book.reconcile(as_of=book.at(4, 1))
    assert later.money.collected == 3290
    assert codes(later)["collected_invoiced_mismatch"] == 1


def test_a_later_reversal_keeps_a_finding_of_the_period(book: Book) -> None:
    first = book.collection("h0001", amount=3290)
    second = book.collection("h0001", amount=3290, hour=10)
    del first
    as_of = book.at(3, 9)
    assert codes(book.reconcile(start=FIRST, end=LAST, as_of=as_of))["suspected_duplicate"] == 1
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=as_of)
    book.ledgers.reverse(second, reason="重复录入", time=book.at(4), recorded=book.at(4))
    assert codes(book.reconcile(start=FIRST, end=LAST, as_of=as_of))["suspected_duplicate"] == 1
    assert codes(book.reconcile(as_of=as_of))["suspected_duplicate"] == 0


# --- the command ----------------------------------------------------------------------------


def test_the_command_reports_each_breach_with_its_file(book: Book,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    book.write(order(book, "h0001", 3290))
    book.write(order(book, "h0002", 1000, day=1))
    book.ledgers.close(FIRST, LAST, signed_by="zhou.min", signed=book.at(3, 9))
    root = book.desk.root
    edited = root / "ledgers/2026/11/16/20261116-0001.toml"
    edited.write_bytes(edited.read_bytes().replace(b"3290", b"3291"))
    (root / "ledgers/2026/11/17/20261117-0001.toml").unlink()
    write_batch(root, [order(book, "h0003", 100, day=2)], operator="x", zone=book.zone,
                recorded=book.at(3, 12))

    desk = ["reconcile", "--desk", str(root)]
    assert main([*desk, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "[sealed_file_changed]" in out and "[sealed_file_removed]" in out
    assert "[sealed_file_added]" in out
    assert "ledgers/2026/11/16/20261116-0001.toml" in out
    assert "ledgers/2026/11/17/20261117-0001.toml" in out
    assert "ledgers/2026/11/19/20261119-0001.toml:4" in out
    assert out.count("→ next:") >= 3
    assert main([*desk, "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "结账封存后被改动" in out and "已不存在" in out
    assert "不在期间 2026-11-16--2026-11-18 的结账封存中" in out
    assert main([*desk, "--json"]) == 1
    found = {f["code"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found["sealed_file_removed"]["path"] == "ledgers/2026/11/17/20261117-0001.toml"


# --- appends and a sign-off racing ---------------------------------------------------------

RACER = """
import os, sys, time
from datetime import date, datetime
sys.path.insert(0, {root!r})
import core
from core import ledger as L

desk_root, role, barrier = sys.argv[1], sys.argv[2], sys.argv[3]
book = L.Ledgers(core.open_desk(desk_root))
zone = book.desk.settings.zone
open(barrier + "." + role, "w").close()
while not os.path.exists(barrier):
    time.sleep(0.0005)
if role == "close":
    time.sleep(float(sys.argv[4]))
    book.close(date(2026, 11, 16), date(2026, 11, 18), signed_by="zhou.min")
    print("closed")
else:
    written = 0
    stop = time.monotonic() + {seconds}
    while time.monotonic() < stop:
        draft = L.draft(L.Collection, time=datetime(2026, 11, 17, 9, tzinfo=zone),
                        household="h" + role, community="jinxiu", supermarket="hualian",
                        round="r1116", order=role + "-" + str(written),
                        grid_worker="grid.jinxiu.1", amount_fen=100)
        try:
            book.append([draft], operator="grid.jinxiu.1")
        except L.PeriodClosedError:
            print(written, "refused")
            break
        written += 1
    else:
        print(written, "never refused")
"""

APPENDERS = 4
#: appenders write until the sign-off refuses them, for at most this long (a loaded machine may
#: take seconds to start the closing process)
SECONDS = 90


def test_no_record_lands_in_a_period_after_its_sign_off(book: Book, tmp_path: Path) -> None:
    root = book.desk.root
    barrier = tmp_path / "go"
    script = RACER.format(root=str(ROOT), seconds=SECONDS)
    roles = [str(n) for n in range(APPENDERS)] + ["close"]
    racers = [subprocess.Popen([sys.executable, "-c", script, str(root), role, str(barrier),
                                "0.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for role in roles]
    try:
        deadline = datetime.now() + timedelta(seconds=60)
        while not all(Path(f"{barrier}.{role}").exists() for role in roles):
            assert datetime.now() < deadline, "racers did not start"
            assert all(r.poll() is None for r in racers), racers[0].communicate()
        barrier.touch()  # all released at the same instant
        outputs = [r.communicate(timeout=SECONDS + 60) for r in racers]
    finally:
        for racer in racers:
            if racer.poll() is None:
                racer.kill()
    for racer, (_out, err) in zip(racers, outputs, strict=True):
        assert racer.returncode == 0, err
    reports = {role: out.split() for role, (out, _err)
               in zip(roles[:-1], outputs[:-1], strict=True)}
    written = {role: int(report[0]) for role, report in reports.items()}
    # the close came while the appenders were writing: each was refused in the end
    assert all(report[1:] == ["refused"] for report in reports.values()), reports
    assert sum(written.values()) > 0, written  # (a polled flock is not fair: one may starve)

    on_disk = files_dated_in(root, FIRST, LAST)
    assert len(on_disk) == sum(written.values())  # nothing lost, nothing doubled
    assert set(sealed_files(book)) == on_disk  # nothing landed after the seal
    result = book.reconcile()
    assert not [f for f in result.findings if f.code in ("sealed_file_added", "closed_period")]


# --- property ---------------------------------------------------------------------------------

operation = st.one_of(
    st.tuples(st.just("append"), st.integers(0, 14), st.integers(1, 9_999)),
    st.tuples(st.just("reverse"), st.integers(0, 99), st.integers(0, 5)),
    st.tuples(st.just("close"), st.just(0), st.just(0)),
)


@settings(max_examples=20, deadline=None)
@given(st.lists(operation, min_size=1, max_size=25))
def test_any_interleaving_keeps_every_seal_and_every_signed_off_figure(
        operations: list[tuple[str, int, int]]) -> None:
    """Appends, later reversals and three-day sign-offs in any order: every seal holds the files
    of its period, and each closed period reconciles to the figures it had when signed off."""
    work = Path(tempfile.mkdtemp(prefix="baogong-closes-prop-"))
    try:
        root = work / "desk"
        shutil.copytree(demo_desk_path(), root, ignore=shutil.ignore_patterns("cases", "ledgers"))
        desk = core.open_desk(root)
        book = L.Ledgers(desk)
        zone = desk.settings.zone
        clock = datetime.combine(DAY, datetime.min.time(), zone)
        written: list[L.Record] = []
        reversed_: set[str] = set()
        closed_until = DAY - timedelta(days=1)
        signed_off: dict[tuple[date, date], L.Reconciliation] = {}
        as_of = clock + timedelta(days=60)
        for step, (kind, a, b) in enumerate(operations):
            clock += timedelta(hours=7)
            if kind == "append":
                day = DAY + timedelta(days=a)
                draft = L.draft(L.Collection, time=clock.replace(day=day.day, month=day.month),
                                household=f"h{step:04d}", community="jinxiu",
                                supermarket="hualian", round="r1116", order=f"o{step}",
                                grid_worker="grid.jinxiu.1", amount_fen=b)
                if day <= closed_until:
                    with pytest.raises(L.PeriodClosedError):
                        book.append([draft], operator="p", recorded=clock)
                else:
                    written.extend(book.append([draft], operator="p", recorded=clock))
            elif kind == "reverse" and (live := [r for r in written if r.id not in reversed_]):
                target = live[a % len(live)]
                reversed_.add(target.id)
                day = max(target.time.astimezone(zone).date(), closed_until) + timedelta(days=b + 1)
                book.reverse(target, reason="更正", operator="p", recorded=clock,
                             time=datetime.combine(day, clock.timetz()))
            elif kind == "close":
                start = closed_until + timedelta(days=1)
                end = start + timedelta(days=2)
                signed_off[(start, end)] = book.reconcile(start=start, end=end, as_of=as_of)
                book.close(start, end, signed_by="sun.hao", signed=clock)
                closed_until = end
        for close in book.closes().closes:
            assert close.sealed == seal(root, close.start, close.end, zone)
            again = book.reconcile(start=close.start, end=close.end, as_of=as_of)
            before = signed_off[(close.start, close.end)]
            assert again.money == before.money
            assert sorted(f.code for f in again.findings) == sorted(
                f.code for f in before.findings)
        assert not [f for f in book.reconcile().findings
                    if f.code.startswith("sealed_file_") or f.code == "closed_period"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
