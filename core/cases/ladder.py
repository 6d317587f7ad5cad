"""The chase ladder (催办/督办): a case past its due time climbs the desk's tiers by itself.

Each tier of ``desk.toml``'s ``[ladder]`` (:class:`~core.cases.escalation.ChaseLadder`) falls due
so many hours after the case's due time; the desk clock (:data:`~core.cases.case.DESK_CLOCK`)
writes it into the case's history as a :attr:`~core.cases.case.Action.LADDER` event naming the
tier's step, timed when the step fell due, not when it was written. So a desk whose app was
closed catches up at the next tick with each missed step at its own time.

The rules, exactly:

- A *round* of the ladder is the case's history since it was last reopened (from its creation
  if never): a reopened case has a new due time and climbs again from the first tier. Each tier
  is written at most once per round: a step is recognised on file by its step name in the round.
- A tier falls due at ``due + after_hours``, and is written by a tick at or after that moment,
  only while the case is open work (accepted, dispatched, in progress, replied, chased,
  reopened): resolved, awaiting approval or closed cases are not chased.
- With ``on_reply = "halt"`` (the default) a department's reply stops the clock: no tier that
  falls due at or after the round's first reply is written. With ``"ignore"`` replies do not
  matter and only leaving open work stops it.
- Writing holds the case's lock and decides on the file as read under it
  (:meth:`~core.cases.store.CaseStore.amend`): two apps and a cron ``tick`` racing write each
  step once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from core.cases.case import DESK_CLOCK, TRANSITIONS, Action, Case, CaseEvent, CaseStatus, apply
from core.cases.escalation import ChaseLadder, LadderTier, ReplyRule
from core.cases.index import Query
from core.cases.store import CaseNotFound
from core.clockrule import Due, RuleOutcome
from core.problems import DeskError
from core.reference import SlaRules

if TYPE_CHECKING:
    from core.desk import Desk

#: the statuses a case is chased in: open work (not awaiting approval, not closed)
CHASED_STATUSES = TRANSITIONS[Action.LADDER][0]


@attrs.frozen
class LadderStep:
    """A tier of the ladder on one case: ``tier``, its ``level`` (1 for the first), and ``at``,
    when it fell (or falls) due."""

    tier: LadderTier
    level: int
    at: datetime


def round_events(case: Case) -> tuple[CaseEvent, ...]:
    """The events of the ladder's current round: since the last reopening, or all."""
    last = max((i for i, e in enumerate(case.history) if e.action is Action.REOPEN), default=-1)
    return case.history[last + 1:]


def steps_on_file(case: Case) -> dict[str, CaseEvent]:
    """The ladder steps written in the current round, by step name."""
    return {e.step: e for e in round_events(case)
            if e.action is Action.LADDER and e.step is not None}


def _schedule(case: Case, ladder: ChaseLadder) -> Iterator[LadderStep]:
    """Every tier of the current round that can fall due, in order (ending at a halting
    reply)."""
    if case.due is None:
        return
    halt: datetime | None = None
    if ladder.on_reply is ReplyRule.HALT:
        halt = min((e.time for e in round_events(case) if e.action is Action.REPLY),
                   default=None)
    for level, tier in enumerate(ladder.tiers, start=1):
        at = case.due + timedelta(hours=tier.after_hours)
        if halt is not None and halt <= at:
            return
        yield LadderStep(tier, level, at)


def due_steps(case: Case, ladder: ChaseLadder, now: datetime) -> tuple[list[LadderStep], int]:
    """The steps due on ``case`` by ``now`` and not on file yet, and how many due steps are on
    file already."""
    if case.status not in CHASED_STATUSES:
        return [], 0
    written = steps_on_file(case)
    missing: list[LadderStep] = []
    done = 0
    for step in _schedule(case, ladder):
        if step.at > now:
            break
        if step.tier.step in written:
            done += 1
        else:
            missing.append(step)
    return missing, done


def climb(case: Case, steps: list[LadderStep], rules: SlaRules) -> Case:
    """``case`` with ``steps`` appended, each by the desk clock at its own time."""
    for step in steps:
        case = apply(case, Action.LADDER, operator=DESK_CLOCK, time=step.at, rules=rules,
                     step=step.tier.step)
    return case


@attrs.frozen
class Chased:
    """An open case on the ladder: its highest ``step`` this round and when it fell due."""

    case: Case
    step: LadderStep


def current_step(case: Case, ladder: ChaseLadder) -> LadderStep | None:
    """The highest tier written in the current round of a case still chased, or None."""
    if case.status not in CHASED_STATUSES:
        return None
    best: LadderStep | None = None
    for name, event in steps_on_file(case).items():
        level = ladder.level(name)
        tier = ladder.tier(name) or LadderTier(name, 0)
        if best is None or level > best.level:
            best = LadderStep(tier, level, event.time)
    return best


def _candidates(desk: Desk, now: datetime) -> Iterator[Case]:
    """Open cases whose due time has come by ``now``, read from their files (a file that
    cannot be read is ``check``'s to report, and is never written to)."""
    store = desk.cases
    store.refresh()
    rows = store.query(Query(open_only=True, overdue_at=now + timedelta(seconds=1)))
    for row in rows:
        if row.due is not None and row.due <= now:
            try:
                yield store.get(row.id)
            except (CaseNotFound, DeskError):
                continue


def chase_list(desk: Desk, now: datetime) -> list[Chased]:
    """The cases on the ladder, highest tier first, then the longest on it (催办督办清单)."""
    ladder = desk.settings.ladder
    found = [Chased(case, step) for case in _candidates(desk, now)
             if (step := current_step(case, ladder)) is not None]
    found.sort(key=lambda c: (-c.step.level, c.step.at, c.case.id))
    return found


def tier_counts(chased: list[Chased], ladder: ChaseLadder) -> list[tuple[LadderTier, int]]:
    """How many cases stand on each tier of ``ladder`` (the board's counts)."""
    counts = {tier.step: 0 for tier in ladder.tiers}
    for item in chased:
        if item.step.tier.step in counts:
            counts[item.step.tier.step] += 1
    return [(tier, counts[tier.step]) for tier in ladder.tiers]


def ladder_rule(desk: Desk, now: datetime) -> RuleOutcome:
    """The clock rule of the chase ladder: write every step due by ``now`` not yet on file."""
    ladder = desk.settings.ladder
    if not ladder.tiers:
        return RuleOutcome()
    written: list[Due] = []
    already_done = 0
    for candidate in _candidates(desk, now):
        missing, done = due_steps(candidate, ladder, now)
        if missing:
            try:
                missing, done = _write_steps(desk, candidate.id, now)
            except DeskError:  # became unreadable since it was read: check reports it
                continue
        already_done += done
        written.extend(Due(candidate.id, f"chase.{s.tier.step}", s.at) for s in missing)
    return RuleOutcome(tuple(written), already_done)


def _write_steps(desk: Desk, case_id: str, now: datetime) -> tuple[list[LadderStep], int]:
    """Write the steps due on case ``case_id`` as its file is under its lock; returns the steps
    written and how many due ones were on file already."""
    ladder = desk.settings.ladder
    outcome: tuple[list[LadderStep], int] = ([], 0)

    def change(current: Case) -> Case | None:
        nonlocal outcome
        outcome = due_steps(current, ladder, now)
        steps = outcome[0]
        return climb(current, steps, desk.settings.sla) if steps else None

    desk.cases.amend(case_id, change)
    return outcome


@attrs.frozen
class LadderCounts:
    """The board's counts: cases on each tier of the ladder, and awaiting approval."""

    tiers: tuple[tuple[LadderTier, int], ...]
    awaiting_approval: int

    @property
    def shown(self) -> bool:
        """Whether the desk uses the ladder or approval at all (else the board says nothing)."""
        return bool(self.tiers) or self.awaiting_approval > 0


def ladder_counts(desk: Desk, now: datetime) -> LadderCounts:
    """How many cases stand on each tier at ``now``, and how many await approval."""
    ladder = desk.settings.ladder
    desk.cases.refresh()
    tiers = tuple(tier_counts(chase_list(desk, now), ladder)) if ladder.tiers else ()
    waiting = desk.cases.count(Query(status=frozenset({CaseStatus.AWAITING_APPROVAL})))
    return LadderCounts(tiers, waiting)
