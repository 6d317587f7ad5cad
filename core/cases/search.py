"""The queue's search text (检索文本): every case's search text in list order, held compactly.

One UTF-8 blob holds a line per case (its search text, then a tab and the pinyin initials of the
caller's name), with the offsets of the lines in an array and the ids in one string: about a
third of the memory of a Python string per case, and searched by ``bytes.find`` and
``bytes.split`` in C. Results come in list order, so the page the operator sees is found as
soon as enough lines match: the scan for the rest (the count and the lines further down) can
follow a moment later without holding up the first paint.

It answers exactly what :meth:`core.cases.queue.Queue.ids` always answered: every word (or,
for a phone number, one of its forms; :func:`core.cases.index.search_terms`) somewhere in the
case's search text, and a word of Latin letters also in the pinyin initials of the caller's
name. A word never holds whitespace, so it never matches across the tab or the end of a line;
the initials are kept to the letters a-z (anything else becomes a space), so only a word of
Latin letters can match them.
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator

from core.cases.index import search_terms
from core.pinyin import initials

#: lines scanned per ``bytes.split`` when a word is common (and per check of ``stop``)
CHUNK = 2048
#: bytes sampled at the start of the text to tell a common word from a rare one
SAMPLE = 1 << 20
#: a word found in more than one line in this many of the sample is common: scanned line by line
DENSE = 20

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def spoken_form(name: str) -> str:
    """The caller's name as it is said (:func:`core.pinyin.initials`), letters a-z only."""
    return "".join(ch if ch in _LETTERS else " " for ch in initials(name))


class SearchText:
    """The search text of a list of cases, in list order; immutable once built."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """``rows`` are ``(id, search text, caller's name)``, in list order."""
        parts: list[bytes] = []
        ids: list[str] = []
        starts = array("q", [0])
        id_starts = array("q", [0])
        said: dict[str, str] = {}
        offset = id_offset = 0
        for case_id, text, name in rows:
            form = said.get(name)
            if form is None:
                form = said[name] = spoken_form(name)
            line = f"{text.replace(chr(10), ' ')}\t{form}\n".encode("utf-8", "surrogatepass")
            parts.append(line)
            offset += len(line)
            starts.append(offset)
            ids.append(case_id)
            id_offset += len(case_id)
            id_starts.append(id_offset)
        self.blob = b"".join(parts)
        self.starts = starts
        self.ids = "".join(ids)
        self.id_starts = id_starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def id_at(self, line: int) -> str:
        return self.ids[self.id_starts[line] : self.id_starts[line + 1]]

    def search(self, text: str, *, limit: int | None = None,
               stop: Callable[[], bool] | None = None) -> list[str]:
        """The ids of the cases matching every word of ``text``, in list order: the first
        ``limit`` of them, or all; the scan ends early, with what it found so far, once
        ``stop`` says the answer is no longer wanted."""
        found = self.lines(text, stop=stop)
        if limit is not None:
            found = itertools.islice(found, limit)
        return [self.id_at(line) for line in found]

    def lines(self, text: str, *, stop: Callable[[], bool] | None = None) -> Iterator[int]:
        """The numbers of the lines matching every word of ``text``, in order."""
        terms = search_terms(text)
        if not terms:
            yield from range(len(self))
            return
        needles = [tuple(a.encode("utf-8", "surrogatepass") for a in alternatives)
                   for alternatives in terms]
        sample = min(SAMPLE, len(self.blob))
        hits = [sum(self.blob.count(n, 0, sample) for n in alternatives)
                for alternatives in needles]
        lead = min(range(len(needles)), key=hits.__getitem__)
        rest = needles[:lead] + needles[lead + 1:]
        sample_lines = max(1, bisect_right(self.starts, sample) - 1)
        if hits[lead] * DENSE > sample_lines:
            yield from self._scan(needles, stop)
        else:
            yield from self._find(needles[lead], rest, stop)

    def _scan(self, needles: list[tuple[bytes, ...]], stop: Callable[[], bool] | None
              ) -> Iterator[int]:
        """Line by line, a chunk of lines at a time: for words found in many lines."""
        match = _matcher(needles)
        blob, starts = self.blob, self.starts
        total = len(self)
        for first in range(0, total, CHUNK):
            if stop is not None and stop():
                return
            last = min(first + CHUNK, total)
            chunk = blob[starts[first] : starts[last] - 1].split(b"\n")
            yield from (n for n, line in enumerate(chunk, first) if match(line))

    def _find(self, lead: tuple[bytes, ...], rest: list[tuple[bytes, ...]],
              stop: Callable[[], bool] | None) -> Iterator[int]:
        """Jump from one occurrence of the rarest word to the next: for rare words."""
        blob, starts = self.blob, self.starts
        match = _matcher(rest) if rest else None
        streams = [self._occurrences(n, stop) for n in lead]
        candidates = streams[0] if len(streams) == 1 else heapq.merge(*streams)
        previous = -1
        for n in candidates:
            if n == previous:
                continue
            previous = n
            if match is None or match(blob[starts[n] : starts[n + 1]]):
                yield n

    def _occurrences(self, needle: bytes, stop: Callable[[], bool] | None) -> Iterator[int]:
        """The lines holding ``needle``, each once, in order."""
        blob, starts = self.blob, self.starts
        find = blob.find
        position = find(needle)
        found = 0
        while position >= 0:
            line = bisect_right(starts, position) - 1
            yield line
            found += 1
            if stop is not None and found % CHUNK == 0 and stop():
                return
            position = find(needle, starts[line + 1])


def _matcher(needles: list[tuple[bytes, ...]]) -> Callable[[bytes], bool]:
    """Whether a line holds every word (one of its forms)."""
    if len(needles) == 1 and len(needles[0]) == 1:
        only = needles[0][0]
        return lambda line: only in line
    if all(len(alternatives) == 1 for alternatives in needles):
        words = [alternatives[0] for alternatives in needles]
        return lambda line: all(w in line for w in words)
    return lambda line: all(any(a in line for a in alternatives) for alternatives in needles)


__all__ = ["SearchText", "spoken_form"]
