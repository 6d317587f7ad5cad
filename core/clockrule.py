"""What a clock rule is (:mod:`core.tick`): the step it writes and what one run of it did.

Its own module so that the rules' modules (:mod:`core.cases.ladder` and others) import these
types without importing :mod:`core.tick`, which imports them back to run them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

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
