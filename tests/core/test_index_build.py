"""Building the case index: in bulk on every core, relative to the desk, resumable.

A desk opened without its index parses every file once, on several processes when there are
many; a desk moved or copied elsewhere keeps its index (a copy's files are compared by digest,
not parsed again); an old index format is rebuilt.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.cases import indexing
from core.cases.index import INDEX_FORMAT, CaseIndex, Query
from core.cases.indexing import FullRows
from core.cases.queue import Queue
from core.cases.store import case_row, decode_case


def snapshot(desk: core.Desk) -> tuple[list[core.CaseRow], list[core.Problem]]:
    return desk.cases.query(), desk.cases.problems()


def break_one(desk: core.Desk) -> Path:
    path = next(desk.cases.paths())
    path.write_text("id = [broken\n", encoding="utf-8")
    return path


def test_a_bulk_build_on_several_processes_indexes_what_one_process_does(
        demo_desk_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(demo_desk_dir, other)
    serial, parallel = core.open_desk(demo_desk_dir), core.open_desk(other)
    broken = break_one(serial), break_one(parallel)
    assert serial.cases.index.refresh(case_row, workers=1) == len(list(serial.cases.paths()))
    parsed = parallel.cases.index.refresh(case_row, workers=2, parallel_from=1)
    assert parsed == len(list(parallel.cases.paths()))
    (rows, problems), (rows2, problems2) = snapshot(serial), snapshot(parallel)
    assert [r.id for r in rows] == [r.id for r in rows2]
    assert [attrs_without_path(r) for r in rows] == [attrs_without_path(r) for r in rows2]
    assert [(p.path, p.line, p.message) for p in problems] == [broken[0:1][0] and (
        broken[0], problems[0].line, problems[0].message)]
    assert [(p.path, p.line, p.message) for p in problems2] == [
        (broken[1], problems[0].line, problems[0].message)]
    for desk in (serial, parallel):
        desk.cases.index.close()


def attrs_without_path(row: core.CaseRow) -> tuple[object, ...]:
    return (row.id, row.created, row.status, row.category, row.phone, row.name, row.address,
            row.flags, row.due, row.revision)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_fresh_index_keeps_each_file_as_it_was_read(demo_desk: core.Desk,
                                                      workers: int) -> None:
    """A fresh build lists names without a ``stat`` each: the readers give each file's inode,
    size and time, so the next refresh finds every file unchanged."""
    index = demo_desk.cases.index
    assert index.refresh(case_row, workers=workers, parallel_from=1) > 0
    kept = {path: (ino, size, mtime) for path, ino, size, mtime in index.db.execute(
        "SELECT path, ino, size, mtime_ns FROM cases")}
    assert kept
    for path, identity in kept.items():
        info = (demo_desk.cases.root / path).stat()
        assert identity == (info.st_ino, info.st_size, info.st_mtime_ns)
    assert index.refresh(case_row, workers=workers, parallel_from=1) == 0


def test_two_stores_in_one_process_build_a_fresh_index_once(
        demo_desk_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's queue and its clock rules each refresh a store of their own: opened without
    its index, the desk is read once, the second refresh waiting for the first."""
    def slow(root: str, relative: str, raw: bytes
             ) -> tuple[tuple[object, ...] | None, list[core.Problem]]:
        time.sleep(0.002)
        return case_row(root, relative, raw)

    monkeypatch.setattr("core.cases.store.case_row", slow)
    desks = [core.open_desk(demo_desk_dir), core.open_desk(demo_desk_dir)]
    total = len(list(desks[0].cases.paths()))
    together = threading.Barrier(2)
    parsed: list[int] = []

    def refresh(desk: core.Desk) -> None:
        together.wait()
        parsed.append(desk.cases.refresh())

    threads = [threading.Thread(target=refresh, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(parsed) == [0, total]
    assert desks[1].cases.count() == total
    for desk in desks:
        desk.cases.index.close()


def test_the_secondary_indexes_are_made_after_a_bulk_build(demo_desk: core.Desk) -> None:
    seen: list[tuple[int, int]] = []
    demo_desk.cases.refresh(progress=lambda done, total: seen.append((done, total)))
    names = {n for (n,) in demo_desk.cases.index.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'cases_%'")}
    assert names == {"cases_created", "cases_day_dir", "cases_search"}
    total = len(list(demo_desk.cases.paths()))
    assert seen and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_an_interrupted_build_resumes_without_parsing_again(demo_desk: core.Desk,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    total = len(list(demo_desk.cases.paths()))
    monkeypatch.setattr("core.cases.index.BATCH", 50)
    monkeypatch.setattr("core.cases.indexing.CHUNK", 50)
    calls = 0

    def failing(root: str, relative: str, raw: bytes
                ) -> tuple[tuple[object, ...] | None, list[core.Problem]]:
        nonlocal calls
        calls += 1
        if calls > 120:
            raise KeyboardInterrupt
        return case_row(root, relative, raw)

    with pytest.raises(KeyboardInterrupt):
        demo_desk.cases.index.refresh(failing, workers=1)
    assert demo_desk.cases.count() == 100  # two batches were written
    assert demo_desk.cases.refresh() == total - 100
    assert demo_desk.cases.count() == total
    assert demo_desk.cases.index.db.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'cases_created'").fetchone()[0] == 1


def test_a_moved_desk_keeps_its_index(demo_desk: core.Desk, tmp_path: Path) -> None:
    demo_desk.cases.refresh()
    before = [r.id for r in demo_desk.cases.query()]
    demo_desk.cases.index.close()
    moved = tmp_path / "moved"
    demo_desk.root.rename(moved)
    desk = core.open_desk(moved)
    assert desk.cases.refresh() == 0
    rows = desk.cases.query()
    assert [r.id for r in rows] == before
    assert all(Path(r.path).is_relative_to(moved) and Path(r.path).exists() for r in rows)
    desk.cases.index.close()


def copy_without_times(source: Path, target: Path) -> None:
    """As ``cp -r`` copies: new inodes, and every file and directory modified now."""
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for directory, _dirs, _files in os.walk(target):
        os.utime(directory)


def test_a_copied_desk_compares_its_files_instead_of_parsing_them(demo_desk: core.Desk,
                                                                  tmp_path: Path) -> None:
    """``cp -r`` gives every file a new inode and time: the bytes decide what is parsed."""
    demo_desk.cases.refresh()
    demo_desk.cases.index.close()
    copy = tmp_path / "copy"
    copy_without_times(demo_desk.root, copy)
    changed = next(core.open_desk(copy).cases.paths())
    replacement = changed.with_suffix(".new")
    replacement.write_bytes(changed.read_bytes().replace(b'description = "',
                                                         b'description = "X'))
    replacement.replace(changed)
    desk = core.open_desk(copy)
    assert desk.cases.refresh() == 1
    assert desk.cases.refresh() == 0
    rows = desk.cases.query(text=f"{changed.stem}")
    assert [Path(r.path) for r in rows] == [changed]
    assert desk.cases.get(changed.stem).description.startswith("X")
    desk.cases.index.close()


def test_a_case_written_through_the_store_is_known_by_its_bytes(empty_desk: core.Desk,
                                                                 tmp_path: Path) -> None:
    case = empty_desk.cases.create(core.Category.GROCERIES, operator="wang")
    empty_desk.cases.act(case, core.Action.DISPATCH, operator="wang")
    empty_desk.cases.index.close()
    copy = tmp_path / "copy"
    copy_without_times(empty_desk.root, copy)
    desk = core.open_desk(copy)
    assert desk.cases.refresh() == 0
    assert desk.cases.query()[0].status is core.CaseStatus.DISPATCHED
    desk.cases.index.close()


def test_an_index_of_an_older_format_is_rebuilt(demo_desk: core.Desk) -> None:
    demo_desk.cases.refresh()
    demo_desk.cases.index.db.execute("UPDATE meta SET value = ? WHERE key = 'format'",
                                     (str(INDEX_FORMAT - 1),))
    demo_desk.cases.index.close()
    desk = core.open_desk(demo_desk.root)
    assert desk.cases.refresh() == len(list(desk.cases.paths()))
    desk.cases.index.close()


def test_paths_in_the_index_are_relative_to_the_cases_directory(demo_desk: core.Desk) -> None:
    demo_desk.cases.refresh()
    stored = [p for (p,) in demo_desk.cases.index.db.execute("SELECT path FROM cases")]
    assert stored and all(not os.path.isabs(p) and p.count("/") == 3 for p in stored)
    db = sqlite3.connect(demo_desk.root / ".index" / "cases.sqlite3")
    assert all(not os.path.isabs(p) for (p,) in db.execute("SELECT path FROM dirs"))
    db.close()


def test_a_decoder_that_cannot_be_sent_to_workers_is_run_here(demo_desk: core.Desk) -> None:
    index: CaseIndex = demo_desk.cases.index
    total = len(list(demo_desk.cases.paths()))
    assert index.refresh(FullRows(lambda path, raw: decode_case(path, raw)), workers=2,
                         parallel_from=1) == total


def test_cases_under_a_linked_month_are_problems_not_rows(demo_desk_dir: Path,
                                                          tmp_path: Path) -> None:
    """The bulk reader opens each day directory once: a link further up is still refused."""
    month = demo_desk_dir / "cases" / "2026" / "11"
    linked = sum(1 for _ in month.rglob("*.toml"))
    total = sum(1 for _ in (demo_desk_dir / "cases").rglob("*.toml"))
    shutil.move(month, tmp_path / "outside-month")
    month.symlink_to(tmp_path / "outside-month", target_is_directory=True)
    desk = core.open_desk(demo_desk_dir)
    try:
        desk.cases.refresh()
        assert linked and desk.cases.count() == total - linked
        problems = desk.cases.problems()
        assert len(problems) == linked
        assert all("a symbolic link" in p.message for p in problems)
    finally:
        desk.cases.index.close()


def test_a_bulk_build_keeps_only_a_few_chunks_ahead_of_the_writer(
        demo_desk: core.Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of a million files must not wait in memory: workers get a chunk when one is
    written, a few ahead, not every chunk at once."""
    monkeypatch.setattr(indexing, "CHUNK", 10)
    submitted: list[int] = []

    class Counting(ProcessPoolExecutor):
        def submit(self, *args: Any, **kwargs: Any) -> Any:
            submitted.append(1)
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(indexing, "ProcessPoolExecutor", Counting)
    root = demo_desk.cases.root
    stale = [indexing.Stale(p.relative_to(root).as_posix(), "", 0, 0, 0, None)
             for p in demo_desk.cases.paths()]
    assert len(stale) > 100
    reading = indexing.read_files(case_row, root, stale, workers=2, parallel_from=1)
    first, read = next(reading)
    assert len(first) == len(read) == 10 and len(submitted) <= 5
    assert sum(len(r) for _chunk, r in reading) == len(stale) - 10
    assert len(submitted) == -(-len(stale) // 10)


@given(st.lists(st.tuples(st.sampled_from(["2026/11/16", "2026/11/17", "2027/01/01"]),
                          st.from_regex(r"\A[0-9]{8}-[0-9]{4}\.toml\Z")
                          | st.text(st.characters(blacklist_characters="/\0"), min_size=1)
                          | st.just("caf\udce9.toml"),  # as os.listdir gives undecodable bytes
                          st.integers(0, 2**62), st.integers(0, 2**40), st.integers(-1, 2**62),
                          st.none() | st.binary(min_size=16, max_size=16)), max_size=30),
       st.integers(-40, 40), st.integers(-40, 40))
def test_stale_files_give_back_what_was_kept(
        files: list[tuple[str, str, int, int, int, bytes | None]], start: int, stop: int) -> None:
    kept = [indexing.Stale(f"{folder}/{name}", folder, ino, size, mtime, digest)
            for folder, name, ino, size, mtime, digest in files]
    compact = indexing.StaleFiles()
    for stale in kept:
        compact.append(stale)
    assert len(compact) == len(kept)
    assert list(compact) == kept
    assert compact[start:stop] == kept[start:stop]
    if kept:
        assert compact[-1] == kept[-1]


def test_the_queue_lists_cases_while_its_index_is_being_built(
        demo_desk_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A desk opened without its index shows its cases a batch at a time: the queue's list is
    read while its refresh is still writing."""
    monkeypatch.setattr("core.cases.index.BATCH", 10)
    monkeypatch.setattr("core.cases.indexing.CHUNK", 10)
    queue = Queue(core.open_desk(demo_desk_dir))
    total = len(list(queue.store.paths()))
    halfway, go_on = threading.Event(), threading.Event()

    def progress(done: int, _total: int) -> None:
        if done >= 20 and not halfway.is_set():
            halfway.set()
            go_on.wait(5)

    building = threading.Thread(target=queue.refresh, args=(progress,))
    building.start()
    try:
        assert halfway.wait(30)
        listed = queue.ids(Query())
    finally:
        go_on.set()
        building.join()
    assert 20 <= len(listed) < total
    assert len(queue.ids(Query())) == total
    queue.close()
