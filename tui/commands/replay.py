"""``baogong replay FILE``: play a recorded session back on a scratch copy of its desk.

The session's desk is never touched: the replay runs on a copy (of ``--desk DIR``, or of the demo
desk for sessions recorded on it), which is deleted afterwards unless ``--keep DIR`` names where
to put it. Prints every file the replay created or changed (case files first, with their ids) and
how long it took. ``--real-speed`` waits the recorded time between keys; ``--show`` plays it in
this terminal instead of headless. ``--export-masked OUT`` writes a copy of the recording with the
caller's personal data masked (see :mod:`tui.replay.masking`) and replays nothing.

Exit status: 0 replayed; 2 the recording or the desk cannot be used (including a desk whose
contents differ from the recorded fingerprint, unless ``--force``, and a recording with numbers
out of range or cut short: see the limits in :mod:`tui.recording`), or an output cannot be
written.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from core.demo import copy_demo_desk
from core.problems import DeskError
from core.storage.atomic import write_atomic
from tui.commands import cannot_write, output_problem

HELP = "replay a recorded session on a scratch copy of its desk and list the cases it produced"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the recording (.toml)")
    parser.add_argument("--real-speed", action="store_true",
                        help="wait the recorded time between keys (default: as fast as possible)")
    parser.add_argument("--show", action="store_true",
                        help="play it in this terminal (hands off the keyboard)")
    parser.add_argument("--keep", metavar="DIR",
                        help="make the scratch desk at DIR (must not exist) and keep it")
    parser.add_argument("--screens", metavar="DIR",
                        help="write an SVG screenshot of every checkpoint to DIR")
    parser.add_argument("--force", action="store_true",
                        help="replay even if the desk is not the one the session was recorded on")
    parser.add_argument("--export-masked", metavar="OUT",
                        help="write a copy with callers' phones, names and addresses masked")
    parser.add_argument("--mask-text", action="store_true",
                        help="with --export-masked: mask descriptions and notes too")


def _fail(message: str) -> int:
    print(f"baogong replay: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    import asyncio

    from tui import recording as rec
    from tui.replay import masking, player

    try:
        recording = rec.load_recording(args.file)
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(Path.cwd()), file=sys.stderr)
        return 2
    for option, value, is_dir in (("--export-masked", args.export_masked, False),
                                  ("--screens", args.screens, True),
                                  ("--keep", args.keep, True)):
        if value and (wrong := output_problem(Path(value), directory=is_dir)) is not None:
            return _fail(f"{option} {value}: {wrong}")
    if args.export_masked:
        fields = masking.PERSONAL_FIELDS | (masking.TEXT_FIELDS if args.mask_text else frozenset())
        try:
            rec.save_recording(masking.mask_recording(recording, fields), args.export_masked)
        except OSError as exc:
            return cannot_write("replay", exc, args.export_masked)
        print(f"masked {', '.join(sorted(fields))}: {args.export_masked}")
        return 0
    given = getattr(args, "desk", None)
    source = recording.session.desk.source
    if not given and source != rec.DEMO:
        return _fail(f"this session was recorded on the desk at {source}; give --desk DIR "
                     "with a copy of that desk as it was when recording started")
    scratch_parent = None
    if args.keep:
        target = Path(args.keep)
        if target.exists():
            return _fail(f"--keep {target}: already exists")
    else:
        scratch_parent = Path(tempfile.mkdtemp(prefix="baogong-replay-"))
        target = scratch_parent / "desk"
    try:
        try:
            if given:
                shutil.copytree(Path(given).expanduser(), target, ignore=shutil.ignore_patterns(
                    ".index", ".locks", ".drafts", "*.tmp"))
            else:
                copy_demo_desk(target)
        except OSError as exc:
            return _fail(f"cannot make the scratch desk at {target}: {exc.strerror or exc}")
        print(rec.describe(recording))
        try:
            result = asyncio.run(player.replay(
                recording, target, real_speed=args.real_speed, show=args.show,
                screenshots=bool(args.screens), check_desk=not args.force))
        except player.DeskMismatch as exc:
            return _fail(f"{exc}; --force replays anyway (the case ids and files will differ)")
        for name in sorted(result.files, key=lambda n: (not n.startswith("cases/"), n)):
            if name.startswith("cases/"):
                print(f"case {Path(name).stem}  {target / name}")
            else:
                print(f"file {target / name}")
        if args.screens:
            directory = Path(args.screens)
            try:
                directory.mkdir(exist_ok=True)
                for index, (name, svg) in enumerate(result.screens.items(), start=1):
                    write_atomic(directory / f"{index:02d}-{name}.svg", svg.encode("utf-8"),
                                 mode=0o644)
            except OSError as exc:
                return cannot_write("replay", exc, str(directory))
            print(f"{len(result.screens)} checkpoint screen(s) in {directory}")
        speed = "real speed" if args.real_speed else "as fast as possible"
        print(f"replayed {result.keys} keys of a {recording.session.duration:.0f} s session in "
              f"{result.seconds:.2f} s ({speed}); {len(result.case_ids)} case(s), "
              f"{len(result.files)} file(s)" + (f"; desk kept at {target}" if args.keep else ""))
        return 0
    finally:
        if scratch_parent is not None:
            shutil.rmtree(scratch_parent, ignore_errors=True)
