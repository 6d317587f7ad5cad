"""Open311 GeoReport v2 export: the desk's cases as a public feed of service requests.

Every record carries every field of the GeoReport v2 service request list, in the spec's order
(a value the desk does not have is ``null``)::

    service_request_id   the case id (20261123-0042)
    status               "open" or "closed": resolved, called back and evaluated are closed
    status_notes         the status in words (已派单 / dispatched) and the department holding it;
                         never the operators' notes, which may name people
    service_name         the category's name in the feed's language (慢性病购药 / Chronic ...)
    service_code         the category code (chronic_medicine)
    description          the caller's description with personal data masked (see below)
    agency_responsible   the department's name (区卫生健康局), else its code
    service_notice       the time limit of the case's kind under the desk's SLA rules
    requested_datetime   the intake time, ISO 8601 with offset
    updated_datetime     the time of the last history event, ISO 8601 with offset
    expected_datetime    the due time while open, else null; ISO 8601 with offset
    address              street office and community (长风街道锦绣社区; in English the
                         community and district, ``Jinxiu, Hexi District``): never the building,
                         unit or room, which with a case's category can point at one household
    address_id           the community code
    zipcode              null (the desk holds no postcodes)
    lat, long            null (the desk holds no coordinates)
    media_url            null (the desk holds no media)

**Personal data.** GeoReport v2 is meant for public feeds, so no caller's name, phone number or
exact address is written, nor priority-people flags, household ids or operator names. The free-text
description is the one field that may still carry them: the caller's own name, the names of the
residents of the case's household, every run of 7 or more digits however it is grouped (phone
numbers such as ``139.1234.5678``, ``+86 139-1234-5678``, ids) and every room with what leads to
it (``3栋2单元401``, ``3号楼2单元401室``, ``3-2-401``, ``401室``, ``Room 401``) are replaced by
``***``. A building or unit without a room (``3号楼2单元``) is kept: it names many households.
That masking cannot catch a name it does not know, so review a feed before publishing it, or
export with ``descriptions=False``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from core.cases.case import Case, CaseKind, Category
from core.cases.index import Query
from core.names import STATUS_NAMES

if TYPE_CHECKING:
    from core.desk import Desk

#: the GeoReport v2 service request fields, in the spec's order
FIELDS: tuple[str, ...] = (
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
)
#: fields that must hold a value in every record this desk writes
REQUIRED: tuple[str, ...] = ("service_request_id", "status", "service_code", "service_name",
                             "requested_datetime", "updated_datetime")
DATETIME_FIELDS: tuple[str, ...] = ("requested_datetime", "updated_datetime",
                                    "expected_datetime")
STATUSES = frozenset({"open", "closed"})
MASK = "***"
#: a digit run, grouped by spaces, dots, dashes or brackets (half- or full-width)
_DIGITS = re.compile(r"\+?[(（]?\d[\d \u00a0\u3000.．\-－()（）]{5,}\d")
_BUILDING = r"\d+\s*(?:号楼|栋|幢|座|号)"
_UNIT = r"\d+\s*(?:单元|门)"
_ROOM_WORD = r"(?:\s*(?:室|号|房|户))?"
_SEPARATOR = r"[\s,，、\-－]*"
#: a room: after a unit (and building), after a building, named 室/房, or building-unit-room
_ROOMS = re.compile(
    rf"(?:{_BUILDING}{_SEPARATOR})?{_UNIT}{_SEPARATOR}\d+{_ROOM_WORD}"
    rf"|{_BUILDING}{_SEPARATOR}\d{{3,4}}{_ROOM_WORD}"
    r"|\d+\s*(?:室|房间|房)"
    r"|(?<![\d.])\d{1,3}\s*[-－]\s*\d{1,2}\s*[-－]\s*\d{2,4}(?![\d.])"
    r"|(?i:\b(?:room|rm|apt|flat)\.?\s*#?\s*\d+)"
)


Progress = Callable[[int, int], None]


def mask_personal(text: str, names: Sequence[str]) -> str:
    """``text`` with the given names, digit runs of 7 or more digits and rooms as ``***``."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, MASK)
    text = _DIGITS.sub(lambda m: MASK if sum(c.isdigit() for c in m.group()) >= 7
                       else m.group(), text)
    return _ROOMS.sub(MASK, text)


def _hours(value: float) -> str:
    return f"{value:g}"


def service_notice(desk: Desk, case: Case, lang: str) -> str:
    rules = desk.settings.sla
    zh = lang == "zh"
    if case.kind is CaseKind.COMPLAINT:
        text = (f"投诉{_hours(rules.complaint_days)}日内办结" if zh
                else f"complaints are handled within {_hours(rules.complaint_days)} days")
    elif case.kind is CaseKind.REQUEST:
        text = (f"需求{_hours(rules.request_hours)}小时内办结" if zh
                else f"requests are handled within {_hours(rules.request_hours)} hours")
    elif case.kind is CaseKind.RUMOUR:
        text = (f"不实信息{_hours(rules.rumour_hours)}小时内核实" if zh
                else f"rumour reports are checked within {_hours(rules.rumour_hours)} hours")
    else:
        text = (f"咨询{_hours(rules.inquiry_hours)}小时内答复" if zh
                else f"inquiries are answered within {_hours(rules.inquiry_hours)} hours")
    return text


def service_request(desk: Desk, case: Case, *, lang: str = "zh",
                    descriptions: bool = True) -> dict[str, Any]:
    """One case as a GeoReport v2 service request (see the module's documentation)."""
    zh = lang == "zh"
    department = desk.departments.get(case.department)
    agency = (department.name if zh else department.name_en) if department else case.department
    status = STATUS_NAMES[case.status]
    if zh:
        notes = status.zh + (f"，承办：{agency}" if agency else "")
    else:
        notes = status.en + (f", with {agency}" if agency else "")
    community = desk.communities.get(case.community)
    address: str | None
    if community is not None:
        district = desk.districts.get(community.district)
        address = (f"{community.street}{community.name}" if zh
                   else ", ".join(p for p in (community.name_en,
                                               district.name_en if district else "") if p))
    else:
        address = case.caller.address.street or None
    description: str | None = None
    if descriptions:
        names = [case.caller.name]
        household = desk.households.get(case.household)
        if household is not None:
            names.extend(r.name for r in household.residents)
        description = mask_personal(case.description, names)
    info = case.category.info
    return {
        "service_request_id": case.id,
        "status": case.status.open311,
        "status_notes": notes,
        "service_name": info.name if zh else info.name_en,
        "service_code": case.category.value,
        "description": description,
        "agency_responsible": agency or None,
        "service_notice": service_notice(desk, case, lang),
        "requested_datetime": case.created.isoformat(),
        "updated_datetime": case.updated.isoformat(),
        "expected_datetime": case.due.isoformat() if case.is_open and case.due else None,
        "address": address,
        "address_id": case.community or None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def export_cases(desk: Desk, since: datetime | None = None,
                 until: datetime | None = None) -> list[str]:
    """The paths of the case files requested in ``[since, until)``, oldest first."""
    desk.cases.refresh()
    rows = desk.cases.query(Query(since=since))
    chosen = [r for r in rows if until is None or r.created < until]
    chosen.reverse()
    return [r.path for r in chosen]


def service_requests(
    desk: Desk,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    lang: str = "zh",
    descriptions: bool = True,
    progress: Progress | None = None,
) -> Iterator[dict[str, Any]]:
    """The service requests of the cases requested in ``[since, until)``, oldest first.

    ``progress(done, total)`` is called as files are read (at most about 200 times).
    Files that cannot be read are skipped; ``baogong check`` lists them.
    """
    paths = export_cases(desk, since, until)
    total = len(paths)
    step = max(1, total // 200)
    for done, path in enumerate(paths, start=1):
        case, _problems = desk.cases.load(Path(path))
        if case is not None:
            yield service_request(desk, case, lang=lang, descriptions=descriptions)
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    if progress is not None and total == 0:
        progress(0, 0)


def write_json_array(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """Write ``records`` to ``out`` as a JSON array, one record a line; returns how many."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def validate_request(record: dict[str, Any]) -> list[str]:
    """What is wrong with ``record`` as a GeoReport v2 service request from this desk."""
    errors: list[str] = []
    missing = [f for f in FIELDS if f not in record]
    if missing:
        errors.append(f"missing fields: {', '.join(missing)}")
    extra = sorted(set(record) - set(FIELDS))
    if extra:
        errors.append(f"fields not in GeoReport v2: {', '.join(extra)}")
    for field in REQUIRED:
        if record.get(field) in (None, ""):
            errors.append(f"{field} is empty")
    if record.get("status") not in STATUSES:
        errors.append(f"status {record.get('status')!r} is not open or closed")
    if record.get("service_code") is not None and record["service_code"] not in {
            c.value for c in Category}:
        errors.append(f"unknown service_code {record['service_code']!r}")
    for field in DATETIME_FIELDS:
        value = record.get(field)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append(f"{field} {value!r} is not ISO 8601")
            continue
        if moment.utcoffset() is None:
            errors.append(f"{field} {value!r} has no UTC offset")
    return errors
