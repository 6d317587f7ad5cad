"""Merging two replicas' versions of a case by their history (core.replica.casemerge)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.cases.case import (
    Action,
    Caller,
    Case,
    Category,
    Priority,
    TransitionError,
    apply,
    new_case,
)
from core.cases.store import decode_case, encode_case
from core.problems import DeskError
from core.reference import SlaRules
from core.replica.casemerge import MERGE_OPERATOR, event_id, merge_case_files, merge_cases

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=ZONE)
RULES = SlaRules()
PATH = Path("cases/2026/11/23/HX-20261123-0001.toml")


def base_case() -> Case:
    return new_case(case_id="HX-20261123-0001", uid="6f1c1f0e-8a43-4c8e-9a51-2d0f3b2f8a10",
                    category=Category.GROCERIES, created=T0, operator="wang", rules=RULES,
                    caller=Caller(name="张桂兰", phone="13800000001"), description="米面油")


def act(case: Case, action: Action, operator: str, minutes: int, **fields: object) -> Case:
    changed = apply(case, action, operator=operator, time=T0 + timedelta(minutes=minutes),
                    rules=RULES, **fields)  # type: ignore[arg-type]
    return attrs.evolve(changed, revision=case.revision + 1)


def ids(case: Case) -> set[str]:
    return {event_id(e) for e in case.history}


def test_events_of_both_sites_are_kept_in_time_order() -> None:
    base = base_case()
    ours = act(base, Action.NOTE, "wang", 10, note="已电话联系")
    theirs = act(base, Action.DISPATCH, "li", 5, department="commerce")
    merged, conflicts = merge_cases(base, ours, theirs)
    assert conflicts == []
    assert [e.action for e in merged.history] == [Action.CREATE, Action.DISPATCH, Action.NOTE]
    assert merged.status is theirs.status and merged.department == "commerce"
    assert merged.revision == 3


def test_one_field_changed_at_each_site_takes_both_changes() -> None:
    base = base_case()
    ours = act(base, Action.EDIT, "wang", 10, changes={"description": "米面油和药"})
    theirs = act(base, Action.EDIT, "li", 12, changes={"priority": Priority.HIGH})
    merged, conflicts = merge_cases(base, ours, theirs)
    assert conflicts == []
    assert (merged.description, merged.priority) == ("米面油和药", Priority.HIGH)


def test_a_field_changed_differently_at_two_sites_becomes_a_conflict_note() -> None:
    base = base_case()
    ours = act(base, Action.EDIT, "wang", 10, changes={"description": "要大米"})
    theirs = act(base, Action.EDIT, "li", 20, changes={"description": "要面粉"})
    merged, conflicts = merge_cases(base, ours, theirs)
    assert merged.description == "要面粉"  # the later change is kept...
    assert [c.field for c in conflicts] == ["description"]
    note = merged.history[-1]
    assert (note.action, note.operator) == (Action.NOTE, MERGE_OPERATOR)
    assert "要大米" in note.note and "要面粉" in note.note and "wang" in note.note  # ...both shown
    again, _ = merge_cases(base, theirs, ours)
    assert encode_case(again) == encode_case(merged)


def test_flags_added_and_removed_at_two_sites_both_apply() -> None:
    base = attrs.evolve(base_case(), flags=frozenset({"elderly_alone"}))  # type: ignore[arg-type]
    ours = act(base, Action.EDIT, "wang", 10, changes={"flags": frozenset({"disabled",
                                                                          "elderly_alone"})})
    theirs = act(base, Action.EDIT, "li", 20, changes={"flags": frozenset()})
    merged, conflicts = merge_cases(base, ours, theirs)
    assert merged.flags == frozenset({"disabled"}) and conflicts == []


def test_a_case_file_that_cannot_be_read_is_not_merged() -> None:
    good = encode_case(act(base_case(), Action.NOTE, "wang", 1, note="x"))
    with pytest.raises(DeskError) as raised:
        merge_case_files(encode_case(base_case()), good, b"id = 'broken\n", PATH)
    assert raised.value.problems[0].path == PATH


# --- property: any two sites' edits merge the same both ways, keeping every event ----------

STEPS = st.lists(st.tuples(
    st.sampled_from(["note", "dispatch", "start", "reply", "resolve", "chase", "describe",
                     "priority", "call"]),
    st.integers(1, 600), st.sampled_from(["wang", "li", "zhao"]), st.text("米面油药", max_size=3)),
    max_size=6)


def run_steps(case: Case, steps: list[tuple[str, int, str, str]], offset: int) -> Case:
    minute = offset
    for name, gap, operator, text in steps:
        minute += gap
        try:
            if name == "describe":
                case = act(case, Action.EDIT, operator, minute, changes={"description": text})
            elif name == "priority":
                case = act(case, Action.EDIT, operator, minute,
                           changes={"priority": Priority.URGENT if text else Priority.HIGH})
            elif name == "dispatch":
                case = act(case, Action.DISPATCH, operator, minute, department="commerce")
            else:
                case = act(case, Action(name), operator, minute, note=text)
        except TransitionError:
            continue
    return case


@given(STEPS, STEPS, STEPS, st.integers(0, 30))
# a conflict note at the same instant as the last edit: merging the merge again kept its place
@example(shared=[], mine=[("describe", 1, "wang", "油")],
         other=[("note", 1, "wang", ""), ("describe", 1, "wang", "")], skew=0)
def test_merging_is_symmetric_keeps_every_event_and_reads_back(
        shared: list[tuple[str, int, str, str]], mine: list[tuple[str, int, str, str]],
        other: list[tuple[str, int, str, str]], skew: int) -> None:
    base = run_steps(base_case(), shared, 0)
    ours = run_steps(base, mine, 10_000)
    theirs = run_steps(base, other, 10_000 + skew)
    merged, conflicts = merge_cases(base, ours, theirs)
    swapped, _ = merge_cases(base, theirs, ours)
    assert encode_case(merged) == encode_case(swapped)
    assert ids(ours) | ids(theirs) <= ids(merged)
    extra = [e for e in merged.history if event_id(e) not in ids(ours) | ids(theirs)]
    assert all(e.operator == MERGE_OPERATOR for e in extra)
    assert bool(extra) == bool(conflicts)
    decoded, problems = decode_case(PATH, encode_case(merged))
    assert problems == [] and decoded == merged
    assert ours == theirs or merged.revision > max(ours.revision, theirs.revision)
    # a side merging the result (its own version is then the common ancestor) takes it whole
    again, more = merge_cases(ours, merged, ours)
    assert ids(again) == ids(merged) and more == []
    assert attrs.evolve(again, revision=merged.revision) == merged
