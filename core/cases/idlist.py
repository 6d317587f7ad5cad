"""The ids of a list of cases, kept compactly (the queue's list of a whole desk).

A million case ids as a ``list[str]`` take about 70 MB (a Python string each, and a pointer);
an :class:`IdList` keeps them as one buffer of UTF-8 text with the start of each id in an array,
about 22 bytes an id (22 MB). It is a read-only sequence of strings: indexing and slicing
decode the ids asked for, and :meth:`IdList.index` finds an id with one search of the buffer.
"""

from __future__ import annotations

import array
import bisect
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

#: ids are fetched and added this many at a time
_BATCH = 10_000
#: between ids in the buffer (and before the first): no case id holds it
_SEPARATOR = b"\n"


class IdList(Sequence[str]):
    """Case ids in order (from an iterable of ids, or of rows whose first column is the id)."""

    def __init__(self, ids: Iterable[str] | Iterable[Sequence[str]] = ()) -> None:
        # grown a batch at a time: never a bytes object per id, nor a second copy of the text
        buffer = bytearray(_SEPARATOR)
        #: where each id starts in the buffer, and one past the last id's separator
        starts = array.array("Q", [1])
        iterator = iter(ids)
        while batch := list(itertools.islice(iterator, _BATCH)):
            texts = [i if isinstance(i, str) else i[0] for i in batch]
            if any("\n" in text for text in texts):
                raise ValueError("a case id holds a line break")
            encoded = [text.encode("utf-8") + _SEPARATOR for text in texts]
            buffer += b"".join(encoded)
            lengths = itertools.accumulate((len(e) for e in encoded), initial=starts[-1])
            next(lengths)
            starts.extend(lengths)
        self._buffer = buffer
        self._starts = starts

    def __len__(self) -> int:
        return len(self._starts) - 1

    def _one(self, index: int) -> str:
        return self._buffer[self._starts[index] : self._starts[index + 1] - 1].decode("utf-8")

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:
                if start >= stop:
                    return []
                text = self._buffer[self._starts[start] : self._starts[stop] - 1]
                return text.decode("utf-8").split("\n")
            return [self._one(i) for i in range(start, stop, step)]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._one(index)

    def __iter__(self) -> Iterator[str]:
        for start in range(0, len(self), _BATCH):
            yield from self[start : start + _BATCH]

    def __contains__(self, value: object) -> bool:
        return self._find(value) >= 0

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """Where ``value`` first is (at or after ``start``, before ``stop``): one search of the
        buffer, not a string per id."""
        found = self._find(value, start, len(self) if stop is None else stop)
        if found < 0:
            raise ValueError(f"{value!r} is not in the list")
        return found

    def _find(self, value: object, start: int = 0, stop: int | None = None) -> int:
        if not isinstance(value, str) or "\n" in value:
            return -1
        size = len(self)
        start = max(0, start + size if start < 0 else start)
        stop = size if stop is None else min(size, stop + size if stop < 0 else stop)
        if start >= stop:
            return -1
        needle = _SEPARATOR + value.encode("utf-8") + _SEPARATOR
        # the separator before an id ends the one before it: search from it
        at = self._buffer.find(needle, self._starts[start] - 1, self._starts[stop])
        if at < 0:
            return -1
        return bisect.bisect_left(self._starts, at + 1)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdList):
            return self._buffer == other._buffer
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(repr(i) for i in self[:3])
        return f"IdList([{shown}{', ...' if len(self) > 3 else ''}], {len(self)} ids)"

    @property
    def nbytes(self) -> int:
        """The memory its ids take (buffer and array)."""
        return len(self._buffer) + self._starts.itemsize * len(self._starts)


__all__ = ["IdList"]
