from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.cases.case import Case, CaseEvent
from core.cases.migrations import MIGRATIONS
from core.cases.store import CaseNotFound, ConflictError, decode_case, encode_case
from core.reports.situation import department_loads
from core.storage.atomic import create_atomic

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=ZONE)


def create(desk: core.Desk, **fields: object) -> core.Case:
    return desk.cases.create(core.Category.GROCERIES, operator="wang", created=T0,
                             caller=core.Caller(name="张桂兰", phone="13800000001"),
                             community="jinxiu", **fields)


def test_ids_are_readable_daily_sequences(empty_desk: core.Desk) -> None:
    first, second = create(empty_desk), create(empty_desk)
    assert (first.id, second.id) == ("20261123-0001", "20261123-0002")
    next_day = empty_desk.cases.create(core.Category.RUMOUR, operator="li",
                                       created=T0 + timedelta(days=1))
    assert next_day.id == "20261124-0001"
    assert empty_desk.cases.path_for(first.id).relative_to(empty_desk.root).as_posix() == (
        "cases/2026/11/23/20261123-0001.toml")


def test_the_id_date_is_the_local_date_of_the_desk(empty_desk: core.Desk) -> None:
    just_after_midnight_local = datetime(2026, 11, 23, 16, 30, tzinfo=ZoneInfo("UTC"))
    case = empty_desk.cases.create(core.Category.RUMOUR, operator="li",
                                   created=just_after_midnight_local)
    assert case.id.startswith("20261124-")


def test_case_files_and_the_index_are_private(empty_desk: core.Desk) -> None:
    path = empty_desk.cases.path_for(create(empty_desk).id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    index = empty_desk.root / ".index"
    assert stat.S_IMODE(index.stat().st_mode) == 0o700
    assert stat.S_IMODE((index / "cases.sqlite3").stat().st_mode) == 0o600


def test_a_shared_desk_writes_group_readable_files(empty_desk_dir: Path) -> None:
    settings = empty_desk_dir / "desk.toml"
    settings.write_text(settings.read_text() + "shared_group = true\n")
    desk = core.open_desk(empty_desk_dir)
    path = desk.cases.path_for(create(desk).id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o660
    desk.cases.index.close()


def test_get_returns_what_was_written(empty_desk: core.Desk) -> None:
    case = create(empty_desk, description="米\n油", items=(core.ItemLine("rice-5kg", 2),))
    assert empty_desk.cases.get(case.id) == case


def test_act_is_attributed_and_saved(empty_desk: core.Desk) -> None:
    case = create(empty_desk)
    done = empty_desk.cases.act(case, core.Action.DISPATCH, operator="li", note="转商务局",
                                time=T0 + timedelta(minutes=5))
    on_disk = empty_desk.cases.get(case.id)
    assert on_disk == done
    assert on_disk.revision == 2
    assert on_disk.history[-1].operator == "li"
    assert on_disk.history[-1].note == "转商务局"


def test_a_stale_update_is_a_conflict_and_writes_nothing(empty_desk: core.Desk) -> None:
    case = create(empty_desk)
    empty_desk.cases.act(case, core.Action.DISPATCH, operator="li")
    path = empty_desk.cases.path_for(case.id)
    before = path.read_bytes()
    with pytest.raises(ConflictError) as caught:
        empty_desk.cases.act(case, core.Action.NOTE, operator="zhao", note="我也改")
    assert caught.value.current.history[-1].operator == "li"
    assert caught.value.attempted.history[-1].operator == "zhao"
    assert path.read_bytes() == before


def test_unknown_and_path_traversing_ids_are_refused(empty_desk: core.Desk) -> None:
    for bad in ("../../etc/passwd", "20261123-0001/../../x", "", "20261123_0001", "2026112-1"):
        with pytest.raises(CaseNotFound):
            empty_desk.cases.get(bad)
    with pytest.raises(CaseNotFound):
        empty_desk.cases.get("20261123-0999")


def test_an_external_write_shows_up_after_refresh(empty_desk: core.Desk) -> None:
    other = core.open_desk(empty_desk.root)
    empty_desk.cases.refresh()
    case = other.cases.create(core.Category.SHORTAGE, operator="zhao", created=T0)
    empty_desk.cases.refresh()
    assert [r.id for r in empty_desk.cases.query()] == [case.id]
    other.cases.act(case, core.Action.DISPATCH, operator="zhao")
    empty_desk.cases.refresh()
    assert empty_desk.cases.query()[0].status is core.CaseStatus.DISPATCHED


def test_the_index_is_rebuilt_when_deleted(demo_desk: core.Desk) -> None:
    demo_desk.cases.refresh()
    expected = [r.id for r in demo_desk.cases.query(limit=20)]
    demo_desk.cases.index.close()
    for path in (demo_desk.root / ".index").iterdir():
        path.unlink()
    fresh = core.open_desk(demo_desk.root)
    assert [r.id for r in fresh.cases.newest(20)] == expected
    fresh.cases.index.close()


def test_queries_filter_and_search(demo_desk: core.Desk) -> None:
    store = demo_desk.cases
    store.refresh()
    everything = store.query()
    assert len(everything) == len(list(store.paths()))
    assert [r.created for r in everything] == sorted((r.created for r in everything),
                                                     reverse=True)
    complaints = store.query(kind=core.CaseKind.COMPLAINT)
    assert complaints and all(r.kind is core.CaseKind.COMPLAINT for r in complaints)
    elderly = store.query(flags=frozenset({core.PriorityFlag.ELDERLY_ALONE}))
    assert elderly and all(core.PriorityFlag.ELDERLY_ALONE in r.flags for r in elderly)
    now = datetime(2026, 11, 23, 12, 0, tzinfo=ZONE)
    overdue = store.query(overdue_at=now)
    assert overdue and all(r.is_overdue(now) for r in overdue)
    sample = everything[17]
    assert sample.id in [r.id for r in store.query(text=sample.phone[-6:])]
    assert sample.id in [r.id for r in store.query(text=sample.name)]
    assert store.count(open_only=True) == sum(r.is_open for r in everything)


# --- bad input: reported with path, line and field; the file is left as it was ---------------

def _write_bad(desk: core.Desk, text: bytes, case_id: str = "20261123-0007") -> Path:
    path = desk.cases.path_for(case_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return path


def _valid_text(desk: core.Desk) -> str:
    case = create(desk)
    return desk.cases.path_for(case.id).read_text(encoding="utf-8").replace(
        case.id, "20261123-0007")


@pytest.mark.parametrize(
    ("mangle", "expected_line", "expected"),
    [
        (lambda t: t[: len(t) // 2], None, "TOML syntax error"),
        (lambda t: t.replace('revision = 1', 'revision = "one"'), "revision",
         "expected a whole number"),
        (lambda t: t.replace('status = "accepted"', 'status = "lost"'), "status",
         "'lost' is not one of"),
        (lambda t: t.replace('revision = 1', 'revision = 1\ncolour = "red"'), "colour",
         "unknown field"),
        (lambda t: t.replace('revision = 1', 'revision = 1\nrevision = 2'), "revision = 2",
         "TOML syntax error"),
        (lambda t: t.replace('created = 2026-11-23 09:30:00+08:00',
                             'created = 2026-11-23 09:30:00'), "created =",
         "UTC offset"),
        (lambda t: "", None, "file is empty"),
    ],
    ids=["truncated", "wrong-type", "bad-enum", "unknown-field", "duplicate-key", "naive-time",
         "empty"],
)
def test_bad_case_files_are_reported_precisely(
    empty_desk: core.Desk, mangle, expected_line, expected  # type: ignore[no-untyped-def]
) -> None:
    text = mangle(_valid_text(empty_desk))
    path = _write_bad(empty_desk, text.encode("utf-8"))
    case, problems = empty_desk.cases.load(path)
    assert case is None
    assert problems and expected in problems[0].message, problems
    assert problems[0].path == path
    if isinstance(expected_line, str):
        line = next(n for n, l in enumerate(text.splitlines(), 1) if expected_line in l)
        assert problems[0].line == line, problems[0]
    assert path.read_bytes() == text.encode("utf-8")


def test_non_utf8_is_reported_with_its_line(empty_desk: core.Desk) -> None:
    raw = _valid_text(empty_desk).encode("utf-8").replace("张桂兰".encode(), "张".encode("gbk"))
    path = _write_bad(empty_desk, raw)
    _case, problems = empty_desk.cases.load(path)
    line = next(n for n, l in enumerate(raw.split(b"\n"), 1) if b"name = " in l and b"\xd5" in l)
    assert problems[0].line == line and "not UTF-8" in problems[0].message


def test_a_corrupt_case_is_listed_as_a_problem_and_never_overwritten(
    empty_desk: core.Desk,
) -> None:
    good = create(empty_desk)
    path = empty_desk.cases.path_for(good.id)
    path.write_bytes(b"id = \"20261123-0001\"\nstatus = ")
    empty_desk.cases.refresh()
    assert [p.path for p in empty_desk.cases.problems()] == [path]
    assert empty_desk.cases.query() == []
    with pytest.raises(core.DeskError):
        empty_desk.cases.act(good, core.Action.NOTE, operator="li", note="x")
    assert path.read_bytes() == b"id = \"20261123-0001\"\nstatus = "
    other = create(empty_desk)  # the rest of the desk still works
    assert other.id == "20261123-0002"


def test_a_file_from_a_newer_version_is_refused(empty_desk: core.Desk) -> None:
    path = _write_bad(empty_desk, _valid_text(empty_desk).replace(
        "schema_version = 1", "schema_version = 9").encode())
    _case, problems = empty_desk.cases.load(path)
    assert "newer baogong" in problems[0].message and problems[0].line == 1


def test_old_files_are_migrated_on_read(empty_desk: core.Desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = _valid_text(empty_desk)
    old = text.replace("schema_version = 1", "schema_version = 0")
    old = old.replace('priority = "normal"', 'urgency = "normal"')

    def rename_urgency(data):  # type: ignore[no-untyped-def]
        data["priority"] = data.pop("urgency")
        return data

    monkeypatch.setitem(MIGRATIONS, 0, rename_urgency)
    case, problems = decode_case(Path("20261123-0007.toml"), old.encode())
    assert problems == [] and case is not None and case.schema_version == 1


# --- round trips ------------------------------------------------------------------------------

safe_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r"),
                    max_size=40)
aware = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1),
                     timezones=st.sampled_from([ZONE, ZoneInfo("UTC")])).map(
    lambda d: d.replace(microsecond=0))

events = st.builds(CaseEvent, time=aware, operator=safe_text, action=st.sampled_from(core.Action),
                   note=safe_text, status=st.none() | st.sampled_from(core.CaseStatus),
                   department=st.none() | st.sampled_from(["commerce", "health"]),
                   evaluation=st.none() | st.sampled_from(core.Evaluation))

cases_strategy = st.builds(
    Case,
    id=st.dates().map(lambda d: f"{max(d.year, 1000):04d}{d.month:02d}{d.day:02d}") .flatmap(
        lambda day: st.integers(1, 99999).map(lambda n: f"{day}-{n:04d}")),
    uid=st.uuids().map(str),
    kind=st.sampled_from(core.CaseKind),
    category=st.sampled_from(core.Category),
    created=aware,
    created_by=safe_text,
    status=st.sampled_from(core.CaseStatus),
    priority=st.sampled_from(core.Priority),
    community=st.sampled_from(["", "jinxiu", "hx-01"]),
    caller=st.builds(core.Caller, name=safe_text,
                     phone=st.from_regex(r"\A(\+?[0-9]{3,15})?\Z"),
                     address=st.builds(core.Address, street=safe_text, building=safe_text,
                                       unit=safe_text, room=safe_text)),
    flags=st.frozensets(st.sampled_from(core.PriorityFlag)),
    items=st.lists(st.builds(core.ItemLine, code=safe_text,
                             quantity=st.integers(0, 50) | st.floats(0, 50, allow_nan=False),
                             name=safe_text,
                             unit_price_fen=st.none() | st.integers(0, 10**7)),
                   max_size=4).map(tuple),
    description=safe_text,
    due=st.none() | aware,
    revision=st.integers(1, 10**6),
    history=st.lists(events, max_size=5).map(tuple),
)


@given(cases_strategy)
def test_every_case_survives_write_read_write_byte_identically(case: Case) -> None:
    path = Path(f"{case.id}.toml")
    first = encode_case(case)
    decoded, problems = decode_case(path, first)
    assert problems == []
    assert decoded == case
    assert encode_case(decoded) == first


def test_store_round_trip_through_disk(empty_desk: core.Desk) -> None:
    case = create(empty_desk, description='引号 " 与 \\ 反斜杠\n第二行')
    path = empty_desk.cases.path_for(case.id)
    assert encode_case(empty_desk.cases.get(case.id)) == path.read_bytes()


def test_no_temporary_files_are_left_behind(empty_desk: core.Desk) -> None:
    case = create(empty_desk)
    for _ in range(5):
        case = empty_desk.cases.act(case, core.Action.NOTE, operator="li", note="x")
    leftovers = [p for p in empty_desk.cases.root.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert os.listdir(empty_desk.cases.path_for(case.id).parent) == [f"{case.id}.toml"]


def test_overdue_work_and_late_call_backs_split_the_overdue_cases(demo_desk_dir: Path) -> None:
    desk = core.open_desk(demo_desk_dir)
    now = datetime(2026, 11, 23, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    store = desk.cases
    store.refresh()
    past_due = store.query(core.Query.past_due(now))
    late = store.query(core.Query.late_callbacks(now))
    assert past_due and late
    assert all(row.is_open and row.due is not None and row.due < now for row in past_due)
    assert all(row.status is core.CaseStatus.RESOLVED and row.callback_due is not None
               and row.callback_due < now for row in late)
    overdue = {row.id for row in store.query(core.Query(overdue_at=now))}
    assert overdue == {row.id for row in past_due} | {row.id for row in late}
    assert len(past_due) <= store.count(core.Query(open_only=True))
    # the board's overdue per department is the departments' open work past due
    loads = department_loads(desk, now)
    assert sum(load.overdue for load in loads) == len(
        [row for row in past_due if row.department in desk.departments])


def test_threads_opening_the_index_at_once_share_one_connection(tmp_path: Path) -> None:
    """The app's screen and its poll worker open a fresh desk's index at the same moment; two
    connections setting the index up at once could take each other for a broken index."""
    import threading

    from core.cases.index import CaseIndex

    index = CaseIndex(tmp_path / ".index", tmp_path / "cases", ZoneInfo("Asia/Shanghai"))
    start = threading.Barrier(8)
    opened: list[object] = []

    def open_it() -> None:
        start.wait()
        opened.append(index.db)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 8 and len({id(db) for db in opened}) == 1
    index.close()


def test_separate_connections_setting_up_a_fresh_index_together_wait_for_each_other(
        tmp_path: Path) -> None:
    """A second session, or the app's poll worker with its own store, opens a fresh index while
    another connection is still setting it up: SQLite answers that set-up busy at once, without
    its busy timeout, so the open waits rather than failing with "database is locked"."""
    import threading

    from core.cases.index import CaseIndex

    failures: list[BaseException] = []
    for attempt in range(25):
        root = tmp_path / str(attempt)
        indexes = [CaseIndex(root / ".index", root / "cases", ZoneInfo("Asia/Shanghai"))
                   for _ in range(4)]
        start = threading.Barrier(len(indexes))

        def count(index: CaseIndex, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                assert index.count(core.Query()) == 0
            except BaseException as exc:  # collected and reported below
                failures.append(exc)

        threads = [threading.Thread(target=count, args=(index,)) for index in indexes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for index in indexes:
            index.close()
    assert not failures, failures[0]


@pytest.mark.parametrize("behind", [3, 70])
def test_a_new_case_takes_the_number_after_files_the_index_has_not_seen(
        empty_desk: core.Desk, behind: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next number starts from the index and steps past files written since; far behind,
    the day's directory is listed. Either way the file is written once, not once per name
    already taken."""
    first = create(empty_desk)
    path = empty_desk.cases.path_for(first.id)
    text = path.read_text(encoding="utf-8")
    for n in range(2, 2 + behind):
        other = f"20261123-{n:04d}"
        path.with_name(f"{other}.toml").write_text(text.replace(first.id, other),
                                                   encoding="utf-8")
    writes: list[Path] = []

    def counted(path: Path, data: bytes, *, mode: int) -> None:
        writes.append(path)
        create_atomic(path, data, mode=mode)

    monkeypatch.setattr("core.cases.store.create_atomic", counted)
    assert create(empty_desk).id == f"20261123-{2 + behind:04d}"
    assert len(writes) == 1
    empty_desk.cases.index.close()
