"""Finding things by Chinese name, pinyin initials or code (拼音首字母检索).

An operator types ``dm`` for 大米 (da mi), ``shiy`` for 食用油, or ``rice-5kg``. The pinyin of
every name is computed once per desk (pypinyin is slow to import and to run) and cached.
"""

from __future__ import annotations

from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin, pinyin


@cache
def keys_for(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text``, lower case, without spaces: 大米 -> ("dm", "dami")."""
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    return initials, full


def _is_chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@cache
def char_initials(ch: str) -> tuple[str, ...]:
    """The initials of every reading of one character: 曾 -> ("c", "z")."""
    readings = pinyin(ch, style=Style.FIRST_LETTER, heteronym=True, errors="default")[0]
    return tuple(dict.fromkeys(r.lower() for r in readings if r)) or (ch.lower(),)


@lru_cache(maxsize=100_000)
def initials(text: str, limit: int = 4) -> str:
    """The pinyin initials of ``text``, every reading of a character that has several, for
    matching a name as it is said: 王秀英 -> "wxy yxy", 曾 -> "c z". Characters that are not
    Chinese are kept (lower case); "" when there is no Chinese at all. Looked up one character
    at a time (cached); at most ``limit`` spellings, the most common readings first.
    """
    if not any(_is_chinese(ch) for ch in text):
        return ""
    spellings = [""]
    for ch in text.lower():
        options = char_initials(ch) if _is_chinese(ch) else (ch,)
        if len(options) == 1 or len(spellings) >= limit:
            spellings = [s + options[0] for s in spellings]
        else:
            spellings = [s + option for s in spellings for option in options][:limit]
    return " ".join(spellings)


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
