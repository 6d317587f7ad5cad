"""Correcting a case's details: the planned edit, its note, the due time, and the file it writes."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.cases.case import (
    MAX_DESCRIPTION,
    Action,
    Address,
    Caller,
    Case,
    CaseStatus,
    Category,
    Priority,
    apply,
    due_time,
    new_case,
)
from core.cases.edits import Details, FieldChange, plan_edit, rebase_details
from core.cases.store import decode_case, encode_case
from core.phones import normalize_phone
from core.problems import InvalidField
from core.reference import Community, PriorityFlag, SlaRules
from tests.conftest import MINIMAL_SETTINGS
from tests.core.test_cases import RULES, T0
from tests.core.test_store import cases_strategy, safe_text

COMMUNITIES = {
    code: Community(code, name, name_en, "hexi")
    for code, name, name_en in [("jinxiu", "锦绣社区", "Jinxiu community"),
                                ("hx-01", "和平社区", "Heping community"),
                                ("hx-02", "光明社区", "Guangming community")]
}


def make(**fields: object) -> Case:
    fields.setdefault("caller", Caller("张桂兰", "13800000000", Address("和平路", "3", "2", "501")))
    fields.setdefault("community", "hx-01")
    fields.setdefault("description", "需要米和油")
    return new_case(case_id="20261123-0001", category=Category.GROCERIES, created=T0,
                    operator="wang", rules=RULES, **fields)


def plan(case: Case, lang: str = "zh", **wanted: object) -> core.Edit | None:
    return plan_edit(case, attrs.evolve(Details.of(case), **wanted), rules=RULES,
                     communities=COMMUNITIES, lang=lang)


def test_a_new_phone_is_one_change_with_its_note() -> None:
    case = make()
    edit = plan(case, phone="13900000000")
    assert edit is not None
    assert edit.fields == (FieldChange("phone", "13800000000", "13900000000"),)
    assert edit.note == "电话 13800000000 -> 13900000000"
    assert edit.changes == {"caller": Caller("张桂兰", "13900000000",
                                             Address("和平路", "3", "2", "501"))}


def test_the_edit_is_recorded_as_an_event_by_the_operator() -> None:
    case = make()
    edit = plan(case, room="502", community="hx-02")
    assert edit is not None
    later = T0 + timedelta(hours=1)
    edited = apply(case, Action.EDIT, operator="li", time=later, rules=RULES,
                   changes=edit.changes, note=edit.note)
    event = edited.history[-1]
    assert (event.action, event.operator, event.time, event.status) == (
        Action.EDIT, "li", later, None)
    assert event.note == "房号 501 -> 502\n社区 和平社区 -> 光明社区"
    assert edited.status is CaseStatus.ACCEPTED
    assert edited.caller.address == Address("和平路", "3", "2", "502")
    assert edited.community == "hx-02"


def test_the_note_speaks_english_and_shows_empty_values() -> None:
    case = make(caller=Caller("", "13800000000"))
    edit = plan(case, "en", name="陈明", priority=Priority.URGENT, community="jinxiu",
                description="整栋楼\n停水")
    assert edit is not None
    assert edit.note.splitlines() == [
        "name (none) -> 陈明",
        "community Heping community -> Jinxiu community",
        "priority normal -> urgent",
        "description 需要米和油 -> 整栋楼 停水",
    ]


def test_own_details_plan_nothing() -> None:
    case = make()
    assert plan_edit(case, Details.of(case), rules=RULES, communities=COMMUNITIES) is None


def test_a_bad_phone_names_the_field() -> None:
    with pytest.raises(InvalidField) as caught:
        Details(phone="138-abc")
    assert caught.value.field == "phone" and "not a phone number" in str(caught.value)
    case = make()
    with pytest.raises(InvalidField) as caught:
        plan(case, phone="12")
    assert caught.value.field == "phone"


def test_a_description_over_the_limit_names_the_field_everywhere() -> None:
    long = "需" * (MAX_DESCRIPTION + 1)
    with pytest.raises(InvalidField) as caught:
        make(description=long)
    assert caught.value.field == "description" and "2001 characters" in str(caught.value)
    with pytest.raises(InvalidField) as caught:
        plan(make(), description=long)
    assert caught.value.field == "description"
    assert make(description="需" * MAX_DESCRIPTION).description == "需" * MAX_DESCRIPTION


def test_a_case_file_with_a_too_long_description_is_a_problem_naming_the_line() -> None:
    text = encode_case(make()).decode("utf-8").replace(
        'description = "需要米和油"', f'description = "{"米" * (MAX_DESCRIPTION + 1)}"')
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("description"))
    case, problems = decode_case(Path("20261123-0001.toml"), text.encode("utf-8"))
    assert case is None
    assert [(p.field, p.line) for p in problems] == [("description", line)]


def test_an_unknown_community_names_the_field_and_the_code() -> None:
    case = make()
    with pytest.raises(InvalidField) as caught:
        plan(case, community="nowhere")
    assert caught.value.field == "community" and "'nowhere'" in str(caught.value)
    with pytest.raises(InvalidField) as caught:
        plan(case, community="Not A Code")
    assert caught.value.field == "community"


def test_a_community_the_desk_no_longer_has_does_not_block_other_corrections() -> None:
    case = make(community="gone")
    edit = plan(case, phone="13900000000")
    assert edit is not None and "community" not in edit.changes


def test_a_new_priority_moves_the_due_time_of_an_open_case_from_acceptance() -> None:
    case = make()
    assert case.due == T0 + timedelta(hours=24)
    dispatched = apply(case, Action.DISPATCH, operator="li", time=T0 + timedelta(hours=3),
                       rules=RULES)
    edit = plan(dispatched, priority=Priority.HIGH)
    assert edit is not None
    assert edit.changes["due"] == T0 + timedelta(hours=12)
    assert edit.changes["due"] == due_time(RULES, case.kind, Priority.HIGH, T0)
    assert edit.note == "优先级 一般 -> 紧急"


def test_a_new_priority_on_a_reopened_case_counts_from_the_reopening() -> None:
    case = make()
    for hours, action in enumerate([Action.RESOLVE, Action.REOPEN], start=1):
        case = apply(case, action, operator="li", time=T0 + timedelta(days=hours),
                     rules=RULES)
    reopened = T0 + timedelta(days=2)
    edit = plan(case, priority=Priority.URGENT)
    assert edit is not None
    assert edit.changes["due"] == due_time(RULES, case.kind, Priority.URGENT, reopened)


def test_a_new_priority_leaves_a_closed_case_due_alone() -> None:
    case = apply(make(), Action.RESOLVE, operator="li", time=T0 + timedelta(hours=1),
                 rules=RULES)
    edit = plan(case, priority=Priority.URGENT)
    assert edit is not None
    assert edit.changes == {"priority": Priority.URGENT}


def test_priority_people_keep_their_shorter_due_time_when_priority_drops() -> None:
    case = make(flags=[PriorityFlag.ELDERLY_ALONE], priority=Priority.URGENT)
    edit = plan(case, priority=Priority.NORMAL)
    assert edit is not None
    assert edit.changes["due"] == T0 + timedelta(hours=RULES.priority_people_hours)


def test_rebase_keeps_their_changes_and_mine() -> None:
    loaded = Details.of(make())
    wanted = attrs.evolve(loaded, phone="13900000000")
    current = attrs.evolve(loaded, room="888", phone="13700000000")
    assert rebase_details(loaded, wanted, current) == attrs.evolve(
        loaded, room="888", phone="13900000000")
    assert rebase_details(loaded, loaded, current) == current


# --- properties -------------------------------------------------------------------------------


#: Chinese numbers as callers give them: mobiles, landlines, service numbers, with separators
phones = st.one_of(
    st.just(""),
    st.from_regex(r"\A(\+86 ?)?1[3-9][0-9]{9}\Z"),
    st.from_regex(r"\A0[1-9][0-9]{2}-[2-9][0-9]{7}\Z"),
    st.sampled_from(["12345", "110", "95598", "138 0000 0001", "0551-62881234"]),
)


@st.composite
def wanted_details(draw: st.DrawFn, case: Case) -> Details:
    """The case's own details with any of them replaced."""
    new = {
        "name": safe_text,
        "phone": phones,
        "street": safe_text, "building": safe_text, "unit": safe_text, "room": safe_text,
        "community": st.sampled_from(["", *COMMUNITIES]),
        "priority": st.sampled_from(Priority),
        "description": safe_text,
    }
    fields = draw(st.sets(st.sampled_from(sorted(new))))
    return attrs.evolve(Details.of(case), **{f: draw(new[f]) for f in fields})


edits = cases_strategy.flatmap(lambda case: st.tuples(st.just(case), wanted_details(case)))


@given(cases_strategy)
def test_planning_a_case_s_own_details_gives_none(case: Case) -> None:
    assert plan_edit(case, Details.of(case), rules=RULES, communities=COMMUNITIES) is None


@given(edits, st.sampled_from(["zh", "en"]))
def test_an_applied_edit_reads_back_as_the_wanted_details(edit_of: tuple[Case, Details],
                                                         lang: str) -> None:
    case, typed = edit_of
    edit = plan_edit(case, typed, rules=RULES, communities=COMMUNITIES, lang=lang)
    wanted = as_stored(case, typed)
    if edit is None:
        assert wanted == Details.of(case)
        return
    edited = apply(case, Action.EDIT, operator="li", time=case.created, rules=RULES,
                   changes=edit.changes, note=edit.note)
    assert Details.of(edited) == wanted
    assert [c.field for c in edit.fields] == [
        f.name for f in attrs.fields(Details)
        if getattr(wanted, f.name) != getattr(Details.of(case), f.name)]
    assert len(edit.note.splitlines()) == len(edit.fields)
    assert edited.history[:-1] == case.history and edited.status is case.status
    assert plan_edit(edited, typed, rules=RULES, communities=COMMUNITIES) is None


def as_stored(case: Case, typed: Details) -> Details:
    """``typed`` as an edit stores it: a new phone number normalized, the same one untouched."""
    if normalize_phone(typed.phone) == normalize_phone(case.caller.phone):
        return attrs.evolve(typed, phone=case.caller.phone)
    return attrs.evolve(typed, phone=normalize_phone(typed.phone))


@given(edits)
def test_an_edit_written_by_the_store_reads_back_byte_identically(
        edit_of: tuple[Case, Details]) -> None:
    case, wanted = edit_of
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "desk.toml").write_text(MINIMAL_SETTINGS, encoding="utf-8")
        desk = core.open_desk(root)
        try:
            path = desk.cases.path_for(case.id)
            path.parent.mkdir(parents=True)
            path.write_bytes(encode_case(case))
            edit = plan_edit(case, wanted, rules=desk.settings.sla, communities=COMMUNITIES)
            if edit is None:
                return
            saved = desk.cases.act(case, Action.EDIT, operator="li", time=case.created,
                                   changes=edit.changes, note=edit.note)
            written = path.read_bytes()
            read, problems = decode_case(path, written)
            assert problems == [] and read == saved == desk.cases.get(case.id)
            assert encode_case(read) == written
            assert Details.of(read) == as_stored(case, wanted)
        finally:
            desk.cases.index.close()


def test_rules_come_from_the_desk(empty_desk: core.Desk) -> None:
    rules = SlaRules(request_hours=6, priority_people_hours=3)
    case = empty_desk.cases.create(Category.GROCERIES, operator="wang", created=T0)
    edit = plan_edit(case, attrs.evolve(Details.of(case), priority=Priority.HIGH), rules=rules,
                     communities={})
    assert edit is not None and edit.changes["due"] == T0 + timedelta(hours=3)
    saved = empty_desk.cases.act(case, Action.EDIT, operator="li", changes=edit.changes,
                                 note=edit.note)
    assert saved.due == T0 + timedelta(hours=3) and saved.revision == case.revision + 1
    path = empty_desk.cases.path_for(case.id)
    assert encode_case(empty_desk.cases.get(case.id)) == path.read_bytes()
