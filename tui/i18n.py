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

from babel.messages.pofile import read_po

from core.cases.case import (
    MAX_DESCRIPTION,
    Action,
    CaseKind,
    CaseStatus,
    Category,
    Evaluation,
    Priority,
)
from core.levels.signals import Level
from core.problems import InvalidField
from core.reference import PriorityFlag

LANGUAGES = ("zh", "en")
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
    """The Chinese of ``message`` whatever the current language (for pinyin search keys)."""
    return catalogue("zh").get(message, "")


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


# --- names of domain values -----------------------------------------------------------------

STATUS_NAMES = {
    CaseStatus.ACCEPTED: "Accepted",
    CaseStatus.DISPATCHED: "Dispatched",
    CaseStatus.IN_PROGRESS: "In progress",
    CaseStatus.REPLIED: "Replied",
    CaseStatus.CHASED: "Chased",
    CaseStatus.RESOLVED: "Resolved",
    CaseStatus.CALLED_BACK: "Called back",
    CaseStatus.EVALUATED: "Evaluated",
    CaseStatus.REOPENED: "Reopened",
}
KIND_NAMES = {
    CaseKind.REQUEST: "Request",
    CaseKind.COMPLAINT: "Complaint",
    CaseKind.INQUIRY: "Inquiry",
    CaseKind.RUMOUR: "Rumour",
}
PRIORITY_NAMES = {Priority.URGENT: "Urgent", Priority.HIGH: "High", Priority.NORMAL: "Normal"}
EVALUATION_NAMES = {
    Evaluation.SATISFIED: "Satisfied",
    Evaluation.BASICALLY_SATISFIED: "Basically satisfied",
    Evaluation.UNSATISFIED: "Unsatisfied",
}
FLAG_NAMES = {
    PriorityFlag.ELDERLY_ALONE: "Elderly living alone",
    PriorityFlag.BEDRIDDEN: "Bedridden",
    PriorityFlag.DISABLED: "Disabled",
    PriorityFlag.NO_SMARTPHONE: "No smartphone",
    PriorityFlag.CHRONIC_PATIENT: "Chronic patient",
    PriorityFlag.LOW_INCOME: "Low income",
    PriorityFlag.LOST_ONLY_CHILD: "Lost only child",
}
#: one-cell (English) or one-character (Chinese) markers shown in the queue
FLAG_MARKS = {
    "en": {
        PriorityFlag.ELDERLY_ALONE: "E", PriorityFlag.BEDRIDDEN: "B",
        PriorityFlag.DISABLED: "D", PriorityFlag.NO_SMARTPHONE: "P",
        PriorityFlag.CHRONIC_PATIENT: "C", PriorityFlag.LOW_INCOME: "L",
        PriorityFlag.LOST_ONLY_CHILD: "O",
    },
    "zh": {
        PriorityFlag.ELDERLY_ALONE: "独", PriorityFlag.BEDRIDDEN: "卧",
        PriorityFlag.DISABLED: "残", PriorityFlag.NO_SMARTPHONE: "机",
        PriorityFlag.CHRONIC_PATIENT: "病", PriorityFlag.LOW_INCOME: "困",
        PriorityFlag.LOST_ONLY_CHILD: "失",
    },
}
ACTION_NAMES = {
    Action.CREATE: "Accepted the call",
    Action.EDIT: "Edited",
    Action.DISPATCH: "Dispatched",
    Action.START: "Started work",
    Action.NOTE: "Note",
    Action.REPLY: "Replied",
    Action.CHASE: "Chased",
    Action.RESOLVE: "Resolved",
    Action.CALL_BACK: "Called back",
    Action.EVALUATE: "Evaluation",
    Action.REOPEN: "Reopened",
    Action.CALL: "Called again",
}
LEVEL_NAMES = {
    Level.NONE: "No emergency level",
    Level.IV: "Level IV (general)",
    Level.III: "Level III (tense)",
    Level.II: "Level II (urgent)",
    Level.I: "Level I (extreme)",
}


def status_name(status: CaseStatus) -> str:
    return _(STATUS_NAMES[status])


def kind_name(kind: CaseKind) -> str:
    return _(KIND_NAMES[kind])


def priority_name(priority: Priority) -> str:
    return _(PRIORITY_NAMES[priority])


def evaluation_name(evaluation: Evaluation) -> str:
    return _(EVALUATION_NAMES[evaluation])


def flag_name(flag: PriorityFlag) -> str:
    return _(FLAG_NAMES[flag])


def flag_marks(flags: frozenset[PriorityFlag]) -> str:
    marks = FLAG_MARKS[_language]
    return "".join(marks[f] for f in PriorityFlag if f in flags)


def action_name(action: Action) -> str:
    return _(ACTION_NAMES[action])


def level_name(level: Level) -> str:
    return _(LEVEL_NAMES[level])


def category_name(category: Category) -> str:
    info = category.info
    return info.name if _language == "zh" else info.name_en


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
