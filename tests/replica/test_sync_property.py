"""Property (issue 18): for any interleaving of edits at N sites and syncs, every site ends with
the union of all events and the same files. Real git, real replicas, a bare hub between them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.cases.case import Action, Category, TransitionError
from tests.replica.sites import at, bare, case_files, events, replica, start, sync

pytestmark = pytest.mark.slow

SITES = ("HX", "XC", "ZB")
#: (site, what: new case / note / dispatch / resolve / describe / sync, which case, minute)
STEP = st.tuples(st.integers(0, len(SITES) - 1),
                 st.sampled_from(["create", "note", "dispatch", "resolve", "describe", "sync",
                                  "sync"]),
                 st.integers(0, 5), st.integers(1, 30))


def _edit(root: Path, what: str, pick: int, minute: int, operator: str) -> None:
    desk = core.open_desk(root)
    try:
        if what == "create":
            desk.cases.create(Category.GROCERIES, operator=operator, created=at(minute))
            return
        cases = sorted(desk.cases, key=lambda c: c.id)
        if not cases:
            return
        case = cases[pick % len(cases)]
        try:
            if what == "note":
                desk.cases.act(case, Action.NOTE, operator=operator, note=f"{operator} 回电",
                               time=at(minute))
            elif what == "dispatch":
                desk.cases.act(case, Action.DISPATCH, operator=operator,
                               department="commerce", time=at(minute))
            elif what == "resolve":
                desk.cases.act(case, Action.RESOLVE, operator=operator, time=at(minute))
            else:
                desk.cases.act(case, Action.EDIT, operator=operator, time=at(minute),
                               changes={"description": f"{operator} 记录 {minute}"})
        except TransitionError:
            pass
    finally:
        desk.cases.index.close()


@settings(max_examples=6, deadline=None)
@given(st.lists(STEP, min_size=1, max_size=12))
def test_any_interleaving_of_edits_and_syncs_converges(
        steps: list[tuple[int, str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        hub = bare(base / "hub.git")
        roots = [start(base / "hx", hub)]
        roots += [replica(hub, base / site.lower(), site) for site in SITES[1:]]
        minute = 0
        for site, what, pick, gap in steps:
            minute += gap
            if what == "sync":
                assert sync(roots[site]).ok
            else:
                _edit(roots[site], what, pick, minute, f"op{site}")
        written = set().union(*(events(root) for root in roots))
        for _round in range(2):
            for root in roots:
                assert sync(root).ok
        files = case_files(roots[0])
        for root in roots:
            assert case_files(root) == files
            assert written <= events(root)
