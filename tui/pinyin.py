"""Finding things by Chinese name, pinyin initials or code (拼音首字母检索).

An operator types ``dm`` for 大米 (da mi), ``shiy`` for 食用油, or ``rice-5kg``. The pinyin of
every name is computed once per desk (pypinyin is slow to import and to run) and cached, and
pypinyin is imported by the first name looked up, so the desk starts without it. A
name's initials as it is said (:func:`core.pinyin.initials`) are the core's, shared with the
queue's search.
"""

from __future__ import annotations

from functools import cache

from core.pinyin import char_initials, initials


@cache
def keys_for(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text``, lower case, without spaces: 大米 -> ("dm", "dami")."""
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    return initials, full


def search_keys(*texts: str) -> str:
    """One lower-case string to match typed text against: the texts and their pinyin."""
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        parts.append(text.lower())
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            parts.extend(keys_for(text))
    return " ".join(parts)


def matches(typed: str, keys: str) -> bool:
    """Every word typed occurs in ``keys``."""
    return all(word in keys for word in typed.lower().split())


def rank(typed: str, keys: str) -> int:
    """How well ``typed`` matches ``keys`` (lower is better), for ordering what matches.

    A typed word equal to one of the keys' words (``bmy`` is exactly 不满意's initials) ranks
    before one that starts a word (``bm`` for 不满意), and that before one found inside a word
    (``bmy`` inside 基本满意's ``jbmy``). The worst word of what was typed decides.
    """
    words = keys.split()
    worst = 0
    for typed_word in typed.lower().split():
        if typed_word in words:
            score = 0
        elif any(word.startswith(typed_word) for word in words):
            score = 1
        else:
            score = 2
        worst = max(worst, score)
    return worst


__all__ = ["char_initials", "initials", "keys_for", "matches", "rank", "search_keys"]
