"""Every key binding has an id; every message shown has a Chinese translation."""

from __future__ import annotations

from textual.binding import Binding

from tui import i18n
from tui.keys import APP_BINDINGS, binding_ids, keyed_classes
from tui.messages import extract, translated


def test_every_binding_has_a_unique_id() -> None:
    seen: dict[str, str] = {}
    for cls in [type("App", (), {"BINDINGS": APP_BINDINGS}), *keyed_classes()]:
        for binding in getattr(cls, "BINDINGS", []):
            assert isinstance(binding, Binding), f"{cls.__name__}: use Binding(..., id=...)"
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert binding.id not in seen, f"{binding.id} in {cls.__name__} and {seen[binding.id]}"
            seen[binding.id] = cls.__name__
    assert "queue.new_call" in binding_ids()
    assert "items.add" in binding_ids()


def test_every_message_is_translated() -> None:
    have = translated()
    missing = sorted(set(extract()) - set(have))
    assert not missing, f"add these to tui/locale/zh_CN/LC_MESSAGES/baogong.po: {missing}"


def test_catalogue_has_no_stale_or_empty_entries() -> None:
    have = translated()
    found = extract()
    assert not sorted(set(have) - set(found)), "messages no longer used by the app"
    assert all(have.values())


def test_catalogue_translates_each_message_once() -> None:
    """A message listed twice is translated by whichever entry the reader keeps last."""
    from collections import Counter

    from tui.messages import PO_FILE

    ids = Counter(line for line in PO_FILE.read_text(encoding="utf-8").splitlines()
                  if line.startswith('msgid "') and line != 'msgid ""')
    assert not [line for line, count in ids.items() if count > 1]


def test_language_choice() -> None:
    assert i18n.choose_language("en", "zh_CN") == "en"
    assert i18n.choose_language(None, "zh_CN") == "zh"
    assert i18n.choose_language(None, "en") == "en"
    i18n.set_language("zh")
    assert i18n._("Overdue") == "超时"
    i18n.set_language("en")
    assert i18n._("Overdue") == "Overdue"
    i18n.set_language("zh")


def test_every_class_with_bindings_is_listed_for_the_keymap() -> None:
    """A screen left out of :func:`keyed_classes` would have its keys refused in desk.toml."""
    import importlib
    import pkgutil

    import tui

    for module in pkgutil.walk_packages(tui.__path__, "tui."):
        importlib.import_module(module.name)
    listed = set(keyed_classes())

    def subclasses(cls: type) -> list[type]:
        return [cls, *(sub for direct in cls.__subclasses__() for sub in subclasses(direct))]

    from textual.dom import DOMNode

    missing = sorted(
        cls.__qualname__ for cls in subclasses(DOMNode)
        if cls.__module__.startswith("tui.") and "BINDINGS" in vars(cls)
        and any(isinstance(b, Binding) and b.id for b in cls.BINDINGS)
        and cls not in listed and cls.__name__ != "BaogongApp")
    assert not missing, f"add these to tui.keys.keyed_classes: {missing}"
