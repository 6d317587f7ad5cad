"""Chinese phone numbers (电话号码): one normal form for storing, searching and matching callers.

Callers give their numbers in many shapes: ``138 0000 0001``, ``138-0000-0001``,
``+86 138 0000 0001``, ``86 13800000001``, ``0551-62881234``, ``(0551) 6288.1234``. They are all
kept, searched and compared as the digits a desk phone would dial (:func:`normalize_phone`):
``13800000001``, ``055162881234``. Files written before this rule keep whatever they hold; their
numbers are normalized when they are read for searching, never rewritten.

:func:`check_caller_phone` knows what a Chinese number looks like: a mobile (``1[3-9]`` and nine
more digits), a landline with its area code (``0``, two or three digits, then seven or eight), or
a short service number (``110``, ``12345``, ``95598``, ``10086``, ``400``/``800`` numbers). Its
:class:`InvalidPhone` says what is wrong in Chinese and in English.
"""

from __future__ import annotations

import enum
import re

from core.problems import InvalidField

#: what may separate a number's digit groups
_SEPARATORS = re.compile(r"[\s\-.()（）]+")
_TYPED = re.compile(r"^(\+|00)?[0-9]+$")

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}[2-9][0-9]{6,7}$")
SERVICE = re.compile(
    r"^(?:1[12][0-9]"  # 110, 119, 120, 122
    r"|12[0-9]{3}"  # 12345, 12315, 12319 ... (government hotlines)
    r"|10[0-9]{3}"  # 10086, 10010, 10000 (carriers)
    r"|9[56][0-9]{3,4}"  # 95598, 95588, 96xxx (utilities, banks)
    r"|[48]00[0-9]{7})$"  # 400 and 800 numbers
)
#: a service number dialled with an area code in front, e.g. 0351-95598
AREA_SERVICE = re.compile(r"^0[1-9][0-9]{1,2}(?:9[56][0-9]{3,4}|12[0-9]{3})$")


class PhoneKind(enum.StrEnum):
    MOBILE = "mobile"  # 手机
    LANDLINE = "landline"  # 固定电话
    SERVICE = "service"  # 服务号码


def normalize_phone(text: str) -> str:
    """The number as the digits to dial within China; ``""`` for nothing typed.

    Spaces, dashes, dots and brackets go; a country code ``+86``/``0086`` goes (and a landline
    written after it gets its trunk ``0`` back: ``+86 551 62881234`` is ``055162881234``); a
    bare leading ``86`` goes only in front of a mobile number (``8613800000001``). Anything else
    (letters, a ``+`` in the middle) is kept as typed, so that validation can point at it.
    """
    compact = _SEPARATORS.sub("", text.strip())
    if not _TYPED.match(compact):
        return compact
    digits = compact.lstrip("+")
    international = compact.startswith("+") or compact.startswith("00")
    if compact.startswith("00"):
        digits = compact[2:]
    if international:
        if digits.startswith("86"):
            national = digits[2:]
            if national and not national.startswith(("0", "1", "4", "8", "9")):
                national = "0" + national  # a landline's area code, written without its 0
            return national
        return compact  # a foreign number: kept as typed
    if len(digits) == 13 and digits.startswith("86") and MOBILE.match(digits[2:]):
        return digits[2:]
    return digits


def phone_kind(text: str) -> PhoneKind | None:
    """What kind of Chinese number ``text`` is once normalized; None if it is none."""
    digits = normalize_phone(text)
    if MOBILE.match(digits):
        return PhoneKind.MOBILE
    if LANDLINE.match(digits):
        return PhoneKind.LANDLINE
    if SERVICE.match(digits) or AREA_SERVICE.match(digits):
        return PhoneKind.SERVICE
    return None


class InvalidPhone(InvalidField):
    """A caller's number that is not a Chinese phone number, explained in both languages."""

    def __init__(self, field: str, value: str, message_zh: str, message_en: str) -> None:
        super().__init__(field, f"{value!r}: {message_en}")
        self.value = value
        self.message_zh = message_zh
        self.message_en = message_en

    def explain(self, lang: str = "zh") -> str:
        if lang == "en":
            return f"{self.value!r} is not a phone number: {self.message_en}"
        return f"“{self.value}”不是有效的电话号码：{self.message_zh}"


def check_caller_phone(text: str, field: str = "phone") -> str:
    """The normalized number, or :class:`InvalidPhone` saying what is wrong; ``""`` is allowed
    (a caller may not give a number)."""
    digits = normalize_phone(text)
    if not digits:
        return ""
    if not digits.isdigit():
        raise InvalidPhone(
            field, text, "只能包含数字、空格、“-”和开头的“+86”",
            "use digits, spaces, '-' and a leading '+86' only")
    if phone_kind(digits) is not None:
        return digits
    if digits.startswith("1") and len(digits) > 5:
        raise InvalidPhone(
            field, text, f"手机号码是以13至19开头的11位数字，这里有{len(digits)}位",
            f"a mobile number has 11 digits starting 13 to 19, this has {len(digits)}")
    if digits.startswith("0"):
        raise InvalidPhone(
            field, text, "固定电话需区号加7至8位号码，如 0551-62881234",
            "a landline needs its area code and 7 or 8 digits, e.g. 0551-62881234")
    raise InvalidPhone(
        field, text, "应为11位手机号码、带区号的固定电话或 12345 这样的服务号码",
        "expected an 11-digit mobile, a landline with its area code, or a service number "
        "such as 12345")
