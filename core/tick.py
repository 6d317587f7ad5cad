"""One clock for every deadline: the desk's clock-driven rules, run up to a moment.

A clock rule looks at the desk at ``now`` and writes what has fallen due by then (a chase step
into a case's history, a report-up going overdue, a late allocation flagged). Rules are
idempotent: what a rule wrote is on file and recognised the next time, so running them again
writes nothing, and a desk whose app was closed catches up at the next run. A rule never writes
a step before its time. :func:`run_tick` runs every rule of :data:`RULES`; ``baogong tick``, the
app's timer and a cron line or systemd timer on a desk with no app open all call it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import attrs

if TYPE_CHECKING:
    from core.desk import Desk


@attrs.frozen
class Due:
    """A step a rule wrote: on ``subject`` (a case id, a report-up, an allocation request),
    the ``step`` that fell due (``"chase.department"``), and ``at``, when it fell due (not when
    it was written)."""

    subject: str
    step: str
    at: datetime


@attrs.frozen
class RuleOutcome:
    """What one run of a rule did: the steps it wrote (``written``), and how many it found
    ``already_done`` (due and on file from an earlier run)."""

    written: tuple[Due, ...] = ()
    already_done: int = 0


class ClockRule(Protocol):
    """A clock-driven rule: writes every step due on ``desk`` by ``now`` that is not yet on
    file, and says what it wrote and what it found done."""

    def __call__(self, desk: Desk, now: datetime) -> RuleOutcome: ...


@attrs.frozen
class TickResult:
    """Every rule's steps, in the order the steps fell due."""

    written: tuple[Due, ...]
    already_done: int

    def to_json(self) -> dict[str, Any]:
        return {
            "written": [{"case": due.subject, "step": due.step, "at": due.at.isoformat()}
                        for due in self.written],
            "already_done": self.already_done,
        }


def rules() -> tuple[ClockRule, ...]:
    """The desk's clock rules (imported here, on use, so that the rules' modules may import
    this one's types)."""
    from core.levels.reportup import report_up_rule

    return (_steps_rule(report_up_rule),)


def _steps_rule(steps: Callable[[Desk, datetime], tuple[list[tuple[str, str, datetime]], int]]
                ) -> ClockRule:
    """A rule from a function giving plain steps, for rules' modules that must not import this
    one (the rules are imported here, so importing back would be a cycle)."""
    def rule(desk: Desk, now: datetime) -> RuleOutcome:
        written, done = steps(desk, now)
        return RuleOutcome(tuple(Due(*step) for step in written), done)
    return rule


def run_tick(desk: Desk, now: datetime, rules_to_run: Sequence[ClockRule] | None = None
             ) -> TickResult:
    """Run every clock rule (or ``rules_to_run``) up to ``now``."""
    written: list[Due] = []
    already_done = 0
    for rule in rules() if rules_to_run is None else rules_to_run:
        outcome = rule(desk, now)
        written.extend(outcome.written)
        already_done += outcome.already_done
    written.sort(key=lambda due: (due.at, due.subject, due.step))
    return TickResult(tuple(written), already_done)
