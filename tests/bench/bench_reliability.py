"""Case store reliability, measured: kills, collisions, lost updates, bad inputs, nothing lost.

    python tests/bench/bench_reliability.py [--kills 2000] [--rounds 100] [--bad 2000] [--seed 0]

Runs, each on a fresh desk in a scratch directory:
- the kill loop of ``tests/store_stress.py``: a writer creating cases and noting a case in turn,
  SIGKILLed ``--kills`` times at random moments or the instant a file changes; after every kill
  each changed case file must parse and every acknowledged write must be there;
- ``--rounds`` rounds of four processes saving the same loaded revision at the same instant
  (exactly one may win), four processes making 50 updates each to one case with retries, and
  eight processes creating 100 cases each at once;
- ``--bad`` corrupted copies of a real case file (truncated, bytes flipped, garbage inserted,
  invalid UTF-8, empty): each one that is not a valid case must be reported with its path by the
  index and by ``check``, refused by a save, and left byte for byte as it was.

Prints the figures and exits 1 if anything was torn, lost, duplicated or touched.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import attrs

import core
from core.cases.store import case_path, decode_case
from core.check import check_desk
from tests.conftest import MINIMAL_SETTINGS
from tests.store_stress import T0, KillLoop, contend, create, race


def new_desk(scratch: Path, name: str) -> Path:
    root = scratch / name
    root.mkdir()
    (root / "desk.toml").write_text(MINIMAL_SETTINGS, encoding="utf-8")
    return root


def corrupt(raw: bytes, rng: random.Random, kind: int) -> bytes:
    position = rng.randrange(1, len(raw))
    if kind == 0:
        return raw[:position]
    if kind == 1:
        return raw[:position] + bytes([raw[position] ^ rng.randrange(1, 256)]) + raw[position + 1:]
    if kind == 2:
        return raw[:position] + rng.randbytes(rng.randrange(1, 64)) + raw[position:]
    if kind == 3:
        return raw[:position] + b"\xff\xfe" + raw[position:]
    return b"" if rng.random() < 0.5 else rng.randbytes(rng.randrange(1, 4096))


def bad_inputs(root: Path, count: int, seed: int) -> dict[str, int]:
    """Write ``count`` corrupted case files; each invalid one must be reported and left alone."""
    rng = random.Random(seed)
    desk = core.open_desk(root)
    good = desk.cases.create(core.Category.SHORTAGE, operator="bench", created=T0,
                             caller=core.Caller(name="基准", phone="13900000000"),
                             description="基准测试来电")
    for n in range(5):
        good = desk.cases.act(good, core.Action.NOTE, operator="bench", note=f"第{n}次回访")
    raw = desk.cases.path_for(good.id).read_bytes()
    desk.cases.index.close()
    invalid: dict[Path, str] = {}
    valid = 0
    for n in range(count):
        case_id = f"20261124-{n + 1:04d}"
        data = corrupt(raw.replace(good.id.encode(), case_id.encode()), rng, n % 5)
        path = case_path(root / "cases", case_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if decode_case(path, data)[0] is None:
            invalid[path] = hashlib.sha256(data).hexdigest()
        else:  # e.g. a flipped byte inside a note: a different, valid case
            valid += 1
    escaped = 0
    desk = core.open_desk(root)
    try:
        desk.cases.refresh()
        indexed = {Path(p.path) for p in desk.cases.problems()}
    except Exception:
        escaped += 1
        indexed = set()
    try:
        checked = {Path(p.path) for p in check_desk(root).problems}
    except Exception:
        escaped += 1
        checked = set()
    refused = 0
    for path in invalid:
        stale = attrs.evolve(good, id=path.stem)
        try:
            desk.cases.act(stale, core.Action.NOTE, operator="bench", note="不应写入")
        except core.DeskError:
            refused += 1
        except Exception:
            escaped += 1
    desk.cases.index.close()
    untouched = sum(hashlib.sha256(path.read_bytes()).hexdigest() == digest
                    for path, digest in invalid.items())
    return {"tried": count, "invalid": len(invalid), "valid_after_corruption": valid,
            "reported_by_index": len(indexed & invalid.keys()),
            "reported_by_check": len(checked & invalid.keys()), "save_refused": refused,
            "untouched": untouched, "escaped_exceptions": escaped}


def main() -> int:
    parser = argparse.ArgumentParser(description="case store reliability benchmark")
    parser.add_argument("--kills", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--bad", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="baogong-reliability-"))
    failures: list[str] = []
    try:
        t0 = time.monotonic()
        killed = KillLoop(new_desk(scratch, "kill"), args.kills, args.seed,
                          hot_cases=max(4, args.kills // 50)).run()
        findings = {key: killed[key] for key in
                    ("torn", "seen_torn", "lost", "duplicates", "gaps", "writer_errors")}
        print(f"kill loop: {killed['kills']} SIGKILLs in {killed['seconds']:.0f} s; "
              f"{killed['creates_acknowledged']} creates and {killed['notes_acknowledged']} "
              f"notes acknowledged, {killed['unacknowledged_writes']} writes landed but killed "
              f"before their acknowledgement, {killed['cases']} case files, "
              f"{killed['temporaries_left']} temporaries left")
        print("  torn or empty files: {}, seen torn: {}, lost writes: {}, duplicates: {}, "
              "gaps: {}, writer errors: {}".format(*(len(v) for v in findings.values())))
        failures += [line for lines in findings.values() for line in lines]
        if killed["kills"] != args.kills:
            failures.append(f"the kill loop stopped after {killed['kills']} kills")

        raced = race(str(new_desk(scratch, "race")), 4, args.rounds)
        outcomes = Counter((r["saved"], r["conflict"]) for r in raced["rounds"])
        print(f"same revision, 4 savers at once: {args.rounds} rounds, "
              f"{sum(r['conflict'] for r in raced['rounds'])} ConflictErrors, "
              f"rounds with exactly one winner: {outcomes[(1, 3)]}")
        if outcomes[(1, 3)] != args.rounds or len(raced["notes"]) != args.rounds:
            failures.append(f"same-revision rounds: {dict(outcomes)}")

        updated = contend(str(new_desk(scratch, "contend")), 4, 50)
        lost = len(set(updated["saved"]) - set(updated["notes"]))
        doubled = len(updated["notes"]) - len(set(updated["notes"]))
        print(f"4 processes x 50 updates of one case: {len(updated['saved'])} saved after "
              f"{updated['conflicts']} ConflictErrors retried, lost updates: {lost}, "
              f"duplicated: {doubled}, final revision {updated['revision']}")
        if lost or doubled or updated["revision"] != 201:
            failures.append("contended updates lost or repeated a save")

        made = create(str(new_desk(scratch, "create")), 8, 100)
        acknowledged = dict(made["acknowledged"])
        missing = len(acknowledged.items() - made["on_disk"].items())
        numbers = sorted(int(case_id[-4:]) for case_id in made["on_disk"])
        print(f"8 processes x 100 creates at once: {len(made['on_disk'])} cases, "
              f"{made['collisions']} name collisions resolved, duplicates: "
              f"{len(made['acknowledged']) - len(acknowledged)}, lost: {missing}, "
              f"numbers 1..{len(numbers)} without gaps: {numbers == list(range(1, 801))}")
        if missing or len(acknowledged) != 800 or numbers != list(range(1, 801)):
            failures.append("concurrent creates lost, repeated or skipped a case")

        bad = bad_inputs(new_desk(scratch, "bad"), args.bad, args.seed)
        print(f"bad inputs: {bad['tried']} corrupted case files, {bad['invalid']} invalid "
              f"({bad['valid_after_corruption']} still valid cases); reported by the index "
              f"{bad['reported_by_index']}, by check {bad['reported_by_check']}, saves refused "
              f"{bad['save_refused']}, left byte-identical {bad['untouched']}, exceptions "
              f"escaped {bad['escaped_exceptions']}")
        if not (bad["invalid"] == bad["reported_by_index"] == bad["reported_by_check"]
                == bad["save_refused"] == bad["untouched"]) or bad["escaped_exceptions"]:
            failures.append("a bad input was not reported, refused and left alone")
        print(f"total {time.monotonic() - t0:.0f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for failure in failures[:20]:
        print(f"FAILED: {failure}")
    print("nothing lost" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
