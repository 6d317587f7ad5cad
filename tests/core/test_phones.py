"""Phone numbers: one normal form for storage, search and matching; Chinese numbers validated."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.cases.case import Address, Caller, Category
from core.cases.index import Query, search_terms
from core.cases.store import encode_case
from core.phones import InvalidPhone, PhoneKind, check_caller_phone, normalize_phone, phone_kind
from tests.core.test_cases import T0


@pytest.mark.parametrize(("typed", "stored"), [
    ("13800000001", "13800000001"),
    ("138 0000 0001", "13800000001"),
    ("138-0000-0001", "13800000001"),
    ("138.0000.0001", "13800000001"),
    ("+86 138 0000 0001", "13800000001"),
    ("+86-13800000001", "13800000001"),
    ("0086 13800000001", "13800000001"),
    ("8613800000001", "13800000001"),
    ("0551-62881234", "055162881234"),
    ("(0551) 6288 1234", "055162881234"),
    ("+86 551 62881234", "055162881234"),
    ("010-12345678", "01012345678"),
    ("12345", "12345"),
    ("95598", "95598"),
    ("0351-95598", "035195598"),
    ("", ""),
])
def test_every_way_of_writing_a_number_is_stored_as_one(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored
    assert check_caller_phone(typed) == stored


@pytest.mark.parametrize(("typed", "kind"), [
    ("13912345678", PhoneKind.MOBILE), ("19912345678", PhoneKind.MOBILE),
    ("0551-62881234", PhoneKind.LANDLINE), ("021-6288123", PhoneKind.LANDLINE),
    ("110", PhoneKind.SERVICE), ("12345", PhoneKind.SERVICE), ("10086", PhoneKind.SERVICE),
    ("400-812-3123", PhoneKind.SERVICE),
])
def test_kinds_of_chinese_numbers(typed: str, kind: PhoneKind) -> None:
    assert phone_kind(typed) is kind


@pytest.mark.parametrize(("typed", "en", "zh"), [
    ("abc-12!!", "digits, spaces", "只能包含数字"),
    ("12", "11-digit mobile", "11位手机号码"),
    ("1380000000", "this has 10", "这里有10位"),
    ("138000000012", "this has 12", "这里有12位"),
    ("12800000000", "starting 13 to 19", "以13至19开头"),
    ("0551-1234", "area code", "区号"),
    ("5551234", "11-digit mobile", "服务号码"),
])
def test_a_wrong_number_is_explained_in_both_languages(typed: str, en: str, zh: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        check_caller_phone(typed)
    assert caught.value.field == "phone"
    assert en in caught.value.explain("en") and repr(typed) in caught.value.explain("en")
    assert zh in caught.value.explain("zh") and typed in caught.value.explain("zh")


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"), st.sampled_from(["", " ", "-", "."]),
       st.sampled_from(["", "+86 ", "+86-", "0086", "86"]))
def test_a_mobile_in_any_format_normalizes_to_its_eleven_digits(
        number: str, separator: str, prefix: str) -> None:
    typed = prefix + separator.join([number[:3], number[3:7], number[7:]])
    assert normalize_phone(typed) == number
    assert phone_kind(typed) is PhoneKind.MOBILE


def test_a_new_case_stores_the_normalized_number_and_refuses_a_wrong_one(
        empty_desk: core.Desk) -> None:
    case = empty_desk.cases.create(Category.GROCERIES, operator="wang", created=T0,
                                   caller=Caller("张桂兰", "+86 138-0000-0001"))
    assert case.caller.phone == "13800000001"
    assert 'phone = "13800000001"' in empty_desk.cases.path_for(case.id).read_text("utf-8")
    with pytest.raises(InvalidPhone):
        empty_desk.cases.create(Category.GROCERIES, operator="wang", created=T0,
                                caller=Caller("张桂兰", "1380000000"))


def test_search_finds_a_landline_however_it_is_typed(empty_desk: core.Desk) -> None:
    store = empty_desk.cases
    case = store.create(Category.WATER_OUTAGE, operator="wang", created=T0,
                        caller=Caller("王秀英", "0551-62881234", Address("和平路")))
    assert case.caller.phone == "055162881234"
    for typed in ("0551-62881234", "055162881234", "0551 62881234", "(0551)62881234",
                  "+86 551 62881234"):
        assert [r.id for r in store.query(Query(phone=typed))] == [case.id], typed
    for typed in ("0551-62881234", "055162881234", "6288-1234", "0551-6288"):
        assert [r.id for r in store.query(Query(text=typed))] == [case.id], typed
    assert store.query(Query(text="0551-62889999")) == []
    # a case id is a word with a dash too: it still matches as typed
    assert [r.id for r in store.query(Query(text=case.id))] == [case.id]


def test_search_terms_offer_the_digits_of_a_phone_like_word() -> None:
    assert search_terms("0551-62881234 王") == [("0551-62881234", "055162881234"), ("王",)]
    assert search_terms("20261123-0001") == [("20261123-0001", "202611230001")]
    assert search_terms("和平路 3") == [("和平路",), ("3",)]


def test_an_old_case_file_with_another_format_loads_and_is_found_untouched(
        empty_desk: core.Desk) -> None:
    store = empty_desk.cases
    case = store.create(Category.GROCERIES, operator="wang", created=T0,
                        caller=Caller("张桂兰", "13800000001"))
    path: Path = store.path_for(case.id)
    old = attrs.evolve(case, caller=Caller("张桂兰", "+86 138-0000-0001"))
    path.write_bytes(encode_case(old))
    before = path.read_bytes()
    store.refresh()
    assert store.get(case.id).caller.phone == "+86 138-0000-0001"
    assert [r.id for r in store.query(Query(phone="138 0000 0001"))] == [case.id]
    assert [r.id for r in store.query(Query(text="13800000001"))] == [case.id]
    assert path.read_bytes() == before


def test_every_phone_of_the_demo_desk_is_a_valid_number(demo_desk: core.Desk) -> None:
    phones = [r.phone for h in demo_desk.households.values() for r in h.residents]
    phones += [h.phone for h in demo_desk.households.values()]
    phones += [d.phone for d in demo_desk.departments.values()]
    phones += [s.phone for s in demo_desk.supermarkets.values()]
    phones += [c.caller.phone for c in demo_desk.cases]
    wrong = [p for p in phones if p and phone_kind(p) is None]
    assert wrong == [] and len(phones) > 500
