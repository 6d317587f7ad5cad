"""No recorded session types a real-looking phone number.

The recordings are read by the keys they replay, not by the file's text: a phone typed key by key
is spread over eleven ``[[key]]`` tables, so the characters typed into each field are put back
together (backspace included) and searched. A mobile number is any 11 digits starting 13-19,
however they are grouped; the only ones allowed are the made-up block of the demo desk
(``FAKE_PHONE_BLOCK`` in ``fixtures/make_demo_desk.py``, 1380000xxxx).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.replay.conftest import SESSIONS
from tui.recording import KeyPress, Recording, load_recording, sessions_in

RECORDINGS = sessions_in(SESSIONS)
MAKE_DEMO_DESK = SESSIONS.parent / "make_demo_desk.py"
TEST_BLOCK = "1380000"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
#: what may sit between the digits of a phone written by a person
GROUPING = re.compile(r"(?<=\d)[ \t\u00a0\u3000.\-()（）－]+(?=\d)")  # not a new stretch
#: China's country code before a number (+86, 0086)
COUNTRY = re.compile(r"(?:\+|\b00)86")


def typed_text(keys: tuple[KeyPress, ...]) -> dict[str, str]:
    """What was typed into each field (``""``: no field recorded), one line per stretch."""
    typed: dict[str, list[str]] = {}
    for press in keys:
        buffer = typed.setdefault(press.field, [])
        if press.paste is not None:
            buffer.append(press.paste)
        elif press.key == "backspace":
            if buffer and buffer[-1] != "\n":
                buffer.pop()
        elif press.character is not None and press.character.isprintable():
            buffer.append(press.character)
        else:  # enter, tab, escape, a shortcut: whatever comes next is a new stretch
            buffer.append("\n")
    return {field: "".join(chars) for field, chars in typed.items()}


def real_looking_phones(recording: Recording) -> list[str]:
    found = []
    for text in typed_text(recording.keys).values():
        for number in MOBILE.findall(GROUPING.sub("", COUNTRY.sub(" ", text))):
            if not number.startswith(TEST_BLOCK):
                found.append(number)
    return found


def test_the_allowed_block_is_the_demo_desks() -> None:
    assert f'FAKE_PHONE_BLOCK = "{TEST_BLOCK}"' in MAKE_DEMO_DESK.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", RECORDINGS, ids=[p.stem for p in RECORDINGS])
def test_no_recording_types_a_real_looking_phone(path: Path) -> None:
    assert real_looking_phones(load_recording(path)) == []


def test_the_check_reads_keys_as_typed() -> None:
    def keys(*pressed: str, field: str = "phone") -> tuple[KeyPress, ...]:
        return tuple(KeyPress(t=n / 10, key=k, field=field) for n, k in enumerate(pressed))

    typed = Recording.__new__(Recording)
    object.__setattr__(typed, "key", keys(*"1391234", "backspace", *"45678"))
    assert real_looking_phones(typed) == ["13912345678"]
    object.__setattr__(typed, "key", keys(*"139 1234.5678"))
    assert real_looking_phones(typed) == ["13912345678"]
    object.__setattr__(typed, "key", (KeyPress(t=0, paste="回电+86 139-1234-5678"),))
    assert real_looking_phones(typed) == ["13912345678"]
    object.__setattr__(typed, "key", keys(*"13800000022", "enter", *"13800009001"))
    assert real_looking_phones(typed) == []
    object.__setattr__(typed, "key", keys(*"139123", "tab", *"45678"))  # two fields' worth
    assert real_looking_phones(typed) == []
