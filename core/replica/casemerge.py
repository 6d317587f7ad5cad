"""Merging two replicas' versions of one case file by its history (git's merge driver).

Two sites that act on the same case while apart each append events and change fields. Git
hands the three versions (the common ancestor, ours, theirs) to ``baogong merge-case``, which
writes back the case both sites will keep:

- **events** are the union of both histories, each event once. An event's id is a hash of
  everything it records (time, operator, action, note, status, department, evaluation): two
  sites never write the same event, and an event both already hold is the same event. The
  events both sides share keep their order; the rest follow in time order (ties by id).
- **fields** follow the history: a field only one side changed takes that side's value; one
  both changed to the same value keeps it; flags (特殊群体) merge as sets (each side's additions
  and removals both apply).
- **a true conflict** (both sides changed a field to different values) takes the value of the
  side whose newest event is later (ties: the greater value), so every site decides the same
  way, and for what a caller told (caller, address, items, description, priority, community,
  household, category, facts) a **conflict note** is added to the history naming the field, the
  value kept and the value set aside, with who set each, for an operator to settle. The
  workflow's own fields (status, due times, department, evaluation) follow the later side
  without a note: the merged history shows both sides' steps. But a resolution one site
  approved and the other sent back is a decision overruled: the later one's status stands and
  a conflict note names the one set aside, for a supervisor to settle.
- the **revision** becomes one more than the greater of the two, so a copy loaded from either
  side before the merge is stale (:class:`core.cases.store.ConflictError`).

The merge is symmetric (ours and theirs swapped give the same bytes) and deterministic (the
conflict note's time is the newest event's, its operator :data:`MERGE_OPERATOR`), so sites that
merge the same versions independently write the same file, and a note is never doubled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

from core.cases.case import Action, Case, CaseEvent
from core.cases.store import decode_case, encode_case
from core.problems import DeskError, Problem
from core.storage.convert import converter

#: the operator a conflict note is recorded under: the merge, not a person (the sync that made
#: it is a commit by the operator who ran it)
MERGE_OPERATOR = "merge"

#: fields a person decided from a call: a conflict on one is noted for an operator to settle
NOTED_FIELDS = ("category", "kind", "priority", "community", "household", "caller", "items",
                "description", "price", "shortfall", "relief", "former_id")
#: fields that are not merged field by field
_NOT_FIELDS = frozenset({"id", "uid", "history", "revision", "schema_version"})


def event_id(event: CaseEvent) -> str:
    """The id of an event: a hash of everything it records."""
    data = converter.unstructure(event)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _key(event: CaseEvent) -> tuple[str, bool, str]:
    # by the instant, whatever the offset it was written with; a conflict note (timed as the
    # newest event) after the events of its instant, where it stands when merged again
    return event.time.timestamp().hex(), event.operator == MERGE_OPERATOR, event_id(event)


def merge_history(ours: Iterable[CaseEvent], theirs: Iterable[CaseEvent],
                  added: Iterable[CaseEvent] = ()) -> tuple[CaseEvent, ...]:
    """Both histories (and ``added``, the merge's own notes), each event once: the shared
    beginning as it is, the rest in time order."""
    mine, other = list(ours), list(theirs)
    shared = 0
    while (shared < len(mine) and shared < len(other)
           and event_id(mine[shared]) == event_id(other[shared])):
        shared += 1
    rest: dict[str, CaseEvent] = {}
    for event in (*mine[shared:], *other[shared:], *added):
        rest.setdefault(event_id(event), event)
    for event in mine[:shared]:
        rest.pop(event_id(event), None)
    return (*mine[:shared], *sorted(rest.values(), key=_key))


def _newest_own_event(case: Case, other: Case) -> CaseEvent | None:
    theirs = {event_id(e) for e in other.history}
    own = [e for e in case.history if event_id(e) not in theirs]
    return max(own, key=_key) if own else None


def _shown(value: object) -> str:
    data = converter.unstructure(value)
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


@attrs.frozen
class FieldConflict:
    """Both sides changed ``field``: ``kept`` won (set by ``kept_by``), ``set_aside`` did not."""

    field: str
    kept: str
    kept_by: str
    set_aside: str
    set_aside_by: str

    def note(self) -> str:
        return (f"同步冲突 sync conflict: {self.field}: kept {self.kept!r} ({self.kept_by}), "
                f"set aside {self.set_aside!r} ({self.set_aside_by}); please check with the "
                f"caller and correct the case if needed")


#: a supervisor's decisions on a resolution awaiting approval (审核通过 / 退回重办)
_DECISIONS = frozenset({Action.APPROVE, Action.SEND_BACK})


def _decision_conflicts(ours: Case, theirs: Case, kept: object) -> list[FieldConflict]:
    """A conflict when the two sides decided the same resolution differently (one approved it,
    the other sent it back): the later decision's status stands, the other is noted."""
    mine_ids, other_ids = ({event_id(e) for e in c.history} for c in (ours, theirs))
    mine = [e for e in ours.history if e.action in _DECISIONS and event_id(e) not in other_ids]
    other = [e for e in theirs.history if e.action in _DECISIONS and event_id(e) not in mine_ids]
    if not mine or not other or mine[-1].action is other[-1].action:
        return []
    if ours.status != theirs.status:  # the side whose status the merge kept
        ours_kept = kept == ours.status
    else:
        ours_kept = _key(mine[-1]) > _key(other[-1])
    kept_event, set_aside = (mine[-1], other[-1]) if ours_kept else (other[-1], mine[-1])
    return [FieldConflict("status", f"{_shown(kept)} ({kept_event.action.value})",
                          kept_event.operator, set_aside.action.value, set_aside.operator)]


def merge_cases(base: Case | None, ours: Case, theirs: Case) -> tuple[Case, list[FieldConflict]]:
    """The case two replicas keep after acting on ``base`` apart (None: both created it), and
    the conflicts noted in its history."""
    if ours.id != theirs.id or ours.uid != theirs.uid:
        raise ValueError(f"case {ours.id} ({ours.uid}) and {theirs.id} ({theirs.uid}) are not "
                         "the same case")
    if ours == theirs:
        return ours, []
    newest_ours, newest_theirs = _newest_own_event(ours, theirs), _newest_own_event(theirs, ours)
    ours_key = _key(newest_ours) if newest_ours else ("", False, "")
    theirs_key = _key(newest_theirs) if newest_theirs else ("", False, "")
    changes: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for field in attrs.fields(Case):
        name = field.name
        if name in _NOT_FIELDS:
            continue
        mine, other = getattr(ours, name), getattr(theirs, name)
        origin = getattr(base, name) if base is not None else None
        if mine == other:
            value = mine
        elif base is not None and mine == origin:
            value = other
        elif base is not None and other == origin:
            value = mine
        elif name == "flags" and base is not None:
            value = (origin | (mine - origin) | (other - origin)) - (origin - mine) - (
                origin - other)
        else:
            ours_wins = (ours_key, _shown(mine)) > (theirs_key, _shown(other))
            value = mine if ours_wins else other
            if name in NOTED_FIELDS:
                winner, loser = (newest_ours, newest_theirs) if ours_wins else (
                    newest_theirs, newest_ours)
                conflicts.append(FieldConflict(
                    name, _shown(value), winner.operator if winner else "?",
                    _shown(other if ours_wins else mine), loser.operator if loser else "?"))
        changes[name] = value
    conflicts.extend(_decision_conflicts(ours, theirs, changes.get("status", ours.status)))
    history = merge_history(ours.history, theirs.history)
    if conflicts:
        newest = max(history, key=_key)
        note = "\n".join(conflict.note() for conflict in conflicts)
        flagged = CaseEvent(time=newest.time, operator=MERGE_OPERATOR, action=Action.NOTE,
                            note=note)
        history = merge_history(ours.history, theirs.history, added=(flagged,))
    changes["history"] = history
    changes["revision"] = max(ours.revision, theirs.revision) + 1
    evolve: Callable[..., Case] = attrs.evolve
    try:
        merged = evolve(ours, **changes)
    except ValueError:  # e.g. one side's category with the other's facts: keep one side whole
        later = ours if ours_key >= theirs_key else theirs
        merged = attrs.evolve(later, history=history, revision=changes["revision"])
    return merged, conflicts


def merge_case_files(base: bytes | None, ours: bytes, theirs: bytes, path: Path) -> bytes:
    """The merged bytes of one case file at ``path`` (its name must match the case id);
    :class:`DeskError` naming the file when a version cannot be read."""
    problems: list[Problem] = []
    cases: list[Case | None] = []
    for raw in (base, ours, theirs):
        if raw is None or not raw.strip():
            cases.append(None)
            continue
        case, found = decode_case(path, raw)
        problems.extend(found)
        cases.append(case)
    original, mine, other = cases
    if mine is None or other is None:
        raise DeskError(problems or [Problem(path, None, "a side of the merge is empty")])
    merged, _conflicts = merge_cases(original, mine, other)
    return encode_case(merged)
