"""Generate a large desk for benchmarks: the demo desk's reference data plus N synthetic cases.

Case files are written with ``core.cases.store.encode_case`` (so they are exactly what the store
writes) but without fsync, and the result is cached: the same N gives the same desk, reused.

    python tests/bench/gen_desk.py --cases 100000 [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import core
from core.cases.case import Action, CaseStatus, Category, apply, new_case
from core.cases.store import case_path, encode_case
from core.demo import copy_demo_desk

ZONE = ZoneInfo("Asia/Shanghai")
FORMAT = 1  # bump when the generated content changes


def default_location(cases: int) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "baogong-bench" / f"desk-{cases}-v{FORMAT}"


def generate(cases: int, out: Path | None = None, *, seed: int = 7) -> Path:
    out = out or default_location(cases)
    done = out / ".generated"
    if done.exists() and done.read_text() == str(cases):
        return out
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    copy_demo_desk(out)
    shutil.rmtree(out / "cases")
    desk = core.open_desk(out)
    rng = random.Random(seed)
    households = list(desk.households.values())
    categories = list(Category)
    operators = ["wang.li", "zhao.qing", "liu.yang", "chen.jing", "ma.rui"]
    rules = desk.settings.sla
    start = datetime(2026, 8, 1, tzinfo=ZONE)
    span = timedelta(days=110).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(cases))
    sequence: dict[str, int] = {}
    made_dirs: set[Path] = set()
    for created in moments:
        created = created.replace(microsecond=0)
        day = created.strftime("%Y%m%d")
        sequence[day] = sequence.get(day, 0) + 1
        case_id = f"{day}-{sequence[day]:04d}"
        household = rng.choice(households)
        resident = rng.choice(household.residents)
        category = rng.choice(categories)
        case = new_case(
            case_id=case_id, category=category, created=created,
            operator=rng.choice(operators), rules=rules,
            uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            caller=core.Caller(name=resident.name, phone=resident.phone or household.phone,
                               address=core.Address(building=household.building,
                                                    unit=household.unit, room=household.room)),
            community=household.community, household=household.id, flags=household.flags,
            description=f"{category.info.name}：第{sequence[day]}号来电，{resident.name}反映情况。",
        )
        steps = rng.randrange(4)
        moment = created
        for action in (Action.DISPATCH, Action.START, Action.RESOLVE)[:steps]:
            moment += timedelta(minutes=rng.randint(5, 300))
            case = apply(case, action, operator=rng.choice(operators), time=moment, rules=rules,
                         note="办理记录")
        assert case.status in CaseStatus
        path = case_path(out / "cases", case_id)
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        with open(path, "wb") as handle:
            handle.write(encode_case(case))
        os.chmod(path, 0o600)
    done.write_text(str(cases))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    print(generate(args.cases, args.out))


if __name__ == "__main__":
    main()
