"""Hotline cases (工单): one call's request, complaint, inquiry or rumour report.

A case moves round a closed loop (受理 → 派单 → 办理 → 答复 → 办结 → 回访 → 评价, with 催办 when
overdue and 重办 when the caller is not satisfied). Every change appends an event naming the
operator, so the history is the audit trail. Cases are immutable values: :func:`apply` returns the
next version. A caller's details taken down wrong are corrected with
:func:`core.cases.edits.plan_edit`, whose note records each field before and after.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

import attrs

from core.cases.categories import CATEGORIES as CATEGORIES
from core.cases.categories import CaseKind as CaseKind
from core.cases.categories import Category as Category
from core.cases.categories import CategoryInfo as CategoryInfo
from core.cases.categories import default_department as default_department
from core.cases.escalation import ClosureRules
from core.cases.facts import DeliveryShortfall, PriceReport, ReliefRequest, facts_field
from core.cases.timelimits import PRIORITY_ORDER as PRIORITY_ORDER
from core.cases.timelimits import Priority as Priority
from core.cases.timelimits import callback_due_time as callback_due_time
from core.cases.timelimits import due_time as due_time
from core.cases.timelimits import effective_priority as effective_priority
from core.cases.timelimits import more_urgent as more_urgent
from core.phones import check_caller_phone
from core.problems import InvalidField
from core.reference import (
    PriorityFlag,
    SlaRules,
    check_non_negative,
    check_optional_code,
    check_phone,
)

SCHEMA_VERSION = 1
_Facts = TypeVar("_Facts", PriceReport | None, DeliveryShortfall | None, ReliefRequest | None)
#: a case id: the intake day and its number, after the site code of the desk that took the call
#: when the desk has one (``HX-20261123-0042``; ``20261123-0042`` on a single-site desk)
CASE_ID_PATTERN = re.compile(r"^(?:([A-Z][A-Z0-9]{1,5})-)?(\d{8})-(\d{4,6})\Z", re.ASCII)


class CaseStatus(enum.StrEnum):
    ACCEPTED = "accepted"  # 已受理
    DISPATCHED = "dispatched"  # 已派单
    IN_PROGRESS = "in_progress"  # 办理中
    REPLIED = "replied"  # 已答复
    CHASED = "chased"  # 已催办
    RESOLVED = "resolved"  # 已办结
    CALLED_BACK = "called_back"  # 已回访
    EVALUATED = "evaluated"  # 已评价
    REOPENED = "reopened"  # 重新办理
    AWAITING_APPROVAL = "awaiting_approval"  # 待审核: resolved, waiting for a supervisor

    @property
    def is_open(self) -> bool:
        """Open311 maps every status to ``open`` or ``closed``."""
        return self not in CLOSED_STATUSES

    @property
    def open311(self) -> str:
        return "open" if self.is_open else "closed"


CLOSED_STATUSES = frozenset({CaseStatus.RESOLVED, CaseStatus.CALLED_BACK, CaseStatus.EVALUATED})


class Evaluation(enum.StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


class Action(enum.StrEnum):
    CREATE = "create"
    EDIT = "edit"
    DISPATCH = "dispatch"
    START = "start"
    NOTE = "note"
    REPLY = "reply"
    CHASE = "chase"
    RESOLVE = "resolve"
    CALL_BACK = "call_back"
    EVALUATE = "evaluate"
    REOPEN = "reopen"
    CALL = "call"  # the caller phoned again about this case (再次来电)
    LADDER = "ladder"  # a chase ladder step (催办/督办), written by the desk clock
    APPROVE = "approve"  # a supervisor approves the resolution (审核通过)
    SEND_BACK = "send_back"  # a supervisor sends the resolution back (退回重办), with a reason


#: who ladder steps are written by: the desk's own clock, never an operator (no OS account
#: name starts with "@")
DESK_CLOCK = "@clock"


_OPEN_WORK = frozenset(
    {
        CaseStatus.ACCEPTED,
        CaseStatus.DISPATCHED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.REPLIED,
        CaseStatus.CHASED,
        CaseStatus.REOPENED,
    }
)
_ANY = frozenset(CaseStatus)

#: action -> (statuses it may be taken from, status it leads to; None keeps the status)
TRANSITIONS: dict[Action, tuple[frozenset[CaseStatus], CaseStatus | None]] = {
    Action.CREATE: (frozenset(), CaseStatus.ACCEPTED),
    Action.EDIT: (_ANY, None),
    Action.NOTE: (_ANY, None),
    # a repeat call is recorded whatever the status; on a closed case reopening it is a separate
    # decision (Action.REOPEN), taken by whoever reads the call
    Action.CALL: (_ANY, None),
    Action.DISPATCH: (_OPEN_WORK, CaseStatus.DISPATCHED),
    Action.START: (
        frozenset({CaseStatus.DISPATCHED, CaseStatus.CHASED, CaseStatus.REOPENED,
                   CaseStatus.REPLIED}),
        CaseStatus.IN_PROGRESS,
    ),
    Action.REPLY: (_OPEN_WORK, CaseStatus.REPLIED),
    Action.CHASE: (_OPEN_WORK - {CaseStatus.ACCEPTED}, CaseStatus.CHASED),
    # to AWAITING_APPROVAL instead where the desk's closure rules want a supervisor's approval
    Action.RESOLVE: (_OPEN_WORK, CaseStatus.RESOLVED),
    Action.LADDER: (_OPEN_WORK, None),
    Action.APPROVE: (frozenset({CaseStatus.AWAITING_APPROVAL}), CaseStatus.RESOLVED),
    Action.SEND_BACK: (frozenset({CaseStatus.AWAITING_APPROVAL}), CaseStatus.IN_PROGRESS),
    Action.CALL_BACK: (frozenset({CaseStatus.RESOLVED}), CaseStatus.CALLED_BACK),
    Action.EVALUATE: (frozenset({CaseStatus.CALLED_BACK}), CaseStatus.EVALUATED),
    Action.REOPEN: (
        frozenset({CaseStatus.RESOLVED, CaseStatus.CALLED_BACK, CaseStatus.EVALUATED}),
        CaseStatus.REOPENED,
    ),
}


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidField(name, "time must carry a UTC offset, e.g. 2026-11-23T09:30:00+08:00")


def _check_aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    _require_aware(attribute.name, value)


def _check_optional_aware(
    _instance: object, attribute: attrs.Attribute[datetime | None], value: datetime | None
) -> None:
    if value is not None:
        _require_aware(attribute.name, value)


def check_case_id(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not CASE_ID_PATTERN.match(value):
        raise InvalidField(attribute.name, f"{value!r} is not a case id "
                                           "(YYYYMMDD-NNNN or SITE-YYYYMMDD-NNNN)")


def _check_optional_case_id(instance: object, attribute: attrs.Attribute[str | None],
                            value: str | None) -> None:
    if value is not None and not CASE_ID_PATTERN.match(value):
        raise InvalidField(attribute.name, f"{value!r} is not a case id")


def _check_uid(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        uuid.UUID(value)
    except ValueError:
        raise InvalidField(attribute.name, f"{value!r} is not a UUID") from None


#: the longest description a case takes (诉求内容), in characters: what a caller says, not a file
MAX_DESCRIPTION = 2000


def check_description(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if len(value) > MAX_DESCRIPTION:
        raise InvalidField(attribute.name, f"the description is {len(value)} characters long; "
                                           f"at most {MAX_DESCRIPTION} are kept")


@attrs.frozen
class Address:
    """Where the caller lives, down to the room (楼栋/单元/房号)."""

    street: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""

    def render(self) -> str:
        parts = [self.street]
        if self.building:
            parts.append(f"{self.building}栋")
        if self.unit:
            parts.append(f"{self.unit}单元")
        if self.room:
            parts.append(f"{self.room}室")
        return "".join(p for p in parts if p)


@attrs.frozen
class Caller:
    name: str = ""
    phone: str = attrs.field(default="", validator=check_phone)
    address: Address = Address()


@attrs.frozen
class ItemLine:
    """One requested item: a catalogue code (or free text) and a quantity."""

    code: str
    quantity: float = attrs.field(default=1, validator=check_non_negative)
    name: str = ""
    unit_price_fen: int | None = None


@attrs.frozen
class CaseEvent:
    """One entry of a case's append-only history (办理记录)."""

    time: datetime = attrs.field(validator=_check_aware)
    operator: str
    action: Action
    note: str = ""
    status: CaseStatus | None = None
    department: str | None = None
    evaluation: Evaluation | None = None
    #: of a :attr:`Action.LADDER` event: the ladder tier's step (``desk.toml`` ``[ladder]``)
    step: str | None = None


def _check_facts(instance: Case, attribute: attrs.Attribute[_Facts], value: _Facts) -> None:
    if value is not None and facts_field(instance.category.value) != attribute.name:
        raise InvalidField(
            attribute.name,
            f"a {instance.category.value} case takes no [{attribute.name}] facts",
        )


@attrs.frozen
class Case:
    """A hotline case (工单).

    ``price``, ``shortfall`` and ``relief`` are the structured facts (:mod:`core.cases.facts`) of
    price complaints, short deliveries and relief requests; other categories carry none.
    """

    id: str = attrs.field(validator=check_case_id)
    uid: str = attrs.field(validator=_check_uid)
    kind: CaseKind
    category: Category
    created: datetime = attrs.field(validator=_check_aware)
    created_by: str
    status: CaseStatus = CaseStatus.ACCEPTED
    priority: Priority = Priority.NORMAL
    community: str = attrs.field(default="", validator=check_optional_code)
    household: str = ""
    department: str = ""
    caller: Caller = Caller()
    flags: frozenset[PriorityFlag] = frozenset()
    items: tuple[ItemLine, ...] = ()
    description: str = attrs.field(default="", validator=check_description)
    price: PriceReport | None = attrs.field(default=None, validator=_check_facts)
    shortfall: DeliveryShortfall | None = attrs.field(default=None, validator=_check_facts)
    relief: ReliefRequest | None = attrs.field(default=None, validator=_check_facts)
    due: datetime | None = attrs.field(default=None, validator=_check_optional_aware)
    callback_due: datetime | None = attrs.field(default=None, validator=_check_optional_aware)
    evaluation: Evaluation | None = None
    revision: int = 1
    schema_version: int = SCHEMA_VERSION
    #: the id the case had before its desk took a site code (``baogong site-ids``), searchable
    former_id: str | None = attrs.field(default=None, validator=_check_optional_case_id)
    history: tuple[CaseEvent, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def updated(self) -> datetime:
        """The time of the latest event (a ladder step caught up late carries its due time, so
        the history is not always in time order)."""
        return max((e.time for e in self.history), default=self.created)

    def is_overdue(self, now: datetime) -> bool:
        if self.is_open:
            return self.due is not None and now > self.due
        if self.status in (CaseStatus.RESOLVED,) and self.callback_due is not None:
            return now > self.callback_due
        return False


class TransitionError(ValueError):
    """An action that the case's status does not allow (e.g. calling back an open case)."""


class ClosedLoopError(TransitionError):
    """A step of the closed loop skipped (resolving a case nobody was sent, where the desk does
    not allow answering on the spot), with the message in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def new_case(
    *,
    case_id: str,
    category: Category,
    created: datetime,
    operator: str,
    rules: SlaRules,
    uid: str | None = None,
    priority: Priority | str = Priority.NORMAL,
    flags: Iterable[PriorityFlag | str] = (),
    department: str = "",
    note: str = "",
    community: str = "",
    household: str = "",
    caller: Caller | None = None,
    items: Iterable[ItemLine] = (),
    description: str = "",
    price: PriceReport | None = None,
    shortfall: DeliveryShortfall | None = None,
    relief: ReliefRequest | None = None,
) -> Case:
    """A freshly accepted case with its due time and a ``create`` event.

    Without a ``department`` it goes to the category's (:func:`default_department`). The
    caller's phone must be a Chinese number and is stored normalized (see :mod:`core.phones`);
    :class:`~core.phones.InvalidPhone` otherwise.
    """
    chosen = Priority(str(priority))
    frozen_flags = frozenset(PriorityFlag(str(f)) for f in flags)
    chosen = effective_priority(chosen, frozen_flags)
    kind = category.kind
    department = department or default_department(category)
    caller = caller or Caller()
    if caller.phone:
        caller = attrs.evolve(caller, phone=check_caller_phone(caller.phone))
    return Case(
        id=case_id,
        uid=uid or str(uuid.uuid4()),
        kind=kind,
        category=category,
        created=created,
        created_by=operator,
        priority=chosen,
        flags=frozen_flags,
        department=department,
        due=due_time(rules, kind, chosen, created, frozen_flags),
        history=(
            CaseEvent(
                time=created,
                operator=operator,
                action=Action.CREATE,
                note=note,
                status=CaseStatus.ACCEPTED,
                department=department,
            ),
        ),
        community=community,
        household=household,
        caller=caller,
        items=tuple(items),
        description=description,
        price=price,
        shortfall=shortfall,
        relief=relief,
    )


#: ``attrs.evolve`` for changes named at run time (``changes`` of :func:`apply`): the attrs
#: plugin checks only keywords written out, and Case's validators check the values
_evolve: Callable[..., Case] = attrs.evolve


def apply(
    case: Case,
    action: Action,
    *,
    operator: str,
    time: datetime,
    rules: SlaRules,
    note: str = "",
    department: str | None = None,
    evaluation: Evaluation | None = None,
    changes: dict[str, object] | None = None,
    closure: ClosureRules | None = None,
    step: str | None = None,
) -> Case:
    """The case after ``operator`` takes ``action`` at ``time``; raises TransitionError.

    Under the desk's ``closure`` rules (:class:`~core.cases.escalation.ClosureRules`) a
    resolution of a category needing approval leads to 待审核 (awaiting approval), and resolving
    from accepted is refused (:class:`ClosedLoopError`) unless the category may be answered on
    the spot. A :attr:`Action.LADDER` event names its tier's ``step``; sending a resolution
    back needs a reason in ``note``.
    """
    allowed, target = TRANSITIONS[action]
    if case.status not in allowed:
        raise TransitionError(
            f"cannot {action.value} a case that is {case.status.value} "
            f"(allowed from: {', '.join(sorted(s.value for s in allowed)) or 'nowhere'})"
        )
    if action is Action.RESOLVE and closure is not None:
        if case.status is CaseStatus.ACCEPTED and not closure.answers_on_the_spot(case.category):
            raise ClosedLoopError(
                "此类工单不能当场办结：请先派单，由承办单位办理答复后再办结",
                "this category cannot be resolved on the spot: dispatch it first, and resolve "
                "it once the department has dealt with it and replied")
        if closure.needs_approval(case.category):
            target = CaseStatus.AWAITING_APPROVAL
    if action is Action.SEND_BACK and not note.strip():
        raise TransitionError("sending a resolution back needs a reason")
    if (action is Action.LADDER) != (step is not None):
        raise TransitionError("a ladder step, and only a ladder step, names its tier")
    if action is Action.DISPATCH and not (department or case.department):
        raise TransitionError("dispatch needs a department")
    if action is Action.EVALUATE and evaluation is None:
        raise TransitionError("evaluate needs the caller's evaluation")
    updates: dict[str, object] = dict(changes or {})
    status = target or case.status
    updates["status"] = status
    if department:
        updates["department"] = department
    if evaluation is not None:
        updates["evaluation"] = evaluation
    if target is CaseStatus.RESOLVED:
        updates["callback_due"] = callback_due_time(rules, time)
    if action is Action.REOPEN:
        updates["due"] = due_time(rules, case.kind, case.priority, time, case.flags)
        updates["callback_due"] = None
        updates["evaluation"] = None
    event = CaseEvent(
        time=time,
        operator=operator,
        action=action,
        note=note,
        status=status if target else None,
        department=department,
        evaluation=evaluation,
        step=step,
    )
    updates["history"] = (*case.history, event)
    return _evolve(case, **updates)


def plan_call(
    case: Case,
    *,
    time: datetime,
    rules: SlaRules,
    priority: Priority = Priority.NORMAL,
    flags: frozenset[PriorityFlag] = frozenset(),
) -> dict[str, object]:
    """The ``changes`` a repeat call (:attr:`Action.CALL`) makes to ``case``.

    What the new call tells can only raise the case: its priority-people ``flags`` are added,
    and its ``priority`` (after flags, :func:`effective_priority`) is kept if more urgent. When
    an open case is raised, its due time becomes the earlier of the old one and the one the
    raised case would get if accepted at ``time``. Nothing raised: no changes.
    """
    merged = case.flags | flags
    raised = more_urgent(case.priority, effective_priority(priority, merged))
    changes: dict[str, object] = {}
    if merged != case.flags:
        changes["flags"] = merged
    if raised is not case.priority:
        changes["priority"] = raised
    if changes and case.is_open:
        due = due_time(rules, case.kind, raised, time, merged)
        if case.due is None or due < case.due:
            changes["due"] = due
    return changes
