"""Real processes against one desk's case store: racing saves, racing creates and a kill loop.

    python -m tests.store_stress race DESK [--workers 4] [--rounds 8]
    python -m tests.store_stress contend DESK [--workers 4] [--updates 8]
    python -m tests.store_stress create DESK [--workers 4] [--each 20]
    python -m tests.store_stress kill DESK [--kills 200] [--seed 0]

Each prints one JSON object of what happened; the tests and ``tests/bench/bench_reliability.py``
judge it. Run it in a fresh interpreter: it forks its workers, which is only safe in a process
without other threads (pytest's workers have some). Workers are released together by a barrier,
so they really contend. ``core`` in the output is the ``core/storage/atomic.py`` the processes ran,
so a caller can check which tree it tested.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import core
import core.cases.store
import core.storage.atomic
from core.cases.store import decode_case

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = "20261123"
FORK = multiprocessing.get_context("fork")

#: makes case files tens of kilobytes long, so that writing one takes a while
PADDING = "记" * 200


def _open(root: str) -> core.Desk:
    return core.open_desk(root)


def _first_case(root: str) -> str:
    desk = _open(root)
    case = desk.cases.create(core.Category.SHORTAGE, operator="setup", created=T0)
    desk.cases.index.close()
    return case.id


class WorkerFailed(Exception):
    pass


def _work(target: Callable[..., Any], number: int, barrier: Barrier, results: Any,
          args: tuple[Any, ...]) -> None:
    try:
        results.put(target(number, barrier, *args))
    except BaseException as exc:
        barrier.abort()  # the others stop waiting for this one
        results.put(WorkerFailed(f"worker {number}: {type(exc).__name__}: {exc}"))


def _run_workers(target: Callable[..., Any], count: int, *args: Any) -> list[Any]:
    """Run ``target(number, barrier, *args)`` in ``count`` forked workers; what they returned.

    :class:`WorkerFailed` if one raised.
    """
    barrier = FORK.Barrier(count, timeout=60)
    results = FORK.SimpleQueue()
    workers = [FORK.Process(target=_work, args=(target, n, barrier, results, args))
               for n in range(count)]
    for worker in workers:
        worker.start()
    collected = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    failures = [str(result) for result in collected if isinstance(result, WorkerFailed)]
    if failures:
        raise WorkerFailed("; ".join(failures))
    return collected


# --- one revision, many savers ----------------------------------------------------------------


def _race_worker(number: int, barrier: Barrier, root: str, case_id: str,
                 round_number: int) -> str:
    desk = _open(root)
    loaded = desk.cases.get(case_id)
    barrier.wait()
    try:
        desk.cases.act(loaded, core.Action.NOTE, operator=f"w{number}",
                       note=f"round {round_number} worker {number}")
    except core.ConflictError:
        return "conflict"
    return "saved"


def race(root: str, workers: int, rounds: int) -> dict[str, Any]:
    """Each round, ``workers`` processes load the same revision and save at the same instant."""
    case_id = _first_case(root)
    outcomes = [Counter(_run_workers(_race_worker, workers, root, case_id, r))
                for r in range(rounds)]
    final = _open(root).cases.get(case_id)
    return {"core": core.storage.atomic.__file__,
            "rounds": [{"saved": o["saved"], "conflict": o["conflict"]} for o in outcomes],
            "notes": [e.note for e in final.history[1:]], "revision": final.revision}


# --- many updates, retried on conflict --------------------------------------------------------


def _contend_worker(number: int, barrier: Barrier, root: str, case_id: str,
                    updates: int) -> dict[str, Any]:
    desk = _open(root)
    barrier.wait()
    saved, conflicts = [], 0
    for n in range(updates):
        while True:
            case = desk.cases.get(case_id)
            note = f"worker {number} update {n}"
            try:
                desk.cases.act(case, core.Action.NOTE, operator=f"w{number}", note=note)
            except core.ConflictError:
                conflicts += 1
                continue
            saved.append(note)
            break
    return {"saved": saved, "conflicts": conflicts}


def contend(root: str, workers: int, updates: int) -> dict[str, Any]:
    """Each of ``workers`` processes read-modify-saves one case ``updates`` times, retrying."""
    case_id = _first_case(root)
    reports = _run_workers(_contend_worker, workers, root, case_id, updates)
    final = _open(root).cases.get(case_id)
    return {"core": core.storage.atomic.__file__,
            "saved": [note for report in reports for note in report["saved"]],
            "conflicts": sum(report["conflicts"] for report in reports),
            "notes": [e.note for e in final.history[1:]], "revision": final.revision}


# --- many creates at once ---------------------------------------------------------------------


def _create_worker(number: int, barrier: Barrier, root: str, each: int) -> dict[str, Any]:
    collisions = 0
    create_atomic = core.cases.store.create_atomic

    def counting_create(path: Path, data: bytes, *, mode: int) -> None:
        nonlocal collisions
        try:
            create_atomic(path, data, mode=mode)
        except FileExistsError:
            collisions += 1
            raise

    core.cases.store.create_atomic = counting_create  # this worker's own copy of the module
    desk = _open(root)
    barrier.wait()
    created = []
    for n in range(each):
        case = desk.cases.create(core.Category.GROCERIES, operator=f"w{number}", created=T0,
                                 description=f"worker {number} case {n}")
        created.append([case.id, case.description])
    return {"created": created, "collisions": collisions}


def create(root: str, workers: int, each: int) -> dict[str, Any]:
    """``workers`` processes create ``each`` cases of the same day at the same instant.

    ``collisions`` counts the names a worker found taken by another and so skipped.
    """
    reports = _run_workers(_create_worker, workers, root, each)
    on_disk = {}
    for path, case, problems in _open(root).cases.scan():
        on_disk[path.stem] = case.description if case is not None else f"unreadable: {problems}"
    return {"core": core.storage.atomic.__file__,
            "acknowledged": [pair for report in reports for pair in report["created"]],
            "collisions": sum(report["collisions"] for report in reports),
            "on_disk": on_disk}


# --- the kill loop ----------------------------------------------------------------------------


def _writer(root: str, hot_id: str, round_number: int, channel: int) -> None:
    """Create cases and note the hot case in turn, acknowledging each write once it returned."""
    desk = _open(root)
    hot = desk.cases.get(hot_id)
    os.write(channel, b"ready\n")
    n = 0
    while True:
        n += 1
        tag = f"r{round_number}.{n}"
        if n % 2:
            case = desk.cases.create(core.Category.GROCERIES, operator="stress", created=T0,
                                     description=f"{tag} {PADDING * 9}",  # near the limit
                                     note=PADDING * 16)  # the file as large as before
            os.write(channel, f"created {case.id} {tag}\n".encode())
        else:
            hot = desk.cases.act(hot, core.Action.NOTE, operator="stress",
                                 note=f"{tag} {PADDING}")
            os.write(channel, f"noted {hot_id} {tag}\n".encode())


def _fork_writer(root: str, hot_id: str, round_number: int) -> tuple[int, int]:
    """Fork a writer; its pid and the read end of its acknowledgement channel."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(read_end)
            _writer(root, hot_id, round_number, write_end)
        except BaseException as exc:
            os.write(write_end, f"error {type(exc).__name__}: {exc}\n".encode())
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _read_line(fd: int) -> str:
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            break
        line += chunk
    return line.decode()


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _kill_when_written(pid: int, watched: Path, timeout: float) -> str:
    """Kill ``pid`` the instant ``watched`` changes; ``"empty"`` if it was empty then."""
    name = str(watched)
    before = _signature(watched)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for _ in range(1000):  # as tight as Python gets: a half-done write lasts microseconds
            try:
                stat = os.stat(name)
            except FileNotFoundError:
                continue
            if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != before:
                os.kill(pid, signal.SIGKILL)
                return "empty" if stat.st_size == 0 else ""
    os.kill(pid, signal.SIGKILL)
    return ""


class KillLoop:
    """Kills writers at random moments and checks the desk after every kill.

    A quarter of the kills come after a random delay, the others the instant a file the writer
    is writing is seen to change: half the next new case file appearing, a quarter the hot case's
    file being replaced. That is when a write that is not atomic would be caught half done.
    """

    def __init__(self, root: Path, kills: int, seed: int, hot_cases: int) -> None:
        self.root = root
        self.kills = kills
        self.random = random.Random(seed)
        self.directory = root / "cases" / DAY[:4] / DAY[4:6] / DAY[6:8]
        desk = _open(str(root))
        self.hot = [desk.cases.create(core.Category.SHORTAGE, operator="setup", created=T0,
                                      description="hot").id for _ in range(hot_cases)]
        desk.cases.index.close()
        self.seen: dict[str, tuple[int, int, int]] = {}
        self.notes: dict[str, Counter[str]] = {}
        self.tags: dict[str, str] = {}  # case id -> the tag its description starts with
        self.uids: dict[str, str] = {}
        self.acknowledged_creates: dict[str, str] = {}
        self.acknowledged_notes: dict[str, set[str]] = {case_id: set() for case_id in self.hot}
        self.done = 0
        self.files_read = 0
        self.torn: list[str] = []
        self.seen_torn: list[str] = []
        self.lost: list[str] = []
        self.duplicates: list[str] = []
        self.gaps: list[str] = []
        self.writer_errors: list[str] = []
        self.unacknowledged_writes = 0

    def findings(self) -> list[str]:
        return (self.torn + self.seen_torn + self.lost + self.duplicates + self.gaps
                + self.writer_errors)

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        self.check()
        for round_number in range(self.kills):
            self.one_round(round_number)
            if self.findings():
                break
        return {
            "core": core.storage.atomic.__file__, "kills": self.done,
            "seconds": round(time.monotonic() - started, 1),
            "creates_acknowledged": len(self.acknowledged_creates),
            "notes_acknowledged": sum(len(n) for n in self.acknowledged_notes.values()),
            "unacknowledged_writes": self.unacknowledged_writes,
            "files_read": self.files_read, "cases": len(self.tags),
            "temporaries_left": len(
                core.storage.atomic.leftover_temporaries(self.root, older_than=0)),
            "torn": self.torn, "seen_torn": self.seen_torn, "lost": self.lost,
            "duplicates": self.duplicates, "gaps": self.gaps, "writer_errors": self.writer_errors,
        }

    def one_round(self, round_number: int) -> None:
        hot_id = self.hot[round_number % len(self.hot)]
        pid, channel = _fork_writer(str(self.root), hot_id, round_number)
        ready = _read_line(channel)
        if ready == "ready\n":
            if round_number % 4 == 0:
                time.sleep(self.random.uniform(0, 0.03))
            else:
                if round_number % 4 == 2:
                    watched = self.directory / f"{hot_id}.toml"
                else:
                    watched = self.directory / f"{DAY}-{len(self.tags) + 1:04d}.toml"
                if _kill_when_written(pid, watched, timeout=0.2) == "empty":
                    self.seen_torn.append(f"kill {round_number}: a reader saw an empty case file")
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        self.done += 1
        for line in (ready + _read_all(channel)).splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "created":
                case_id, tag = rest.split(" ")
                self.acknowledged_creates[case_id] = tag
            elif kind == "noted":
                case_id, tag = rest.split(" ")
                self.acknowledged_notes[case_id].add(tag)
            elif kind == "error":
                self.writer_errors.append(f"kill {round_number}: writer failed: {rest}")
        self.check(round_number)

    def check(self, round_number: int = -1) -> None:
        """Every case file that changed since the last check is whole and holds what was acked."""
        where = f"kill {round_number}"
        with os.scandir(self.directory) as entries:
            names = [e.name for e in entries
                     if e.name.endswith(".toml") and not e.name.startswith(".")]
        for name in names:
            path = self.directory / name
            signature = _signature(path)
            if signature is None or self.seen.get(name) == signature:
                continue
            self.seen[name] = signature
            self.files_read += 1
            case, problems = decode_case(path, path.read_bytes())
            if case is None:
                state = "empty" if signature[1] == 0 else f"torn ({signature[1]} bytes)"
                self.torn.append(f"{where}: {name} is {state}: {problems[0].message}")
                continue
            if self.uids.setdefault(case.uid, case.id) != case.id:
                self.duplicates.append(f"{where}: {case.id} has the uid of {self.uids[case.uid]}")
            tag = case.description.split(" ")[0]
            if case.id not in self.tags and tag != "hot":
                if tag in self.tags.values():
                    self.duplicates.append(f"{where}: {case.id} repeats {tag}")
                if case.id not in self.acknowledged_creates:
                    self.unacknowledged_writes += 1
            self.tags[case.id] = tag
            notes = Counter(e.note.split(" ")[0] for e in case.history[1:])
            previous = self.notes.get(case.id, Counter())
            self.unacknowledged_writes += len(
                set(notes) - set(previous) - self.acknowledged_notes.get(case.id, set()))
            self.notes[case.id] = notes
            twice = [tag for tag, count in notes.items() if count > 1]
            if twice:
                self.duplicates.append(f"{where}: {case.id} holds notes {twice} twice")
        for case_id, tag in self.acknowledged_creates.items():
            if self.tags.get(case_id) != tag:
                self.lost.append(f"{where}: acknowledged case {case_id} ({tag}) is "
                                 f"{self.tags.get(case_id, 'missing')}")
        for case_id, tags in self.acknowledged_notes.items():
            missing = sorted(tags - set(self.notes.get(case_id, Counter())))
            if missing:
                self.lost.append(f"{where}: acknowledged notes {missing} of {case_id} are gone")
        numbers = sorted(int(case_id.split("-")[1]) for case_id in self.tags)
        if numbers != list(range(1, len(numbers) + 1)):
            self.gaps.append(f"{where}: case numbers are not 1..{len(numbers)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.store_stress")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("race", "contend", "create", "kill"):
        command = commands.add_parser(name)
        command.add_argument("desk")
        if name != "kill":
            command.add_argument("--workers", type=int, default=4)
    commands.choices["race"].add_argument("--rounds", type=int, default=8)
    commands.choices["contend"].add_argument("--updates", type=int, default=8)
    commands.choices["create"].add_argument("--each", type=int, default=20)
    commands.choices["kill"].add_argument("--kills", type=int, default=200)
    commands.choices["kill"].add_argument("--seed", type=int, default=0)
    commands.choices["kill"].add_argument("--hot-cases", type=int, default=4)
    args = parser.parse_args(argv)
    if args.command == "race":
        report = race(args.desk, args.workers, args.rounds)
    elif args.command == "contend":
        report = contend(args.desk, args.workers, args.updates)
    elif args.command == "create":
        report = create(args.desk, args.workers, args.each)
    else:
        report = KillLoop(Path(args.desk), args.kills, args.seed, args.hot_cases).run()
    json.dump(report, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
