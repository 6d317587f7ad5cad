"""Who is calling (来电人): a registered household or an earlier caller found by phone, and the
open cases this call may repeat (再次来电), which it can be added to instead of a new case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.cases.case import Action, Case, Priority, plan_call
from core.cases.duplicates import KnownCaller, RepeatCall, known_caller
from core.cases.store import ConflictError
from core.reference import Household, PriorityFlag
from tui.i18n import _, category_name, flag_name, record_name, status_name

if TYPE_CHECKING:
    from core.desk import Desk
    from tui.app import BaogongApp


def lookup_caller(app: BaogongApp, phone: str) -> KnownCaller | None:
    """The household or earlier caller with this phone, if any."""
    return known_caller(
        phone, cases=app.reader, households=app.households_by_phone(),
        streets={code: c.street for code, c in app.desk.communities.items()},
        load=app.reader.store.get)


def caller_history(desk: Desk, known: KnownCaller) -> str:
    """The lines under the phone: the registered household, the caller's earlier cases."""
    lines = []
    if known.registered:
        household = desk.households.get(known.household)
        if household is not None:
            lines.append(describe_household(desk, household))
    if known.earlier:
        lines.append(_("Earlier") + ": " + "; ".join(
            f"{r.id} {category_name(r.category)} {status_name(r.status)}"
            for r in known.earlier))
    return "\n".join(lines)


def describe_household(desk: Desk, household: Household) -> str:
    """A registered household on one line: community, residents (ages), priority people."""
    community = record_name(desk.communities.get(household.community),
                            household.community)
    people = ", ".join(
        f"{r.name}" + (f"({r.age})" if r.age else "") for r in household.residents)
    known = {str(f) for f in household.flags}
    flags = ", ".join(flag_name(f) for f in PriorityFlag if f.value in known)
    text = f"{community} {people}"
    return f"{text} [{flags}]" if flags else text


def repeat_warning(repeats: list[RepeatCall], save_warned: bool) -> str:
    """The warning over a call that may repeat an open case ("" when there is none)."""
    if not repeats:
        return ""
    ids = ", ".join(r.row.id for r in repeats)
    text = _("Possible duplicate: open case of this category for this phone or "
             "address: {ids}").format(ids=ids)
    text += "\n" + _("ctrl+r adds this call to {id}").format(id=repeats[0].row.id)
    if save_warned:
        text += "; " + _("ctrl+s again saves a new case")
    return text


def add_call(app: BaogongApp, case_id: str, note: str, priority: Priority,
             flags: frozenset[PriorityFlag]) -> Case | None:
    """Add this call to the open case ``case_id``: a ``call`` event that may raise its priority,
    flags and due time. None if another operator saved the case twice meanwhile."""
    store = app.desk.cases
    for _attempt in range(2):  # a colleague's change in between: read it again, once
        try:
            case = store.get(case_id)
            now = app.clock()
            changes = plan_call(case, time=now, rules=app.desk.settings.sla, priority=priority,
                                flags=flags)
            saved: Case = store.act(case, Action.CALL, operator=app.operator, note=note,
                                    changes=changes, time=now)
            return saved
        except ConflictError:
            continue
    return None
