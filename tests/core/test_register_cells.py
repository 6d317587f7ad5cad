"""A workbook's cells as text: the column-at-a-time reading gives each cell the text it has on
its own, whatever mix of types a column holds."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core.registers.tabular import _cell_text, _texts

#: what python-calamine gives for a cell
CELLS = st.one_of(
    st.text(max_size=6), st.sampled_from(["", " 401 ", "1", "1.0", "是"]),
    st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, 1.0, 2.0**60, 1e20, 401.0, 0.5]),
    st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from([0, 1, 2**60, 10**20]),
    st.booleans(), st.none(), st.dates(), st.datetimes(), st.times(),
    st.timedeltas(max_value=timedelta(days=400), min_value=timedelta(days=-400)),
)


@given(st.lists(st.lists(CELLS, max_size=5), max_size=12))
def test_each_cell_reads_as_it_would_alone(rows: list[list[object]]) -> None:
    width = max(map(len, rows), default=0)
    expected = [tuple(_cell_text(cell) for cell in row) + ("",) * (width - len(row))
                for row in rows] if width else []
    assert _texts(rows) == expected


def test_equal_values_of_different_types_keep_their_own_text() -> None:
    """1 == 1.0 == True and 2**60 == 2.0**60 as keys, but not as text."""
    rows: list[list[object]] = [[1.0, 2.0**60, True, date(2024, 1, 1)],
                                [True, 2**60, 1, datetime(2024, 1, 1)],
                                [1, 2.0**60, 1.0, time(8, 0)]]
    assert _texts(rows) == [("1", "1.152921504606847e+18", "是", "2024-01-01"),
                            ("是", "1152921504606846976", "1", "2024-01-01 00:00:00"),
                            ("1", "1.152921504606847e+18", "1", "08:00:00")]
