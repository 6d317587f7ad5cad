"""Small text helpers: fitting mixed Chinese and Latin text into terminal cells, times left."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len

from tui.i18n import _, language


def fit(text: str, width: int) -> str:
    """``text`` cropped or padded to exactly ``width`` cells (Chinese characters take two)."""
    if width <= 0:
        return ""
    used = 0
    out: list[str] = []
    for ch in text:
        w = cell_len(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


#: words that make no sense at the end of a shortened label
_DANGLING = {"and", "or", "of", "for", "the", "to", "in", "/", "-"}


def fit_label(text: str, width: int) -> str:
    """``text`` in ``width`` cells like :func:`fit`, but an English label too long for its
    column loses whole words ("Groceries and daily goods" -> "Groceries"), never half a word;
    a single word that does not fit is cut and ends in a dot. Chinese is cropped as by fit."""
    if cell_len(text) <= width or not text.isascii() or width < 2:
        return fit(text, width)
    words = text.split()
    kept: list[str] = []
    for word in words:
        if cell_len(" ".join([*kept, word])) > width:
            break
        kept.append(word)
    while kept and kept[-1].lower() in _DANGLING:
        kept.pop()
    if not kept:
        return fit(words[0][: width - 1] + ".", width)
    return fit(" ".join(kept), width)


def duration(seconds: float) -> str:
    """A short span: ``3h12m``, ``2d04h``, ``45m``; in Chinese ``3时12分``, ``2天4时``."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if language() == "zh":
        if days:
            return f"{days}天{hours}时"
        if hours:
            return f"{hours}时{mins:02d}分"
        return f"{mins}分"
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{mins:02d}m"
    return f"{mins}m"


def time_left(now: datetime, due: datetime | None) -> tuple[str, bool]:
    """How long until ``due`` as shown in the queue, and whether it is overdue."""
    if due is None:
        return "", False
    seconds = (due - now).total_seconds()
    if seconds < 0:
        return _("over {span}").format(span=duration(seconds)), True
    return duration(seconds), False


def clock_time(moment: datetime) -> str:
    return moment.strftime("%m-%d %H:%M")


def call_clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


#: keys spelled out: the symbols Textual uses for some are missing from many fonts
KEY_NAMES = {"enter": "enter", "escape": "esc", "slash": "/", "space": "space",
             "pagedown": "pgdn", "pageup": "pgup"}


def key_name(key: str) -> str:
    """A key as an operator reads it in a line of help (``ctrl+s``, ``esc``, ``f5``)."""
    return KEY_NAMES.get(key, key)
