"""Records put in time order, ties broken by their ids' order, however the ids' keys are made."""

from __future__ import annotations

from typing import NamedTuple

from hypothesis import given
from hypothesis import strategies as st

from core.ledger.records import by_time_and_id, id_key


class _Timed(NamedTuple):
    id: str
    at: float
    place: int


record_id = st.builds(
    lambda site, day, batch, place: f"{site}{day}-{batch:04d}-{place}",
    st.sampled_from(["", "HX-", "AB-"]), st.sampled_from(["20261116", "20261117"]),
    st.integers(1, 12), st.integers(1, 12))


@given(st.lists(st.tuples(record_id, st.sampled_from([0.0, 1.5, 2.0, 1e9])), max_size=40))
def test_time_then_id_as_a_full_sort_orders_them(pairs: list[tuple[str, float]]) -> None:
    items = [_Timed(i, at, place) for place, (i, at) in enumerate(pairs)]
    # the place tells equal keys apart: both keep them in the order given
    assert by_time_and_id(items) == sorted(items, key=lambda x: (x.at, id_key(x.id)))
    assert by_time_and_id(iter(items)) == by_time_and_id(items)
