"""Search as the operator types, key to results, on a generated desk (issue 20, goal 2).

    python tests/bench/bench_search.py [--cases 100000] [--sessions 3]

Three ways to answer the same searches on the same index, one after the other in one run:
- the queue's in-memory scan (``core.cases.queue.Queue.ids``, what the app does): the first key
  of a session loads every case's search text, later keys scan it in Python;
- SQLite FTS5 with the trigram tokenizer over the same search text (built here in a scratch copy
  of the index; its build time and size are printed): words of three characters or more are
  looked up in it, shorter ones are matched with ``LIKE`` among its hits, or over every row when
  no word is long enough (trigrams cannot find one or two characters);
- ``LIKE`` over the narrow search index alone, the floor with no search structure at all.

Each session types a caller's name, the start of a phone number and part of an address with a
second word (反映), one key at a time, as the queue asks (every word must match; newest first),
starting with a fresh reader.
The goal is a p90 under 50 ms including each session's first key. Prints the RSS the in-memory
scan adds. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import core
from core.cases.index import Query, search_terms
from core.cases.queue import Queue
from tests.bench.gen_desk import generate

GOAL_S = 0.050


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def typed(text: str) -> list[str]:
    """What the search box holds after each key of ``text``."""
    return [text[: i + 1] for i in range(len(text)) if text[i] != " "]


def searches(db: sqlite3.Connection, sessions: int) -> list[list[str]]:
    rng = random.Random(11)
    count = int(db.execute("SELECT count(*) FROM cases").fetchone()[0])
    out = []
    for _ in range(sessions):
        name, phone, description = db.execute(
            "SELECT name, phone, search FROM cases LIMIT 1 OFFSET ?",
            (rng.randrange(count),)).fetchone()
        words = [w for w in str(description).split()
                 if len(w) >= 4 and not w.isascii()][:1] or ["配送延迟"]
        out.append([*typed(str(name)), *typed(str(phone)[:7]), *typed(f"{words[0][:4]} 反映")])
    return out


def fts_ids(db: sqlite3.Connection, text: str) -> list[str]:
    long_words = [t for t in search_terms(text) if all(len(a) >= 3 for a in t)]
    short_words = [t for t in search_terms(text) if t not in long_words]
    clauses, params = [], []
    for alternatives in long_words:
        match = " OR ".join('"' + a.replace('"', '""') + '"' for a in alternatives)
        clauses.append("rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
        params.append(match)
    for alternatives in short_words:
        clauses.append("(" + " OR ".join(["search LIKE ?"] * len(alternatives)) + ")")
        params.extend(f"%{a}%" for a in alternatives)
    sql = (f"SELECT id FROM cases WHERE {' AND '.join(clauses)} "
           "ORDER BY created DESC, id DESC")
    return [r[0] for r in db.execute(sql, params)]


def like_ids(db: sqlite3.Connection, text: str) -> list[str]:
    where, params = Query(text=text).where()
    return [r[0] for r in db.execute(
        f"SELECT id FROM cases{where} ORDER BY created DESC, id DESC", params)]


def timed(sessions: list[list[str]], start: Callable[[], Callable[[str], list[str]]]
          ) -> tuple[list[float], list[float], list[list[str]]]:
    """Per key (first keys apart): seconds from the key to the ordered ids."""
    every, firsts, answers = [], [], []
    for keys in sessions:
        ask = start()
        for n, text in enumerate(keys):
            t0 = time.perf_counter()
            ids = ask(text)
            elapsed = time.perf_counter() - t0
            every.append(elapsed)
            answers.append(ids)
            if n == 0:
                firsts.append(elapsed)
    return every, firsts, answers


def p90(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=3)
    args = parser.parse_args()
    root = generate(args.cases)
    desk = core.open_desk(root)
    desk.cases.refresh()
    desk.cases.index.close()
    scratch = Path(tempfile.mkdtemp(prefix="baogong-search-"))
    try:
        copy = scratch / "cases.sqlite3"
        source = sqlite3.connect(root / ".index" / "cases.sqlite3")
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        t0 = time.perf_counter()
        target.execute("CREATE VIRTUAL TABLE fts USING fts5(search, content='cases', "
                       "content_rowid='rowid', tokenize='trigram')")
        target.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        target.commit()
        fts_build = time.perf_counter() - t0
        target.close()
        plain_size = (root / ".index" / "cases.sqlite3").stat().st_size
        fts_size = copy.stat().st_size
        fts_db = sqlite3.connect(copy)
        like_db = sqlite3.connect(root / ".index" / "cases.sqlite3")
        sessions = searches(like_db, args.sessions)
        print(f"desk: {root} ({args.cases} cases), load {os.getloadavg()[0]:.1f}; "
              f"{sum(map(len, sessions))} keys in {len(sessions)} sessions: "
              f"{' | '.join(sessions[0][-1:] + [s[-1] for s in sessions[1:]])}", flush=True)
        rss_before = rss_mb()
        readers: list[Queue] = []

        def memory_reader() -> Callable[[str], list[str]]:
            reader = Queue(core.open_desk(root))
            readers.append(reader)
            return lambda text: reader.ids(Query(text=text))

        memory = timed(sessions, memory_reader)
        rss_memory = rss_mb() - rss_before
        for reader in readers:
            reader.close()
        fts = timed(sessions, lambda: lambda text: fts_ids(fts_db, text))
        like = timed(sessions, lambda: lambda text: like_ids(like_db, text))
        assert memory[2] == like[2], "the in-memory scan and LIKE disagree"
        assert fts[2] == like[2], "FTS5 and LIKE disagree"
        print(f"FTS5 trigram index: built in {fts_build:.1f} s, index file "
              f"{plain_size / 2**20:.0f} MB -> {fts_size / 2**20:.0f} MB; in-memory scan adds "
              f"{rss_memory:.0f} MB RSS over {len(sessions)} readers")
        print(f"{'key to results':34} {'median':>9} {'p90':>9} {'first key p90':>14}")
        for name, (every, firsts, _answers) in (
                ("in-memory scan (the queue today)", memory), ("FTS5 trigram + LIKE", fts),
                ("LIKE over the search index", like)):
            print(f"{name:34} {statistics.median(every) * 1000:7.1f}ms {p90(every) * 1000:7.1f}ms "
                  f"{p90(firsts) * 1000:12.1f}ms  "
                  f"{'MET' if p90(every) < GOAL_S else 'MISSED'} (p90 < 50 ms)")
        print(f"load after: {os.getloadavg()[0]:.1f}")
        fts_db.close()
        like_db.close()
    finally:
        shutil.rmtree(scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
