"""``households.toml`` written straight from the records is byte for byte what the generic
writer makes of the converter's data, for any households."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.reference import Household, PriorityFlag, Resident
from core.registers.writing import household_data, households_text
from core.storage.convert import converter
from core.storage.tomlio import dumps

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
NAME = TEXT.filter(lambda t: t.strip() != "")
PHONE = st.sampled_from(["", "13800000001", "+86 351-7020101"])
RESIDENT = st.builds(Resident, name=NAME, phone=PHONE,
                     age=st.none() | st.integers(0, 120),
                     flags=st.frozensets(st.sampled_from(list(PriorityFlag))), note=TEXT)
HOUSEHOLD = st.builds(
    Household, id=st.from_regex(r"h[0-9]{4}", fullmatch=True),
    community=st.sampled_from(["jinxiu", "c001"]), building=TEXT, unit=TEXT, room=TEXT,
    phone=PHONE, residents=st.lists(RESIDENT, max_size=4).map(tuple))


@settings(max_examples=300)
@given(st.lists(HOUSEHOLD, min_size=1, max_size=5))
def test_households_text_is_what_the_generic_writer_writes(households: list[Household]) -> None:
    expected = dumps({"household": [converter.unstructure(h) for h in households]})
    written = households_text(households)
    if written is None:  # only households without residents are left to the generic writer
        assert not any(h.residents for h in households)
    else:
        assert written == expected


@given(HOUSEHOLD)
def test_household_data_is_the_converters(household: Household) -> None:
    assert household_data(household) == converter.unstructure(household)
