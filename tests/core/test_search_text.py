"""The queue's compact search text answers exactly what the straightforward scan answers (every
word, a phone in any form, a word of letters in the name's initials), in the same order, whether
a word is common or rare, and its first page is the start of the whole answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cases import search as search_module
from core.cases.index import search_terms
from core.cases.search import SearchText
from core.pinyin import initials

NAMES = ["王秀英", "曾强", "张桂兰", "Li Lei", "", "吕梅", "O'Neil 王", "单", "x1王"]
PIECES = ["和平路", "3栋", "0551-62881234", "055162881234", "13800000026", "+86-138 0000 0026",
          "大米", "rice", "wxy", "zq", "\n", "\t", " ", "a", "1", "-", "锦绣", "wx", "x1w", "é",
          "\u3000", "20261123-0001"]
QUERIES = ["王", "wxy", "xy", "zq", "cq", "138", "0551-6288", "0551-62881234", "+86-138",
           "rice 3栋", "和平 大米", "wx 1", "x1w", "x1", "1", "a", "li", "ll", "é", "锦绣 wxy",
           "2026-1123", "20261123-0001", "路3", "n", "o'n", "\t", "   "]


def straightforward(rows: list[tuple[str, str, str]], text: str) -> list[str]:
    """The scan the queue always did: every word in the text, or in the name's initials when
    it is a word of Latin letters."""
    terms = search_terms(text)
    spoken = {t[0] for t in terms if len(t) == 1 and t[0].isascii() and t[0].isalpha()}
    return [case_id for case_id, search, name in rows
            if all(any(t in search for t in alternatives)
                   or (alternatives[0] in spoken and alternatives[0] in initials(name))
                   for alternatives in terms)]


def case_rows(texts: list[tuple[list[str], str]]) -> list[tuple[str, str, str]]:
    rows = []
    for n, (pieces, name) in enumerate(texts):
        case_id = f"Q{n % 7}-20261123-{n:04d}"
        rows.append((case_id, " ".join([case_id, name, *pieces]).lower(), name))
    return rows


texts_strategy = st.lists(
    st.tuples(st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=6),
              st.sampled_from(NAMES)),
    max_size=60)
query_strategy = st.lists(st.sampled_from(QUERIES) | st.text(max_size=4), min_size=1,
                          max_size=3).map(" ".join)


@pytest.mark.parametrize("dense", [1, 20, 10**9], ids=["rare", "default", "common"])
def test_search_text_answers_as_the_straightforward_scan(
        dense: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # small chunks and samples so that both ways of scanning run on small lists
    monkeypatch.setattr(search_module, "CHUNK", 3)
    monkeypatch.setattr(search_module, "SAMPLE", 200)
    monkeypatch.setattr(search_module, "DENSE", dense)
    monkeypatch.setattr(search_module, "NARROW", 1)

    @settings(max_examples=150, deadline=None)
    @given(texts_strategy, query_strategy, st.integers(min_value=0, max_value=5))
    def agree(texts: list[tuple[list[str], str]], query: str, limit: int) -> None:
        rows = case_rows(texts)
        expected = straightforward(rows, query)
        searchable = SearchText(iter(rows))
        assert len(searchable) == len(rows)
        assert searchable.search(query, limit=limit) == expected[:limit]
        assert searchable.search(query) == expected
        # typed a key at a time: each answer may narrow one kept before
        typed = SearchText(iter(rows))
        for end in range(1, len(query) + 1):
            assert typed.search(query[:end]) == straightforward(rows, query[:end])

    agree()


def test_pinyin_initials_and_phones_in_any_form() -> None:
    rows = case_rows([(["和平路 3栋", "13800000026"], "王秀英"), (["rice"], "曾强"),
                      (["0551-62881234"], "Li Lei")])
    searchable = SearchText(rows)
    ids = [row[0] for row in rows]
    assert searchable.search("wxy") == [ids[0]]
    assert searchable.search("yxy") == [ids[0]]  # another reading of a character
    assert searchable.search("zq") == [ids[1]]
    assert searchable.search("cq") == [ids[1]]  # 曾: ceng or zeng
    assert searchable.search("ll") == []  # no Chinese in the name: no initials
    assert searchable.search("0551 6288-1234") == [ids[2]]  # every word, anywhere
    assert searchable.search("0551 9999") == []
    assert searchable.search("0551-62881234") == [ids[2]]
    assert searchable.search("+86-138-0000-0026") == [ids[0]]
    assert searchable.search("wxy 3栋") == [ids[0]]
    assert searchable.search("wxy rice") == []


@pytest.mark.parametrize("dense", [1, 10**9], ids=["rare", "common"])
def test_a_search_no_longer_wanted_stops(dense: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "CHUNK", 4)
    monkeypatch.setattr(search_module, "DENSE", dense)
    rows = case_rows([(["大米"], "王秀英")] * 50)
    searchable = SearchText(rows)
    asked = 0

    def stop() -> bool:
        nonlocal asked
        asked += 1
        return asked > 1

    found = searchable.search("大米", stop=stop)
    assert len(found) < 50
    assert found == [row[0] for row in rows][: len(found)]


@pytest.mark.parametrize(("buckets", "shortest"), [(3, 1), (61, 7), (16381, 1)],
                         ids=["crowded", "few", "many"])
def test_blocks_ruled_out_by_their_signatures_change_no_answer(
        buckets: int, shortest: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # blocks of a few lines, buckets shared by many windows or by few, words of any length
    monkeypatch.setattr(search_module, "CHUNK", 3)
    monkeypatch.setattr(search_module, "BLOCK", 2)
    monkeypatch.setattr(search_module, "BUCKETS", buckets)
    monkeypatch.setattr(search_module, "SHORTEST", shortest)
    monkeypatch.setattr(search_module, "NARROW", 1)

    @settings(max_examples=150, deadline=None)
    @given(texts_strategy, query_strategy, st.integers(min_value=0, max_value=5),
           st.sampled_from([1, 20, 10**9]), st.integers(min_value=0, max_value=31))
    def agree(texts: list[tuple[list[str], str]], query: str, limit: int, dense: int,
              signed: int) -> None:
        monkeypatch.setattr(search_module, "DENSE", dense)
        rows = case_rows(texts)
        expected = straightforward(rows, query)
        searchable = SearchText(iter(rows))
        searchable.sign(signed)  # some blocks signed, or all
        assert len(searchable.signatures) == -(-len(rows) // 2)
        assert searchable.signatures.ready == min(signed, len(searchable.signatures))
        assert searchable.search(query, limit=limit) == expected[:limit]
        assert searchable.search(query) == expected

    agree()


def test_a_rare_word_is_looked_for_only_in_blocks_that_may_hold_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "BLOCK", 4)

    def word(n: int) -> str:  # three characters of its own per case
        return "".join(chr(0x5000 + 3 * n + k) for k in range(3))

    rows = case_rows([(["和平路 3栋", word(n)], "王秀英") for n in range(40)])
    searchable = SearchText(rows)
    assert len(searchable.signatures) == 10
    rare = ((word(26).encode(),),)
    assert searchable.signatures.blocks(rare) == b"\x01" * 10  # not signed yet: anywhere
    searchable.sign(3)
    assert searchable.signatures.blocks(rare) == b"\x00" * 3 + b"\x01" * 7
    assert searchable.search(word(26)) == [rows[26][0]]
    searchable.sign()
    flags = searchable.signatures.blocks(rare)
    assert flags is not None and flags[6] == 1  # line 26 is in block 6
    assert sum(flags) == 1  # the other nine blocks are skipped
    assert searchable._ranges(rare) == [(24, 28)]
    assert searchable.search(word(26)) == [rows[26][0]]
    assert searchable.search(f"{word(26)} 和平") == [rows[26][0]]
    assert searchable.search(f"{word(26)} {word(27)}") == []  # both in block 6, not one line
    # too short to tell, or a form that may be anywhere: every block is searched
    assert searchable.signatures.blocks(((b"3\xe6\xa0\x8b",),)) is None
    assert searchable.signatures.blocks(((word(26).encode(), b"3"),)) is None
    both = searchable.signatures.blocks(((word(26).encode(),), (word(33).encode(),)))
    assert both is not None and sum(both) == 0  # in blocks 6 and 8: no block holds both


@pytest.mark.parametrize("dense", [1, 10**9], ids=["rare", "common"])
def test_a_text_changed_since_it_was_read_answers_as_the_scan_of_the_rows_now(
        dense: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "CHUNK", 3)
    monkeypatch.setattr(search_module, "BLOCK", 2)
    monkeypatch.setattr(search_module, "SHORTEST", 1)
    monkeypatch.setattr(search_module, "DENSE", dense)
    monkeypatch.setattr(search_module, "NARROW", 1)

    @settings(max_examples=150, deadline=None)
    @given(texts_strategy, texts_strategy, query_strategy, st.integers(min_value=0, max_value=5),
           st.data())
    def agree(texts: list[tuple[list[str], str]], added: list[tuple[list[str], str]],
              query: str, limit: int, data: st.DataObject) -> None:
        rows = case_rows(texts)
        extra = [(f"N-{case_id}", search, name) for case_id, search, name in case_rows(added)]
        dead = data.draw(st.sets(st.integers(min_value=0, max_value=max(0, len(rows) - 1)),
                                 max_size=len(rows)))
        places = sorted(data.draw(st.lists(st.integers(min_value=0, max_value=len(rows)),
                                           min_size=len(extra), max_size=len(extra))))
        now: list[tuple[str, str, str]] = []
        waiting = list(zip(places, extra, strict=True))
        for n, row in enumerate(rows):
            while waiting and waiting[0][0] <= n:
                now.append(waiting.pop(0)[1])
            if n not in dead:
                now.append(row)
        now.extend(row for _, row in waiting)
        base = SearchText(iter(rows))
        base.sign()
        base.search(query)  # a kept answer of the text as read must not leak into the view
        view = base.changed(dead, [(at, *row) for at, row in zip(places, extra, strict=True)])
        expected = straightforward(now, query)
        assert view.search(query, limit=limit) == expected[:limit]
        assert view.search(query) == expected
        for end in range(1, len(query) + 1):
            assert view.search(query[:end]) == straightforward(now, query[:end])
        assert base.search(query) == straightforward(rows, query)

    agree()


@given(st.lists(st.text(alphabet="0123456789-AQ", min_size=1, max_size=8), max_size=40,
                unique=True), st.lists(st.text(alphabet="0123456789-AQ", max_size=8)))
@settings(max_examples=100, deadline=None)
def test_the_line_of_an_id_is_found_and_an_id_never_listed_is_not(
        ids: list[str], others: list[str]) -> None:
    searchable = SearchText([(case_id, f"{case_id} 大米", "王秀英") for case_id in ids])
    for line, case_id in enumerate(ids):
        assert searchable.line_of(case_id) == line
    for case_id in others:
        assert searchable.line_of(case_id) == (ids.index(case_id) if case_id in ids else None)
