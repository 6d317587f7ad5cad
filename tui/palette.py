"""The command palette (ctrl+p): every action of the current screen, in the current language."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.i18n import _, chinese
from tui.pinyin import matches, search_keys
from tui.widgets.common import offered


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object], str]]:
        """(name, key, run, what typing matches: the name in both languages and the pinyin)."""
        screen = self.screen
        app = self.app
        found: list[tuple[str, str, Callable[[], object], str]] = []
        seen: set[str] = set()
        for _key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
            if not enabled or binding.action in seen or binding.id in (None, "app.quit"):
                continue
            if not offered(app, binding):
                continue
            if binding.id and binding.id.startswith(("list.", "picker.", "filters.next",
                                                     "filters.previous")):
                continue
            seen.add(binding.action)
            key = app.get_key_display(binding)
            found.append((_(binding.description), key,
                          partial(app.run_action, binding.action, node),
                          search_keys(binding.description, chinese(binding.description))))
        found.append((_("Quit"), "ctrl+q", partial(app.run_action, "quit"),
                      search_keys("Quit", chinese("Quit"))))
        return found

    async def discover(self) -> Hits:
        for name, key, run, _keys in self._commands():
            yield DiscoveryHit(f"{name}  ({key})", run)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, key, run, keys in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=key)
            elif matches(query, keys):
                # typed as pinyin initials (pd for 派单) or in the other language
                yield Hit(0.5, name, run, help=key)
