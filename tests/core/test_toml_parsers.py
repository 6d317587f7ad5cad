"""The compiled TOML parser reads every document exactly as ``tomllib`` does.

``core.storage.tomlio.loads`` parses with ``toml-rs`` when it is installed and falls back to
``tomllib``; a desk must not read differently depending on which one ran. Values are compared
strictly: same types (a ``date`` is not a ``datetime``), same offsets, NaN equal to NaN.
"""

from __future__ import annotations

import math
import tomllib
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.storage import tomlio, tomlwrite

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "desk"


def compiled(text: str) -> dict[str, Any]:
    assert tomlio._compiled_loads is not None, "toml-rs is a dependency: it must be importable"
    return tomlio._compiled_loads(text, toml_version="1.0.0")


def same(a: object, b: object) -> bool:
    """Equal values of the same types, offsets included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        assert isinstance(b, float)
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, datetime | time):
        assert isinstance(b, datetime | time)
        return a == b and a.utcoffset() == b.utcoffset() and repr(a) == repr(b)
    return a == b


def test_every_file_of_the_demo_desk_reads_the_same() -> None:
    files = sorted(FIXTURES.rglob("*.toml"))
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert same(compiled(text), tomllib.loads(text)), path


keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
               max_size=8)
offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
scalars = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(UTC), offsets)),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)
documents = st.dictionaries(keys, values, max_size=6)


@given(documents)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_documents_as_the_desk_writes_them_read_the_same(data: dict[str, Any]) -> None:
    text = tomlwrite.dumps(tomlio.drop_none(data))
    expected = tomllib.loads(text)
    assert same(compiled(text), expected)
    assert same(tomlio.loads(text), expected)


@given(documents, st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_damaged_documents_are_refused_or_read_the_same(data: dict[str, Any],
                                                        draw: st.DataObject) -> None:
    """A document with a character inserted, dropped or changed: where ``tomllib`` refuses it,
    ``loads`` refuses it with ``tomllib``'s message; where it reads it, the same values."""
    text = tomlwrite.dumps(tomlio.drop_none(data))
    at = draw.draw(st.integers(0, len(text)))
    glyph = draw.draw(st.sampled_from(list("[]{}\"'=.,#\n\\ -:+tfeE0_")))
    how = draw.draw(st.sampled_from(["insert", "drop", "change"]))
    if how == "insert":
        text = text[:at] + glyph + text[at:]
    elif how == "drop":
        text = text[:at] + text[at + 1:]
    else:
        text = text[:at] + glyph + text[at + 1:]
    try:
        expected: dict[str, Any] | str = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        expected = str(exc)
    try:
        got: dict[str, Any] | str = tomlio.loads(text)
    except tomllib.TOMLDecodeError as exc:
        got = str(exc)
    assert same(got, expected)


@pytest.mark.parametrize("text", [
    "a = {b = 1,}",  # TOML 1.1's trailing comma: tomllib (TOML 1.0) refuses it
    "a = {\nb = 1}",
    'a = "\\e"',
    "a = 2026-08-01 00:23",  # a time without seconds
    "a = 1\na = 2",
])
def test_what_toml_1_1_allows_is_refused_as_tomllib_refuses_it(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError) as ours:
        tomlio.loads(text)
    assert str(ours.value) == str(caught.value)


def test_deep_nesting_never_reaches_the_compiled_parser() -> None:
    """It recurses on the C stack and would crash the process; tomllib raises instead."""
    text = "a = " + "[" * 20_000 + "]" * 20_000
    data, _text, problems = tomlio.parse_toml(Path("deep.toml"), text.encode())
    assert data is None and "nested" in problems[0].message


def test_the_compiled_parser_is_the_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = tomlio._compiled_loads
    assert real is not None

    def counting(text: str, **options: Any) -> dict[str, Any]:
        calls.append(text)
        return real(text, **options)

    monkeypatch.setattr(tomlio, "_compiled_loads", counting)
    assert tomlio.loads("a = 1") == {"a": 1}
    assert calls == ["a = 1"]
    monkeypatch.setattr(tomlio, "_compiled_loads", None)
    assert same(tomlio.loads("a = 2026-08-01"), {"a": date(2026, 8, 1)})
