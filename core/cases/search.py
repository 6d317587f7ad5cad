"""The queue's search text (检索文本): every case's search text in list order, held compactly.

One UTF-8 buffer holds a line per case (its search text, then a tab and the pinyin initials of the
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
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence

from core.cases.index import search_terms
from core.pinyin import initials

#: lines scanned per ``bytes.split`` when a word is common (and per check of ``stop``)
CHUNK = 2048
#: bytes sampled at the start of the text to tell a common word from a rare one
SAMPLE = 1 << 20
#: a word found in more than one line in this many of the sample is common: scanned line by line
DENSE = 20
#: a kept answer this many times smaller than the list is narrowed rather than the list scanned
NARROW = 4
#: whole answers kept for narrowing (the searches typed last)
ANSWERS = 16

#: a search's words, each with its forms (:func:`core.cases.index.search_terms`), in UTF-8
Needles = tuple[tuple[bytes, ...], ...]

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


def spoken_form(name: str) -> str:
    """The caller's name as it is said (:func:`core.pinyin.initials`), letters a-z only."""
    return "".join(ch if ch in _LETTERS else " " for ch in initials(name))


class SearchText:
    """The search text of a list of cases, in list order; immutable once built."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """``rows`` are ``(id, search text, caller's name)``, in list order."""
        # grown in place, never joined: no second copy of the text while it is read
        blob = bytearray()
        ids: list[str] = []
        pending: list[str] = []
        starts = array("q", [0])
        id_starts = array("q", [0])
        said: dict[str, str] = {}
        id_offset = 0
        for case_id, text, name in rows:
            form = said.get(name)
            if form is None:
                if len(said) > 100_000:
                    said.clear()
                form = said[name] = spoken_form(name)
            blob += f"{text.replace(chr(10), ' ')}\t{form}\n".encode("utf-8", "surrogatepass")
            starts.append(len(blob))
            pending.append(case_id)
            if len(pending) >= 4096:
                ids.append("\n".join(pending) + "\n")
                pending = []
            id_offset += len(case_id) + 1
            id_starts.append(id_offset)
        if pending:
            ids.append("\n".join(pending) + "\n")
        self._lock = threading.Lock()
        self._answers: dict[Needles, array[int]] = {}
        self.blob = blob
        self.starts = starts
        self.ids = "".join(ids)
        self.id_starts = id_starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def id_at(self, line: int) -> str:
        return self.ids[self.id_starts[line] : self.id_starts[line + 1] - 1]

    def ids_of(self, lines: Sequence[int]) -> list[str]:
        """The ids of ``lines`` (in increasing order): where many lie close together, their
        stretch of ids is split at once."""
        ids, starts, total = self.ids, self.id_starts, len(self)
        out: list[str] = []
        i = 0
        while i < len(lines):
            base = lines[i] // CHUNK * CHUNK
            j = bisect_left(lines, base + CHUNK, i)
            if j - i > CHUNK // 32:
                names = ids[starts[base] : starts[min(base + CHUNK, total)] - 1].split("\n")
                out.extend([names[n - base] for n in lines[i:j]])
            else:
                out.extend([ids[starts[n] : starts[n + 1] - 1] for n in lines[i:j]])
            i = j
        return out

    def search(self, text: str, *, limit: int | None = None,
               stop: Callable[[], bool] | None = None) -> list[str]:
        """The ids of the cases matching every word of ``text``, in list order: the first
        ``limit`` of them, or all; the scan ends early, with what it found so far, once
        ``stop`` says the answer is no longer wanted."""
        terms = _needles(text)
        lines = array("i")
        for found in self._chunks(terms, stop):
            lines.extend(found)
            if limit is not None and len(lines) >= limit:
                del lines[limit:]
                break
        else:
            if not (stop is not None and stop()) and len(lines) * NARROW <= len(self):
                self._remember(terms, lines)
        return self.ids_of(lines)

    def lines(self, text: str, *, stop: Callable[[], bool] | None = None) -> Iterator[int]:
        """The numbers of the lines matching every word of ``text``, in order."""
        for found in self._chunks(_needles(text), stop):
            yield from found

    def _remember(self, terms: Needles, lines: array[int]) -> None:
        """Keep a whole answer: a longer search narrows it instead of scanning every line."""
        with self._lock:
            self._answers.pop(terms, None)
            self._answers[terms] = lines
            while len(self._answers) > ANSWERS:
                self._answers.pop(next(iter(self._answers)))

    def _narrowest(self, terms: Needles) -> array[int] | None:
        """The smallest whole answer kept for a search that every match of ``terms`` matches."""
        with self._lock:
            known = [lines for old, lines in self._answers.items() if _implies(terms, old)]
        return min(known, key=len, default=None)

    def _chunks(self, needles: Needles, stop: Callable[[], bool] | None
                ) -> Iterator[Sequence[int]]:
        """The lines matching every word, in order, a few at a time."""
        if not needles:
            yield range(len(self))
            return
        within = self._narrowest(needles)
        if within is not None:
            yield from self._narrow(needles, within, stop)
            return
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

    def _narrow(self, needles: Needles, within: array[int], stop: Callable[[], bool] | None
                ) -> Iterator[list[int]]:
        """Among the lines of an answer already found: for a search that grew."""
        match = _matcher(needles)
        blob, starts = self.blob, self.starts
        for first in range(0, len(within), CHUNK):
            if stop is not None and stop():
                return
            yield [n for n in within[first : first + CHUNK]
                   if match(blob[starts[n] : starts[n + 1]])]

    def _scan(self, needles: Needles, stop: Callable[[], bool] | None
              ) -> Iterator[list[int]]:
        """Line by line, a chunk of lines at a time: for words found in many lines."""
        text, starts = memoryview(self.blob), self.starts
        total = len(self)
        words = [alternatives[0] for alternatives in needles if len(alternatives) == 1]
        match = _matcher(needles)
        for first in range(0, total, CHUNK):
            if stop is not None and stop():
                return
            last = min(first + CHUNK, total)
            chunk = bytes(text[starts[first] : starts[last] - 1]).split(b"\n")
            if len(words) == 1 == len(needles):
                word = words[0]
                yield [n for n, line in enumerate(chunk, first) if word in line]
            elif len(words) == 2 == len(needles):
                one, two = words
                yield [n for n, line in enumerate(chunk, first) if one in line and two in line]
            else:
                yield [n for n, line in enumerate(chunk, first) if match(line)]

    def _find(self, lead: tuple[bytes, ...], rest: Needles,
              stop: Callable[[], bool] | None) -> Iterator[list[int]]:
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
                yield [n]

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


def _needles(text: str) -> Needles:
    return tuple(tuple(a.encode("utf-8", "surrogatepass") for a in alternatives)
                 for alternatives in search_terms(text))


def _implies(new: Needles, old: Needles) -> bool:
    """Whether a line holding every word of ``new`` holds every word of ``old``: each old word
    is part of every form of some new one (``王秀`` of ``王秀英``, a phone's digits of longer
    ones)."""
    return all(any(all(any(a in b for a in before) for b in after) for after in new)
               for before in old)


def _matcher(needles: Needles) -> Callable[[bytes | bytearray], bool]:
    """Whether a line holds every word (one of its forms)."""
    if len(needles) == 1 and len(needles[0]) == 1:
        only = needles[0][0]
        return lambda line: only in line
    if all(len(alternatives) == 1 for alternatives in needles):
        words = [alternatives[0] for alternatives in needles]
        return lambda line: all(w in line for w in words)
    return lambda line: all(any(a in line for a in alternatives) for alternatives in needles)


__all__ = ["SearchText", "spoken_form"]
