"""Typing into the app as a terminal delivers a burst: every key queued at once, no waiting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App

#: the characters named keys carry, as a terminal sends them
CHARACTERS = {"tab": "\t", "enter": "\r", "space": " ", "backspace": "\x7f", "escape": "\x1b"}


def keys_of(text: str) -> list[str]:
    """Each character of ``text`` as a key name (a space is ``space``)."""
    return ["space" if char == " " else char for char in text]


def burst(app: App[Any], keys: Iterable[str]) -> None:
    """Queue every key on the app at once, as a terminal does when text arrives faster than the
    app handles it (a paste of keystrokes, ``tmux send-keys``, a fast typist)."""
    for key in keys:
        char = key if len(key) == 1 else CHARACTERS.get(key)
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)
