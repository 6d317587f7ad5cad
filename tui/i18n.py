"""Translations of the desk's user interface (界面语言): English source strings, Simplified Chinese.

The catalogue is the gettext file ``tui/locale/zh_CN/LC_MESSAGES/baogong.po``, read at run time
with Babel, so a translator edits one file and nothing needs compiling. The language can be
switched while the app runs: every label is looked up through :func:`_` when a screen is
composed or a line is drawn.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TypeVar

from babel.messages.pofile import read_po

from core import names
from core.cases.case import (
    MAX_DESCRIPTION,
    Action,
    CaseKind,
    CaseStatus,
    Category,
    Evaluation,
    Priority,
)
from core.levels.plans import Text
from core.levels.signals import Level
from core.problems import InvalidField
from core.reference import PriorityFlag

LANGUAGES = ("zh", "en")
_K = TypeVar("_K")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "baogong"

_language = "zh"
#: messages asked for in Chinese that the catalogue lacks (the tests check it stays empty)
missing: set[str] = set()


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """msgid -> translation for ``language`` (empty for English, the source language)."""
    if language == "en":
        return {}
    path = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        parsed = read_po(handle, locale="zh_CN", domain=DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in parsed
        if message.id and message.string and not message.fuzzy
    }


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _language = language


def language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` (English) in the current language."""
    if _language == "en":
        return message
    found = catalogue(_language).get(message)
    if found is None:
        missing.add(message)
        return message
    return found


def chinese(message: str) -> str:
    """The Chinese of ``message`` (a message, or the label of a domain name) whatever the current
    language, for pinyin search keys."""
    return catalogue("zh").get(message) or _DOMAIN_CHINESE.get(message, "")


def choose_language(requested: str | None, desk_locale: str | None) -> str:
    """The --lang option wins, then the desk's setting, then the environment's locale."""
    if requested in LANGUAGES:
        return str(requested)
    if desk_locale:
        return "zh" if desk_locale.startswith("zh") else "en"
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "zh"


# --- names of domain values: core.names, shown as labels --------------------------------------


def _label(text: str) -> str:
    """core's English name as a label: ``in progress`` -> ``In progress``."""
    return text[:1].upper() + text[1:]


def _labels(table: Mapping[_K, Text]) -> dict[_K, str]:
    return {key: _label(name.en) for key, name in table.items()}


#: English labels of the domain tables (the Chinese is core's, not the catalogue's)
STATUS_NAMES = _labels(names.STATUS_NAMES)
KIND_NAMES = _labels(names.KIND_NAMES)
PRIORITY_NAMES = _labels(names.PRIORITY_NAMES)
EVALUATION_NAMES = _labels(names.EVALUATION_NAMES)
FLAG_NAMES = _labels(names.FLAG_NAMES)
ACTION_NAMES = _labels(names.ACTION_NAMES)
LEVEL_NAMES = _labels(names.LEVEL_NAMES)
#: English label -> core's Chinese, for :func:`chinese`
_DOMAIN_CHINESE = {
    _label(name.en): name.zh
    for table in (names.STATUS_NAMES, names.KIND_NAMES, names.PRIORITY_NAMES,
                  names.EVALUATION_NAMES, names.FLAG_NAMES, names.ACTION_NAMES,
                  names.LEVEL_NAMES)
    for name in table.values()
}


def name_of(name: Text) -> str:
    return name.zh if _language == "zh" else _label(name.en)


def status_name(status: CaseStatus) -> str:
    return name_of(names.STATUS_NAMES[status])


def kind_name(kind: CaseKind) -> str:
    return name_of(names.KIND_NAMES[kind])


def priority_name(priority: Priority) -> str:
    return name_of(names.PRIORITY_NAMES[priority])


def evaluation_name(evaluation: Evaluation) -> str:
    return name_of(names.EVALUATION_NAMES[evaluation])


def flag_name(flag: PriorityFlag) -> str:
    return name_of(names.FLAG_NAMES[flag])


def flag_marks(flags: frozenset[PriorityFlag]) -> str:
    return "".join(names.FLAG_MARKS[f].get(_language) for f in PriorityFlag if f in flags)


def action_name(action: Action) -> str:
    return name_of(names.ACTION_NAMES[action])


def level_name(level: Level) -> str:
    return name_of(names.LEVEL_NAMES[level])


def category_name(category: Category) -> str:
    return names.category_name(category).get(_language)


def record_name(record: object | None, fallback: str) -> str:
    """The Chinese or English name of a department, community... or ``fallback``."""
    if record is None:
        return fallback
    name = str(getattr(record, "name", "") or fallback)
    if _language == "en":
        return str(getattr(record, "name_en", "") or name)
    return name


#: a field core refused -> what the operator is told, in the UI's language
FIELD_MESSAGES = {
    "phone": "'{value}' is not a phone number (digits, spaces, '-', a leading '+')",
    "community": "This desk has no community {value}",
    "description": "The description is {length} characters long; at most {limit} are kept. "
                   "Shorten it.",
}


def field_error(error: InvalidField, value: str) -> str:
    """Core's complaint about a field typed as ``value``, in the current language."""
    template = FIELD_MESSAGES.get(error.field)
    if template is None:
        return error.message
    return _(template).format(value=value, length=len(value), limit=MAX_DESCRIPTION)
