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

A word found in few lines would have the whole text scanned for it; each block of
:data:`BLOCK` lines keeps instead a signature (:class:`Signatures`): a bit per bucket of the
4-byte windows of its text that start a multiple of 4 bytes into the block. A word of at least 7
bytes has, wherever it lies, a whole window of every such alignment, so a block holds it only if,
for one of the four ways it can lie, the bits of all its windows are set: the other blocks are
skipped, the rest searched as before, and the answer is the same. The signatures are made after
the text is read (:meth:`SearchText.sign`, meant for a worker thread): until a block has one it
is searched.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat

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
#: lines per block of the signatures (:class:`Signatures`)
BLOCK = 128
#: buckets of a block's signature (a prime: a window's bucket is its value modulo it); with
#: about 5,000 windows a block, a tenth of the bits are set
BUCKETS = 16381
#: the shortest word whose windows are looked up: every alignment holds a whole window
SHORTEST = 7

#: a search's words, each with its forms (:func:`core.cases.index.search_terms`), in UTF-8
Needles = tuple[tuple[bytes, ...], ...]

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
#: a byte's bit ``i`` as the byte 1 or 0, for every byte (``bytes.translate`` tables)
_BIT = [bytes((value >> i) & 1 for value in range(256)) for i in range(8)]
#: a bucket's flag (the byte 0 or 1) as the digit ``int(..., 2)`` reads
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def spoken_form(name: str) -> str:
    """The caller's name as it is said (:func:`core.pinyin.initials`), letters a-z only."""
    return "".join(ch if ch in _LETTERS else " " for ch in initials(name))


class Signatures:
    """Which buckets of 4-byte windows each block of :data:`BLOCK` lines holds, a bit each:
    a superset test of the blocks that can hold a word, built and asked in C. Made a block
    at a time, in place (a search may ask while they are made): a block without its signature
    yet may hold anything."""

    def __init__(self, blocks: int) -> None:
        self.buckets = BUCKETS
        self.width = (self.buckets + 7) // 8
        self.bits = bytearray(blocks * self.width)
        #: the blocks signed so far (the first ones)
        self.ready = 0

    def __len__(self) -> int:
        return len(self.bits) // self.width

    def add(self, text: bytes | bytearray) -> None:
        """The next block's signature, from its text."""
        whole = len(text) // 4 * 4
        windows = array("I")
        windows.frombytes(text[:whole])
        flags = bytearray(self.buckets)
        deque(map(flags.__setitem__, map(self.buckets.__rmod__, set(windows)), repeat(1)),
              maxlen=0)
        # bucket b is bit b % 8 of byte b // 8: the last bucket is the first digit read
        start = self.ready * self.width
        self.bits[start : start + self.width] = int(
            flags[::-1].translate(_DIGITS) or b"0", 2).to_bytes(self.width, "little")
        self.ready += 1

    def blocks(self, needles: Needles) -> bytes | None:
        """A byte per block, 1 where the block may hold every word of ``needles`` (one of its
        forms), 0 where it cannot; None when no word is long enough to tell."""
        every: int | None = None
        blocks = self.ready
        all_blocks = int.from_bytes(b"\x01" * blocks, "big")
        for alternatives in needles:
            either = 0
            for needle in alternatives:
                ways = self._ways(needle)
                if ways is None:
                    break
                for windows in ways:
                    each = all_blocks
                    for bucket in windows:
                        column = self.bits[bucket >> 3 : blocks * self.width : self.width
                                           ].translate(_BIT[bucket & 7])
                        each &= int.from_bytes(column, "big")
                    either |= each
            else:
                every = either if every is None else every & either
        if every is None:
            return None
        return (every.to_bytes(blocks, "big") if blocks else b"") + b"\x01" * (len(self) - blocks)

    def _ways(self, needle: bytes) -> list[set[int]] | None:
        """The buckets of the whole windows of ``needle`` for each of the four ways it may lie
        across the windows of a block (its first whole window 0, 1, 2 or 3 bytes in)."""
        if len(needle) < SHORTEST:
            return None
        return [{int.from_bytes(needle[j : j + 4], "little") % self.buckets
                 for j in range(first, len(needle) - 3, 4)} for first in range(4)]


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
        self.starts = _narrowed(starts)
        self.ids = "".join(ids)
        self.id_starts = _narrowed(id_starts)
        self.signatures = Signatures(-(-(len(starts) - 1) // BLOCK))
        self._signing = threading.Lock()
        #: a filter of the ids, 16 bits each, made when first asked (shared with the views)
        self._id_filter: list[bytearray] = []
        self._filtering = threading.Lock()
        #: lines left out (changed or gone since the text was read) and rows put in, each
        #: before the line numbered with it (:meth:`changed`)
        self.dead: frozenset[int] = frozenset()
        self.extra: SearchText | None = None
        self.extra_at = array("q")

    def sign(self, blocks: int | None = None) -> None:
        """Make the signatures of the blocks (the first ``blocks`` of them) not signed yet,
        and with all of them the filter of the ids that tells a new case's id at once."""
        signatures, starts, total = self.signatures, self.starts, len(self)
        with self._signing:
            end = len(signatures) if blocks is None else min(blocks, len(signatures))
            while signatures.ready < end:
                first = signatures.ready * BLOCK
                signatures.add(self.blob[starts[first] : starts[min(first + BLOCK, total)]])
        if blocks is None:
            self._ids_filter()

    def __len__(self) -> int:
        """The lines of the text as read (:attr:`dead` ones too, :attr:`extra` ones not)."""
        return len(self.starts) - 1

    def changed(self, dead: Iterable[int], extra: Sequence[tuple[int, str, str, str]]
                ) -> SearchText:
        """This text with the lines ``dead`` left out and the rows ``extra``, ``(line, id,
        search text, caller's name)`` in list order, each put before that line (or at the
        end): a view sharing this one's buffers, for cases written since it was read."""
        view = object.__new__(SearchText)
        view.__dict__.update(self.__dict__)
        view._lock = threading.Lock()
        view._answers = {}
        view.dead = frozenset(dead)
        view.extra = SearchText((row[1], row[2], row[3]) for row in extra) if extra else None
        if view.extra is not None:
            view.extra.sign()
        view.extra_at = array("q", [row[0] for row in extra])
        return view

    def id_at(self, line: int) -> str:
        return self.ids[self.id_starts[line] : self.id_starts[line + 1] - 1]

    def line_of(self, case_id: str) -> int | None:
        """The line of ``case_id``, if any (a scan of the ids, unless their filter rules it
        out: a new case's id, for one)."""
        if not self._may_hold(case_id):
            return None
        ids, wanted = self.ids, case_id + "\n"
        position = ids.find(wanted)
        while position > 0 and ids[position - 1] != "\n":
            position = ids.find(wanted, position + 1)
        return None if position < 0 else bisect_right(self.id_starts, position) - 1

    def _may_hold(self, case_id: str) -> bool:
        """False when ``case_id`` is surely not one of the ids."""
        bits = self._ids_filter()
        return all(bits[bit >> 3] >> (bit & 7) & 1 for bit in _bits(case_id, len(bits) * 8))

    def _ids_filter(self) -> bytearray:
        """A Bloom filter of the ids, two bits an id in 16 (made once, when signing or when
        first asked)."""
        with self._filtering:
            if not self._id_filter:
                size = 1 << max(3, (len(self) * 16).bit_length())
                bits = bytearray(size // 8)
                for first in range(0, len(self), CHUNK):
                    for each in self.ids_of(range(first, min(first + CHUNK, len(self)))):
                        for bit in _bits(each, size):
                            bits[bit >> 3] |= 1 << (bit & 7)
                self._id_filter.append(bits)
            return self._id_filter[0]

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
        lines, whole = self._found(terms, limit, stop)
        if self.extra is None:
            return self.ids_of(lines)
        extra, _ = self.extra._found(terms, None, None)
        return self._merged(lines, whole, extra, limit)

    def _found(self, terms: Needles, limit: int | None, stop: Callable[[], bool] | None
               ) -> tuple[array[int], bool]:
        """The lines (not :attr:`dead`) matching ``terms``, and whether they are all of them."""
        lines = array("i")
        dead = self.dead
        for found in self._chunks(terms, stop):
            lines.extend([n for n in found if n not in dead] if dead else found)
            if limit is not None and len(lines) >= limit:
                del lines[limit:]
                return lines, False
        if stop is not None and stop():
            return lines, False
        if len(lines) * NARROW <= len(self):
            self._remember(terms, lines)
        return lines, True

    def _merged(self, lines: array[int], whole: bool, extra: array[int], limit: int | None
                ) -> list[str]:
        """The ids of ``lines`` with the matching ``extra`` rows put in their places."""
        assert self.extra is not None
        at = self.extra_at
        found = self.ids_of(lines)
        out: list[str] = []
        done = 0
        for row, case_id in zip(extra, self.extra.ids_of(extra), strict=True):
            where = at[row]
            if not whole and (not lines or where > lines[-1]):
                break  # after the last line found: not known yet to come before the rest
            upto = bisect_left(lines, where)
            out.extend(found[done:upto])
            out.append(case_id)
            done = upto
        out.extend(found[done:])
        return out if limit is None else out[:limit]

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
        ranges = self._ranges(needles)
        sample = min(SAMPLE, len(self.blob))
        hits = [sum(self.blob.count(n, 0, sample) for n in alternatives)
                for alternatives in needles]
        lead = min(range(len(needles)), key=hits.__getitem__)
        rest = needles[:lead] + needles[lead + 1:]
        sample_lines = max(1, bisect_right(self.starts, sample) - 1)
        if hits[lead] * DENSE > sample_lines:
            yield from self._scan(needles, stop, ranges)
        else:
            yield from self._find(needles[lead], rest, stop, ranges)

    def _ranges(self, needles: Needles) -> list[tuple[int, int]]:
        """The stretches of lines (first, end) that may hold every word: the runs of blocks
        whose signatures do not rule it out."""
        total = len(self)
        flags = self.signatures.blocks(needles)
        if flags is None:
            return [(0, total)]
        ranges = []
        first = flags.find(1)
        while first >= 0:
            end = flags.find(0, first)
            end = len(flags) if end < 0 else end
            ranges.append((first * BLOCK, min(end * BLOCK, total)))
            first = flags.find(1, end)
        return ranges

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

    def _scan(self, needles: Needles, stop: Callable[[], bool] | None,
              ranges: list[tuple[int, int]]) -> Iterator[list[int]]:
        """Line by line, a chunk of lines at a time: for words found in many lines."""
        text, starts = memoryview(self.blob), self.starts
        words = [alternatives[0] for alternatives in needles if len(alternatives) == 1]
        match = _matcher(needles)
        for first, last in _chunked(ranges):
            if stop is not None and stop():
                return
            chunk = bytes(text[starts[first] : starts[last] - 1]).split(b"\n")
            if len(words) == 1 == len(needles):
                word = words[0]
                yield [n for n, line in enumerate(chunk, first) if word in line]
            elif len(words) == 2 == len(needles):
                one, two = words
                yield [n for n, line in enumerate(chunk, first) if one in line and two in line]
            else:
                yield [n for n, line in enumerate(chunk, first) if match(line)]

    def _find(self, lead: tuple[bytes, ...], rest: Needles, stop: Callable[[], bool] | None,
              ranges: list[tuple[int, int]]) -> Iterator[list[int]]:
        """Jump from one occurrence of the rarest word to the next: for rare words."""
        blob, starts = self.blob, self.starts
        match = _matcher(rest) if rest else None
        streams = [self._occurrences(n, stop, ranges) for n in lead]
        candidates = streams[0] if len(streams) == 1 else heapq.merge(*streams)
        previous = -1
        for n in candidates:
            if n == previous:
                continue
            previous = n
            if match is None or match(blob[starts[n] : starts[n + 1]]):
                yield [n]

    def _occurrences(self, needle: bytes, stop: Callable[[], bool] | None,
                     ranges: list[tuple[int, int]]) -> Iterator[int]:
        """The lines of ``ranges`` holding ``needle``, each once, in order."""
        blob, starts = self.blob, self.starts
        find = blob.find
        found = 0
        for first, end in ranges:
            if stop is not None and stop():
                return
            limit = starts[end]
            position = find(needle, starts[first], limit)
            while position >= 0:
                line = bisect_right(starts, position) - 1
                yield line
                found += 1
                if stop is not None and found % CHUNK == 0 and stop():
                    return
                position = find(needle, starts[line + 1], limit)


def _chunked(ranges: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """``ranges`` of lines cut into chunks of at most :data:`CHUNK` lines."""
    for first, end in ranges:
        for start in range(first, end, CHUNK):
            yield start, min(start + CHUNK, end)


def _bits(case_id: str, size: int) -> tuple[int, int]:
    """The two bits of ``case_id`` in a filter of ``size`` bits (a power of two)."""
    value = hash(case_id)
    return value & (size - 1), (value >> 32) & (size - 1)


def _narrowed(offsets: array[int]) -> array[int]:
    """``offsets`` in 4 bytes each where they fit (half the memory: 4 MB a million lines)."""
    return array("I", offsets) if offsets[-1] < 1 << 8 * array("I").itemsize else offsets


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


__all__ = ["SearchText", "Signatures", "spoken_form"]
