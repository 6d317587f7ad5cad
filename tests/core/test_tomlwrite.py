"""The fast TOML writer writes exactly what tomli-w writes, so files look the same whoever wrote
them, and what it writes reads back as the data."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import tomli_w
from hypothesis import assume, given
from hypothesis import strategies as st

from core.storage.tomlio import drop_none
from core.storage.tomlwrite import dumps

ROOT = Path(__file__).resolve().parents[2]

keys = st.text(min_size=1, max_size=12)
scalars = (st.none() | st.text(max_size=40) | st.integers(-2**63, 2**63 - 1) | st.booleans()
           | st.floats(allow_nan=False, allow_infinity=False) | st.dates()
           | st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))])))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12)
tables = st.dictionaries(keys, values | st.lists(st.dictionaries(keys, values, max_size=5),
                                                 min_size=1, max_size=4), max_size=6)


@given(tables)
def test_it_writes_what_tomli_w_writes(data: dict[str, object]) -> None:
    """A ``None`` in a table is left out (TOML has no null); in an array it is refused."""
    try:
        expected = tomli_w.dumps(drop_none(data), multiline_strings=True)
    except TypeError:
        with pytest.raises(TypeError):
            dumps(data)
        return
    assert dumps(data) == expected


@given(tables)
def test_what_it_writes_reads_back(data: dict[str, object]) -> None:
    assume("\\r" not in repr(data))  # a CR LF in a multi-line string is written as LF
    try:
        text = dumps(data)
    except TypeError:  # a None in an array
        return
    assert tomllib.loads(text) == drop_none(data)


def test_every_file_of_the_demo_desk_is_written_as_before() -> None:
    for path in sorted((ROOT / "fixtures" / "desk").rglob("*.toml"))[:400]:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert dumps(data) == tomli_w.dumps(data, multiline_strings=True), path


def test_strings_with_newlines_tabs_quotes_and_controls() -> None:
    data = {"a": "一\n二\r\n三\t\"四\"\\\x01\x7f", "b": "\r", "c d": ["x\ny"],
            "e": date(2026, 12, 2), "f": datetime(2026, 12, 2, 8, tzinfo=UTC)}
    assert dumps(data) == tomli_w.dumps(data, multiline_strings=True)
