"""How a Chinese name is said, by its pinyin initials (拼音首字母): 王秀英 -> ``wxy``.

The queue's search (:mod:`core.cases.queue`) lets a word of Latin letters match the initials of
the caller's name, and the TUI's pickers (``tui.pinyin``) rank names the same way. pypinyin is
slow to run, so every character is looked up once and cached; it is also slow to import (its
dictionaries take about 0.4 s), so it is imported by the first lookup, not with this module: a
program that never says a name aloud (the desk's start, ``baogong check``) never loads it.
"""

from __future__ import annotations

from functools import cache, lru_cache


def is_chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@cache
def char_initials(ch: str) -> tuple[str, ...]:
    """The initials of every reading of one character: 曾 -> ("c", "z")."""
    from pypinyin import Style, pinyin

    readings = pinyin(ch, style=Style.FIRST_LETTER, heteronym=True, errors="default")[0]
    return tuple(dict.fromkeys(r.lower() for r in readings if r)) or (ch.lower(),)


@lru_cache(maxsize=100_000)
def initials(text: str, limit: int = 4) -> str:
    """The pinyin initials of ``text``, every reading of a character that has several, for
    matching a name as it is said: 王秀英 -> "wxy yxy", 曾 -> "c z". Characters that are not
    Chinese are kept (lower case); "" when there is no Chinese at all. Looked up one character
    at a time (cached); at most ``limit`` spellings, the most common readings first.
    """
    if not any(is_chinese(ch) for ch in text):
        return ""
    spellings = [""]
    for ch in text.lower():
        options = char_initials(ch) if is_chinese(ch) else (ch,)
        if len(options) == 1 or len(spellings) >= limit:
            spellings = [s + options[0] for s in spellings]
        else:
            spellings = [s + option for s in spellings for option in options][:limit]
    return " ".join(spellings)


@cache
def char_syllable(ch: str) -> str:
    """The most common full reading of one character, without tones: 蛋 -> "dan"."""
    from pypinyin import Style, pinyin

    reading = pinyin(ch, style=Style.NORMAL, errors="default")[0]
    return (reading[0] if reading else ch).lower()
