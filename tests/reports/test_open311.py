"""The Open311 GeoReport v2 feed: every record checked against the field list; no personal data."""

from __future__ import annotations

import io
import json
from datetime import datetime

import attrs
import pytest

import core
from core.reports import (
    OPEN311_FIELDS,
    mask_personal,
    service_requests,
    validate_request,
    write_json_array,
)
from tests.reports.conftest import SmallDesk, at

SPEC_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
]


def feed(desk: core.Desk, **options: object) -> list[dict[str, object]]:
    out = io.StringIO()
    write_json_array(service_requests(desk, **options), out)  # type: ignore[arg-type]
    records: list[dict[str, object]] = json.loads(out.getvalue())
    return records


def check_record(record: dict[str, object]) -> None:
    """The test's own reading of GeoReport v2, independent of validate_request."""
    assert list(record) == SPEC_FIELDS
    for field in ("service_request_id", "status", "service_code", "service_name",
                  "requested_datetime"):
        assert record[field], field
    assert record["status"] in {"open", "closed"}
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        value = record[field]
        if field != "expected_datetime":
            assert value is not None
        if value is not None:
            assert isinstance(value, str)
            moment = datetime.fromisoformat(value)
            assert moment.utcoffset() is not None, f"{field} {value} has no offset"
    assert record["lat"] is None and record["long"] is None


def test_field_list_is_the_spec() -> None:
    assert list(OPEN311_FIELDS) == SPEC_FIELDS


def test_every_record_of_the_demo_desk(demo_desk: core.Desk) -> None:
    records = feed(demo_desk)
    assert len(records) == 236
    for record in records:
        check_record(record)
        assert validate_request(record) == [], record["service_request_id"]
    statuses = {r["status"] for r in records}
    assert statuses == {"open", "closed"}
    ids = [r["service_request_id"] for r in records]
    assert ids == sorted(ids, key=lambda i: str(i))  # oldest first


def test_small_desk_mapping(small: SmallDesk) -> None:
    records = {r["service_request_id"]: r for r in feed(small.desk)}
    c1 = records[small.ids["C1"]]
    assert c1["status"] == "closed" and c1["service_code"] == "groceries"
    assert c1["service_name"] == "生活物资" and c1["agency_responsible"] == "区商务局"
    assert c1["expected_datetime"] is None  # closed
    assert c1["requested_datetime"] == "2026-11-20T09:10:00+08:00"
    assert c1["updated_datetime"] == "2026-11-20T15:00:00+08:00"
    assert c1["address"] == "长风街道锦绣社区" and c1["address_id"] == "a1"
    c2 = records[small.ids["C2"]]
    assert c2["status"] == "open" and c2["expected_datetime"] == "2026-11-23T10:05:00+08:00"
    assert c2["status_notes"] == "已派单，承办：区商务局"
    english = {r["service_request_id"]: r for r in feed(small.desk, lang="en")}
    assert english[small.ids["C2"]]["service_name"] == "Goods in short supply"
    assert english[small.ids["C2"]]["address"] == "Jinxiu, Hexi"


def test_no_personal_data(small: SmallDesk) -> None:
    text = json.dumps(feed(small.desk), ensure_ascii=False)
    for secret in ("张桂兰", "李建国", "王小明", "13912345678", "139 1234 5678", "13800000001",
                   "401", "elderly_alone", "wang", "zhao"):
        assert secret not in text, secret
    c3 = next(r for r in feed(small.desk) if r["service_request_id"] == small.ids["C3"])
    assert c3["description"] == "***反映楼下超市白菜涨价，回电 ***，***也知道"
    assert all(r["description"] is None for r in feed(small.desk, descriptions=False))


def test_mask_personal() -> None:
    assert mask_personal("王芳说 010-6601 2345 不通", ["王芳", ""]) == "***说 *** 不通"
    assert mask_personal("3号楼2单元，买5袋米", []) == "3号楼2单元，买5袋米"


@pytest.mark.parametrize(("text", "masked"), [
    ("回电139.1234.5678", "回电***"),
    ("回电 139 1234 5678。", "回电 ***。"),
    ("+86 139-1234-5678", "***"),
    ("+86.139.1234.5678", "***"),
    ("电话１３９１２３４５６７８", "电话***"),
    ("住3栋2单元401，独居", "住***，独居"),
    ("3号楼2单元401室漏水", "***漏水"),
    ("住在3-2-401", "住在***"),
    ("3栋 2单元 401", "***"),
    ("2单元501的老人", "***的老人"),
    ("401室没人接", "***没人接"),
    ("lives in Room 401", "lives in ***"),
    ("买5袋米和2桶油，共3件", "买5袋米和2桶油，共3件"),
    ("白菜从3.5元涨到4.2元", "白菜从3.5元涨到4.2元"),
    ("3号楼2单元的住户都缺米", "3号楼2单元的住户都缺米"),
])
def test_mask_phones_however_grouped_and_rooms(text: str, masked: str) -> None:
    assert mask_personal(text, []) == masked


def test_a_feed_holds_no_dotted_phone_nor_room(small: SmallDesk) -> None:
    store = small.desk.cases
    case = store.get(small.ids["C3"])
    store.save(case, attrs.evolve(case, description="住3栋2单元401，电话139.8765.4321，或3-2-402"))
    c3 = next(r for r in feed(small.desk) if r["service_request_id"] == small.ids["C3"])
    assert c3["description"] == "住***，电话***，或***"


def test_since_until_and_progress(small: SmallDesk) -> None:
    seen: list[tuple[int, int]] = []
    records = feed(small.desk, since=at(19, 0), until=at(20, 12),
                   progress=lambda done, total: seen.append((done, total)))
    assert [r["service_request_id"] for r in records] == [
        small.ids["C6"], small.ids["C1"], small.ids["C2"], small.ids["C3"]]
    assert seen[-1] == (4, 4)


def test_validate_request_finds_faults() -> None:
    record: dict[str, object] = {f: None for f in SPEC_FIELDS}
    record.update(service_request_id="x", status="pending", service_code="groceries",
                  service_name="n", requested_datetime="2026-11-20T09:00:00",
                  updated_datetime="yesterday", extra=1)
    errors = validate_request(record)
    assert any("not open or closed" in e for e in errors)
    assert any("requested_datetime" in e and "offset" in e for e in errors)
    assert any("updated_datetime" in e and "ISO 8601" in e for e in errors)
    assert any("extra" in e for e in errors)
