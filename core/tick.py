"""One clock for every deadline: the desk's clock-driven rules, run up to a moment.

A clock rule looks at the desk at ``now`` and writes what has fallen due by then (a chase step
into a case's history, a report-up going overdue, a late allocation flagged). Rules are
idempotent: what a rule wrote is on file and recognised the next time, so running them again
writes nothing, and a desk whose app was closed catches up at the next run. A rule never writes
a step before its time. :func:`run_tick` runs every rule of :data:`RULES`; ``baogong tick``, the
app's timer and a cron line or systemd timer on a desk with no app open all call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from core.clockrule import ClockRule as ClockRule
from core.clockrule import Due as Due
from core.clockrule import RuleOutcome as RuleOutcome

if TYPE_CHECKING:
    from core.desk import Desk


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
    """The desk's clock rules (imported here, on use; the rules' modules take their types from
    :mod:`core.clockrule`)."""
    from core.cases.ladder import ladder_rule
    from core.levels.reportup import report_up_rule
    from core.medicalclock import allocation_rule

    return (ladder_rule, report_up_rule, allocation_rule)


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
