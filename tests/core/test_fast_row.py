"""The index row taken straight from a case file's table (core.cases.fastrow) is the row the
full decode gives, and the fast path never accepts a table the full decode refuses."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core
from core.cases.case import Case, CaseEvent
from core.cases.fastrow import fast_row
from core.cases.indexing import row_values
from core.cases.store import case_row, decode_case, decode_table, encode_case
from core.storage.tomlio import parse_toml
from tests.core.test_store import aware, cases_strategy, safe_text

case_ids = st.dates(min_value=date(1000, 1, 1)).map(lambda d: d.strftime("%Y%m%d")).flatmap(
    lambda day: st.integers(1, 99999).map(lambda n: f"{day}-{n:04d}"))
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
any_time = st.builds(lambda moment, zone: moment.replace(tzinfo=zone),
                     st.datetimes(min_value=datetime(1990, 1, 1),
                                  max_value=datetime(2090, 1, 1)), offsets) | aware
events = st.builds(CaseEvent, time=any_time, operator=safe_text,
                   action=st.sampled_from(core.Action), note=safe_text,
                   status=st.none() | st.sampled_from(core.CaseStatus),
                   department=st.none() | safe_text,
                   evaluation=st.none() | st.sampled_from(core.Evaluation),
                   step=st.none() | safe_text)
#: every field of a case, facts aside (the fast path leaves facts to the full decode)
full_cases = st.builds(
    lambda case, **more: attrs.evolve(case, **more),
    cases_strategy, created=any_time, callback_due=st.none() | any_time,
    evaluation=st.none() | st.sampled_from(core.Evaluation), former_id=st.none() | case_ids,
    history=st.lists(events, max_size=4).map(tuple), household=safe_text,
    department=safe_text,
)


def relative(case_id: str) -> str:
    return f"{case_id[:4]}/{case_id[4:6]}/{case_id[6:8]}/{case_id}.toml"


def table(case: Case) -> tuple[dict[str, Any], str]:
    data, text, problems = parse_toml(Path(relative(case.id)), encode_case(case))
    assert data is not None and problems == []
    return data, text


@given(full_cases)
def test_the_fast_row_of_any_case_is_the_row_of_its_full_decode(case: Case) -> None:
    data, _text = table(case)
    path = relative(case.id)
    assert fast_row(data, path) == row_values(case, path)


# values a damaged or hand-edited file may hold where the store writes something else
odd_values = st.one_of(
    st.integers(-3, 3), st.booleans(), st.floats(allow_nan=True), st.just(""),
    st.text(max_size=5), st.sampled_from(["request", "groceries", "resolved", "high", "create",
                                          "elderly_alone", "satisfied", "jinxiu", "Bad Code",
                                          "20261123-0001", "13800000001", "phone?", "x" * 2001,
                                          "2026-11-23T09:30:00+08:00"]),
    st.datetimes(max_value=datetime(2090, 1, 1)), any_time, st.dates(),
    st.lists(st.sampled_from(["elderly_alone", "nobody", ""]), max_size=3),
    st.just({}), st.just([{}]), st.just({"code": "rice", "quantity": -1}),
    st.just({"supermarket": "hualian", "item": "rice"}),
)


def odd_value(draw: st.DrawFn) -> Any:
    # a copy: ``st.just`` gives the same table every time, which a later "add" would grow, in
    # this example (into a table holding itself) and in the examples after it
    return copy.deepcopy(draw(odd_values))

def key_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += key_paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += key_paths(inner, (*prefix, index))
    return found


def damage(data: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = key_paths(data)
        where = draw(st.sampled_from(paths))
        parent: Any = data
        for step in where[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["replace", "delete", "add"]))
        if how == "replace":
            parent[where[-1]] = odd_value(draw)
        elif how == "delete":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            key = draw(st.sampled_from(["price", "shortfall", "relief", "extra", "name", "time",
                                        "code", "schema_version", "status", "address"]))
            parent[key] = odd_value(draw)
        if not paths[1:]:
            break
    return data


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=400)
@given(full_cases, st.data())
def test_the_fast_path_accepts_nothing_the_full_decode_refuses(case: Case,
                                                                data: st.DataObject) -> None:
    parsed, text = table(case)
    damaged = damage(parsed, data.draw)
    path = relative(data.draw(st.sampled_from([case.id, "20261123-0001"])))
    fast = fast_row(copy.deepcopy(damaged), path)
    full, _problems = decode_table(Path(path), damaged, text)
    if fast is not None:
        assert full is not None
        assert fast == row_values(full, path)


def test_every_case_file_of_the_demo_desk_takes_the_fast_path(demo_desk: core.Desk) -> None:
    root = demo_desk.cases.root
    paths = list(demo_desk.cases.paths())
    assert len(paths) > 100
    for path in paths:
        raw = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        data, _text, _problems = parse_toml(path, raw)
        assert data is not None
        case, problems = decode_case(path, raw)
        assert problems == [] and case is not None
        fast = fast_row(data, rel)
        if case.price is None and case.shortfall is None and case.relief is None:
            assert fast == row_values(case, rel), path
        else:
            assert fast is None
        assert case_row(str(root), rel, raw) == (row_values(case, rel), [])


def test_a_broken_file_gets_the_problems_of_the_full_decode(demo_desk: core.Desk) -> None:
    path = next(demo_desk.cases.paths())
    rel = path.relative_to(demo_desk.cases.root).as_posix()
    text = path.read_text(encoding="utf-8").replace('status = "', 'status = "lost_')
    raw = text.encode()
    row, problems = case_row(str(demo_desk.cases.root), rel, raw)
    assert row is None
    assert problems == decode_case(path, raw)[1]
    assert problems and problems[0].field == "status" and problems[0].line is not None


REFUSED: list[tuple[tuple[Any, ...], Any]] = [
    (("id",), "2026-11-23"), (("uid",), "not-a-uuid"), (("kind",), "rumour?"),
    (("category",), "snacks"), (("created",), datetime(2026, 11, 23, 9, 30)),
    (("created_by",), 7), (("status",), "lost"), (("priority",), "highest"),
    (("community",), "Bad Code"), (("household",), 12), (("department",), ["a"]),
    (("caller", "phone"), "call me"), (("caller", "name"), True),
    (("caller", "address", "room"), 1801), (("caller", "address", "floor"), "3"),
    (("caller", "email"), "a@b"), (("flags",), ["nobody"]), (("flags",), "elderly_alone"),
    (("items",), [{"code": "rice", "quantity": -1}]), (("items",), [{"quantity": 1}]),
    (("items",), [{"code": "rice", "unit_price_fen": True}]),
    (("items",), [{"code": "rice", "quantity": "2"}]),
    (("description",), "长" * 2001), (("due",), date(2026, 11, 23)),
    (("callback_due",), "tomorrow"), (("evaluation",), "fine"), (("revision",), True),
    (("revision",), 1.5), (("schema_version",), 99), (("former_id",), "old-1"),
    (("history", 0, "time"), datetime(2026, 11, 23, 9, 30)), (("history", 0, "action"), "wave"),
    (("history", 0, "operator"), 3), (("history", 0, "status"), "gone"),
    (("history", 0, "evaluation"), "meh"), (("history", 0, "step"), 2),
    (("history", 0, "who"), "x"), (("history",), [{"time": datetime.now(UTC)}]),
    (("history",), {"time": 1}), (("caller",), "张三"), (("unknown",), 1),
]


def test_what_the_full_decode_refuses_never_takes_the_fast_path(demo_desk: core.Desk) -> None:
    path = next(p for p in demo_desk.cases.paths() if b"[[history]]" in p.read_bytes())
    rel = path.relative_to(demo_desk.cases.root).as_posix()
    data, text, _problems = parse_toml(path, path.read_bytes())
    assert data is not None and fast_row(data, rel) is not None
    assert fast_row(data, rel.replace(path.stem, "20200101-0001")) is None
    for where, value in REFUSED:
        damaged = copy.deepcopy(data)
        parent: Any = damaged
        for step in where[:-1]:
            parent = parent[step]
        parent[where[-1]] = value
        assert decode_table(path, copy.deepcopy(damaged), text)[0] is None, where
        assert fast_row(damaged, rel) is None, where
    for required in ("id", "uid", "kind", "category", "created", "created_by",
                     "schema_version"):
        assert fast_row({k: v for k, v in data.items() if k != required}, rel) is None
