"""A case's index row straight from its parsed TOML table, without building the :class:`Case`.

Opening a desk without its index turns every case file into a row; building each file's full
:class:`~core.cases.case.Case` (cattrs, attrs validators) is most of that work. :func:`fast_row`
checks the table the way the full decode does, for the shape the store writes, and gives the same
row :func:`core.cases.indexing.row_values` gives for the decoded case. Anything it does not
recognise exactly (a value of another type, a time written as text, facts, an older
``schema_version``, a field it does not know) makes it return None, and the caller decodes the
file in full, which reports what is wrong. It never accepts a table the full decode refuses
(``tests/core/test_fast_row.py`` holds it to that and to the same row).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from core.cases.case import (
    CASE_ID_PATTERN,
    CATEGORIES,
    CLOSED_STATUSES,
    MAX_DESCRIPTION,
    SCHEMA_VERSION,
    Action,
    CaseKind,
    CaseStatus,
    Category,
    Evaluation,
    Priority,
)
from core.cases.indexing import utc_text
from core.phones import normalize_phone
from core.reference import CODE_PATTERN, PHONE_PATTERN, PriorityFlag

_CASE_KEYS = frozenset({
    "schema_version", "id", "uid", "kind", "category", "created", "created_by", "status",
    "priority", "community", "household", "department", "caller", "flags", "items",
    "description", "due", "callback_due", "evaluation", "revision", "former_id", "history",
})
_REQUIRED = ("id", "uid", "kind", "category", "created", "created_by")
_CALLER_KEYS = frozenset({"name", "phone", "address"})
_ADDRESS_KEYS = ("street", "building", "unit", "room")
_ADDRESS_KEY_SET = frozenset(_ADDRESS_KEYS)
#: the form the store writes a uid in (any other form is left to ``uuid.UUID`` to judge)
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_ITEM_KEYS = frozenset({"code", "quantity", "name", "unit_price_fen"})
_EVENT_KEYS = frozenset({"time", "operator", "action", "note", "status", "department",
                         "evaluation", "step"})
_KINDS = frozenset(k.value for k in CaseKind)
_STATUSES = frozenset(s.value for s in CaseStatus)
_CLOSED = frozenset(s.value for s in CLOSED_STATUSES)
_PRIORITIES = frozenset(p.value for p in Priority)
_EVALUATIONS = frozenset(e.value for e in Evaluation)
_ACTIONS = frozenset(a.value for a in Action)
_FLAGS = frozenset(f.value for f in PriorityFlag)
_CATEGORY_WORDS = {c.value: (info.name, info.name_en) for c, info in CATEGORIES.items()}
_CATEGORIES = frozenset(c.value for c in Category)


def _aware(value: object) -> bool:
    return type(value) is datetime and value.utcoffset() is not None


def _one_of(table: dict[str, Any], key: str, values: frozenset[str], default: str) -> str | None:
    value = table.get(key, default)
    return value if type(value) is str and value in values else None


def _address(caller: dict[str, Any]) -> str | None:
    """The rendered address (:meth:`core.cases.case.Address.render`), or None if unusual."""
    address = caller.get("address", {})
    if type(address) is not dict or not address.keys() <= _ADDRESS_KEY_SET:
        return None
    street, building, unit, room = (address.get(key, "") for key in _ADDRESS_KEYS)
    if not (type(street) is str and type(building) is str and type(unit) is str
            and type(room) is str):
        return None
    return "".join((street, f"{building}栋" if building else "", f"{unit}单元" if unit else "",
                    f"{room}室" if room else ""))


def _item_words(items: object) -> list[str] | None:
    if type(items) is not list:
        return None
    words = []
    for item in items:
        if type(item) is not dict or not item.keys() <= _ITEM_KEYS:
            return None
        code, name = item.get("code"), item.get("name", "")
        quantity = item.get("quantity", 1)
        price = item.get("unit_price_fen", 0)
        if not (type(code) is str and type(name) is str
                and type(quantity) in (int, float) and quantity >= 0
                and type(price) is int):
            return None
        words.append(name or code)
    return words


def _latest_event(history: object, created: datetime) -> datetime | None:
    """The time of the latest event (:attr:`core.cases.case.Case.updated`), or None."""
    if type(history) is not list:
        return None
    latest: datetime | None = None
    for event in history:
        if type(event) is not dict or not event.keys() <= _EVENT_KEYS:
            return None
        moment = event.get("time")
        if not (_aware(moment) and type(event.get("operator")) is str
                and _one_of(event, "action", _ACTIONS, "") is not None
                and type(event.get("note", "")) is str
                and type(event.get("department", "")) is str
                and type(event.get("step", "")) is str
                and ("status" not in event or _one_of(event, "status", _STATUSES, "") is not None)
                and ("evaluation" not in event
                     or _one_of(event, "evaluation", _EVALUATIONS, "") is not None)):
            return None
        assert isinstance(moment, datetime)
        if latest is None or moment > latest:
            latest = moment
    return created if latest is None else latest


def fast_row(data: dict[str, Any], path: str) -> tuple[object, ...] | None:
    """The index row (:func:`core.cases.indexing.row_values`) of the case file at ``path``
    (relative to ``cases/``) that parsed to ``data``; None when the full decode must decide."""
    if not data.keys() <= _CASE_KEYS or any(key not in data for key in _REQUIRED):
        return None
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        return None
    case_id, uid, created, created_by = (data["id"], data["uid"], data["created"],
                                         data["created_by"])
    if not (type(case_id) is str and CASE_ID_PATTERN.match(case_id)
            and path.rpartition("/")[2] == f"{case_id}.toml"
            and type(uid) is str and _aware(created) and type(created_by) is str):
        return None
    if not _CANONICAL_UUID.match(uid):
        try:
            uuid.UUID(uid)
        except ValueError:
            return None
    kind = _one_of(data, "kind", _KINDS, "")
    category = _one_of(data, "category", _CATEGORIES, "")
    status = _one_of(data, "status", _STATUSES, CaseStatus.ACCEPTED.value)
    priority = _one_of(data, "priority", _PRIORITIES, Priority.NORMAL.value)
    if kind is None or category is None or status is None or priority is None:
        return None
    if "evaluation" in data and _one_of(data, "evaluation", _EVALUATIONS, "") is None:
        return None
    community, household, department, description = (
        data.get(key, "") for key in ("community", "household", "department", "description"))
    if not (type(community) is str and (not community or CODE_PATTERN.match(community))
            and type(household) is str and type(department) is str
            and type(description) is str and len(description) <= MAX_DESCRIPTION):
        return None
    former_id = data.get("former_id")
    if former_id is not None and not (type(former_id) is str and CASE_ID_PATTERN.match(former_id)):
        return None
    revision = data.get("revision", 1)
    due, callback_due = data.get("due"), data.get("callback_due")
    if (type(revision) is not int or (due is not None and not _aware(due))
            or (callback_due is not None and not _aware(callback_due))):
        return None
    caller = data.get("caller", {})
    if type(caller) is not dict or not caller.keys() <= _CALLER_KEYS:
        return None
    name, phone = caller.get("name", ""), caller.get("phone", "")
    address = _address(caller)
    if (address is None or type(name) is not str or type(phone) is not str
            or (phone and not PHONE_PATTERN.match(phone))):
        return None
    flags = data.get("flags", [])
    if type(flags) is not list or not all(type(f) is str and f in _FLAGS for f in flags):
        return None
    words = _item_words(data.get("items", []))
    updated = _latest_event(data.get("history", []), created)
    if words is None or updated is None:
        return None
    phone = normalize_phone(phone)
    parts = (case_id, former_id or "", phone, name, address, community, department, description,
             *_CATEGORY_WORDS[category], created_by, *words)
    return (
        case_id, uid, path, path.rpartition("/")[0], utc_text(created), utc_text(updated),
        status, kind, category, priority, community, department, phone, name, address,
        "," + ",".join(sorted(set(flags))) + ",",
        utc_text(due) if due is not None else None,
        utc_text(callback_due) if callback_due is not None else None,
        int(status not in _CLOSED), created_by, revision,
        " ".join(p for p in parts if p).lower(),
    )
