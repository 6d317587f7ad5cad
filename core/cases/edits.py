"""Correcting a case's details (工单信息更正): who called, where they live, the community, the
priority and what was asked for.

:func:`plan_edit` compares the details an operator wants with the case's own and returns an
:class:`Edit`: the ``changes`` to apply with :attr:`~core.cases.case.Action.EDIT` and a note that
records each field before and after (``电话 13800000000 -> 13900000000``), so the history shows
what was corrected. :func:`rebase_details` carries an edit over to a version another operator
saved meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from core.cases.case import (
    Action,
    Address,
    Caller,
    Case,
    Priority,
    check_description,
    due_time,
)
from core.names import PRIORITY_NAMES
from core.phones import check_caller_phone, normalize_phone
from core.problems import InvalidField
from core.reference import Community, SlaRules, check_optional_code, check_phone


def _check_priority(_instance: object, attribute: attrs.Attribute[Priority],
                    value: Priority) -> None:
    if not isinstance(value, Priority):
        raise InvalidField(attribute.name, f"{value!r} is not one of: "
                                           f"{', '.join(p.value for p in Priority)}")


@attrs.frozen
class Details:
    """What an operator may correct after the call (工单信息): who called, where they live, the
    community, how urgent the case is and what was asked for.

    A bad phone number or a malformed community code is refused when the record is made
    (:class:`~core.problems.InvalidField` names the field); whether the community exists is
    checked by :func:`plan_edit`, which knows the desk's communities.
    """

    name: str = ""
    phone: str = attrs.field(default="", validator=check_phone)
    street: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    community: str = attrs.field(default="", validator=check_optional_code)
    priority: Priority = attrs.field(default=Priority.NORMAL, validator=_check_priority)
    description: str = attrs.field(default="", validator=check_description)

    @classmethod
    def of(cls, case: Case) -> Details:
        """The details of ``case`` as it is."""
        caller, address = case.caller, case.caller.address
        return cls(name=caller.name, phone=caller.phone, street=address.street,
                   building=address.building, unit=address.unit, room=address.room,
                   community=case.community, priority=case.priority,
                   description=case.description)

    @property
    def caller(self) -> Caller:
        return Caller(self.name, self.phone,
                      Address(self.street, self.building, self.unit, self.room))


#: each field of :class:`Details` as an edit's note names it, in Chinese and English
DETAIL_NAMES: dict[str, tuple[str, str]] = {
    "name": ("姓名", "name"),
    "phone": ("电话", "phone"),
    "street": ("街道", "street"),
    "building": ("楼栋", "building"),
    "unit": ("单元", "unit"),
    "room": ("房号", "room"),
    "community": ("社区", "community"),
    "priority": ("优先级", "priority"),
    "description": ("诉求内容", "description"),
}
_EMPTY = ("（无）", "(none)")


@attrs.frozen
class FieldChange:
    """One field of :class:`Details` an edit changes."""

    field: str
    before: str
    after: str


@attrs.frozen
class Edit:
    """A planned correction: the fields it changes, and the ``changes`` and ``note`` to pass to
    :func:`apply` (or ``CaseStore.act``) with :attr:`Action.EDIT`."""

    fields: tuple[FieldChange, ...]
    changes: dict[str, object]
    note: str


def plan_edit(
    case: Case,
    wanted: Details,
    *,
    rules: SlaRules,
    communities: Mapping[str, Community],
    lang: str = "zh",
) -> Edit | None:
    """How to give ``case`` the ``wanted`` details; None when they are the case's own.

    Raises :class:`~core.problems.InvalidField` (a ValueError naming the field) for a bad phone
    number (:class:`~core.phones.InvalidPhone`, in both languages) or a community the desk does
    not have. A new phone number is stored normalized (:func:`~core.phones.normalize_phone`).
    A new priority on an open case moves its due time, counted from when the case was accepted
    (or last reopened) under the desk's ``rules``.
    The note lists each change on a line, ``电话 13800000000 -> 13900000000``, with the names of
    ``lang`` ("zh" or "en"); :func:`apply` attributes it to the operator.
    """
    attrs.validate(wanted)
    if normalize_phone(wanted.phone) == normalize_phone(case.caller.phone):
        wanted = attrs.evolve(wanted, phone=case.caller.phone)  # the same number, retyped
    else:
        wanted = attrs.evolve(wanted, phone=check_caller_phone(wanted.phone))
    if wanted.community and wanted.community != case.community \
            and wanted.community not in communities:
        raise InvalidField("community", f"unknown community {wanted.community!r}")
    before = Details.of(case)
    changed = tuple(
        FieldChange(field.name, getattr(before, field.name), getattr(wanted, field.name))
        for field in attrs.fields(Details)
        if getattr(before, field.name) != getattr(wanted, field.name)
    )
    if not changed:
        return None
    changes: dict[str, object] = {}
    if wanted.caller != case.caller:
        changes["caller"] = wanted.caller
    if wanted.community != case.community:
        changes["community"] = wanted.community
    if wanted.description != case.description:
        changes["description"] = wanted.description
    if wanted.priority is not case.priority:
        changes["priority"] = wanted.priority
        if case.is_open:
            changes["due"] = due_time(rules, case.kind, wanted.priority, _clock_started(case),
                                      case.flags)
    side = 0 if lang == "zh" else 1

    def shown(field: str, value: str) -> str:
        if not value:
            return _EMPTY[side]
        if field == "priority":
            return PRIORITY_NAMES[Priority(value)].get(lang)
        if field == "community" and value in communities:
            community = communities[value]
            return community.name if side == 0 else community.name_en
        return " ".join(value.split())  # one line, even for a description of several

    note = "\n".join(
        f"{DETAIL_NAMES[c.field][side]} {shown(c.field, c.before)} -> {shown(c.field, c.after)}"
        for c in changed
    )
    return Edit(changed, changes, note)


def rebase_details(loaded: Details, wanted: Details, current: Details) -> Details:
    """An edit of ``loaded`` into ``wanted``, carried over to a newer ``current`` version: the
    fields the operator changed take their new values, every other field keeps the current one
    (which may be another operator's change)."""
    mine = {field.name: getattr(wanted, field.name) for field in attrs.fields(Details)
            if getattr(wanted, field.name) != getattr(loaded, field.name)}
    return attrs.evolve(current, **mine)


def _clock_started(case: Case) -> datetime:
    """When the case's current due time started running: acceptance, or the last reopening."""
    for event in reversed(case.history):
        if event.action is Action.REOPEN:
            return event.time
    return case.created
