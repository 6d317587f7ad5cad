"""Shift handover in core: the figures of the shift that is ending, the saved file read back,
the next shift's receipts (two at once both stay; a report saved again keeps them)."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import core
from core.cases.index import Query
from core.cases.queue import Queue
from core.handovers import (
    LISTED,
    NOTES_TITLE,
    Handovers,
    acknowledge,
    mark,
    read_handover,
)


def at(desk: core.Desk, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=desk.settings.zone)


def test_the_figures_of_the_shift_that_is_ending(demo_desk: core.Desk) -> None:
    queue = Queue(demo_desk)
    queue.refresh()
    now = at(demo_desk, 22, 19, 30)
    figures = demo_desk.handovers.figures(queue, now, "li")
    shift = figures.shift
    assert (shift.name, shift.start, shift.end) == ("白班", at(demo_desk, 22, 8),
                                                     at(demo_desk, 22, 20))
    assert not figures.ended
    every = queue.rows(queue.ids(Query())).values()
    taken = {r.id for r in every if shift.start <= r.created < shift.end}
    assert {r.id for r in figures.taken} == taken and taken
    assert {r.id for r in figures.closed} == {
        r.id for r in every if not r.is_open and shift.start <= r.updated < shift.end}
    assert figures.taken_by_operator == sum(1 for r in every if r.id in taken
                                            and r.created_by == "li")
    assert figures.open == sum(r.is_open for r in every)
    assert figures.overdue == sum(r.is_past_due(now) for r in every)
    assert figures.late_callbacks == sum(r.is_callback_late(now) for r in every)
    assert len(figures.overdue_listed) == min(LISTED, sum(r.is_overdue(now) for r in every))
    # in the first hour of the night shift, the day shift is still the one handed over
    later = demo_desk.handovers.figures(queue, at(demo_desk, 22, 20, 30), "li")
    assert later.shift == shift and later.ended
    queue.close()


def test_saved_read_and_acknowledged(demo_desk: core.Desk) -> None:
    handovers = demo_desk.handovers
    day_end = at(demo_desk, 22, 19, 30)
    report = "交接班\n\n" + mark(NOTES_TITLE, "zh") + "\n注意停水"
    path = handovers.save(report, "wang.li", day_end, "zh")
    assert path == demo_desk.root / "handovers" / "20261122-0800-wang_li.txt"
    night = at(demo_desk, 22, 20, 15)
    assert handovers.received(night) == handovers.ending(day_end)
    (saved,) = handovers.of(handovers.received(night))
    assert (saved.author, saved.notes, saved.receipts) == ("wang_li", "注意停水", ())
    assert handovers.waiting_for("zhao", night)
    assert handovers.acknowledge("zhao", night, "en") == 1
    assert handovers.acknowledge("zhao", night, "en") == 0  # signed once only
    assert not handovers.waiting_for("zhao", night)
    assert handovers.waiting_for("sun", night)
    text = path.read_text(encoding="utf-8")
    assert "--- Received by the next shift ---\nzhao  2026-11-22 20:15\n" in text
    # saved again by the day shift, the new report keeps the night shift's receipt
    handovers.save(report + "，已修复", "wang.li", at(demo_desk, 22, 20, 10), "zh")
    notes, receipts = read_handover(path)
    assert notes == "注意停水，已修复" and receipts == ["zhao  2026-11-22 20:15"]
    assert "--- 接班确认 ---" in path.read_text(encoding="utf-8")


def test_either_language_and_the_old_mark_are_read(tmp_path: Path) -> None:
    for text in ("x\n--- Notes to the next shift ---\nn\n--- 接班确认 ---\nli  t\n",
                 "x\n--- notes ---\nn\n\n--- Received by the next shift ---\nli  t\n"):
        path = tmp_path / "20261123-0800-wang.txt"
        path.write_text(text, encoding="utf-8")
        assert read_handover(path) == ("n", ["li  t"])
    path.write_bytes(b"\xff\xfe")
    assert read_handover(path) == ("", [])
    assert read_handover(tmp_path / "missing.txt") == ("", [])


def test_no_handovers_yet(demo_desk: core.Desk) -> None:
    handovers = Handovers(demo_desk.root, demo_desk.shifts, demo_desk.file_mode)
    assert handovers.of(handovers.received(at(demo_desk, 22, 20))) == []
    assert not handovers.waiting_for("li", at(demo_desk, 22, 20))
    assert handovers.acknowledge("li", at(demo_desk, 22, 20)) == 0


def test_two_receipts_at_once_both_stay(tmp_path: Path) -> None:
    path = tmp_path / "20261123-0800-wang.txt"
    path.write_text("交接班\n\n--- 给下一班的交代 ---\n注意停水\n", encoding="utf-8")
    moment = datetime(2026, 11, 23, 20, 15)
    threads = [threading.Thread(target=acknowledge, args=(path, name, moment),
                                kwargs={"lock": tmp_path / "handovers.lock", "mode": 0o600})
               for name in ("li", "zhao", "sun")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes, receipts = read_handover(path)
    assert notes == "注意停水"
    assert sorted(r.split()[0] for r in receipts) == ["li", "sun", "zhao"]


def test_resolutions_awaiting_approval_are_counted_apart(tmp_path: Path) -> None:
    from core.cases.approval import approval_queue
    from tests.core.test_ladder_demo_day import DAY, demo_with_escalation

    desk = demo_with_escalation(tmp_path / "desk")
    waiting = {w.case.id for w in approval_queue(desk)}
    queue = Queue(desk)
    queue.refresh()
    # the demo's price and food complaints were resolved at 23:59 the day before: they wait
    figures = desk.handovers.figures(queue, DAY.replace(hour=7), "li")
    assert figures.awaiting == len(waiting) > 0
    assert not waiting & {r.id for r in figures.closed}
    queue.close()
    desk.cases.index.close()
