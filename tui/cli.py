"""The ``baogong`` command: with no subcommand it opens the operators' desk.

Subcommands are thin shells over :mod:`core`; they never import Textual, so scripts that call them
start fast.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

#: subcommand -> module in tui.commands implementing it
COMMANDS: dict[str, str] = {
    "init": "init",
    "check": "check",
    "classify": "classify",
    "pack": "pack",
    "round": "round",
    "reconcile": "reconcile",
    "export": "export",
    "import": "register_import",
    "ledger": "ledger",
    "prices": "prices",
    "replay": "replay",
    "record-test": "record_test",
    "sync": "sync",
    "clone": "clone",
    "merge-case": "merge_case",
    "site-ids": "site_ids",
    "tick": "tick",
    "allocation": "allocation",
    "city": "city",
}

#: exit status of a command that failed inside baogong (EX_SOFTWARE): not 1 (findings) nor 2
#: (unusable input); the details go to a log file named on stderr
INTERNAL_ERROR = 70


def _load(name: str) -> ModuleType | None:
    module = f"tui.commands.{name}"
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def add_desk_argument(parser: argparse.ArgumentParser, *, main: bool = True) -> None:
    parser.add_argument(
        "--desk",
        metavar="DIR",
        # on a subcommand, an absent --desk must not hide one given before the subcommand
        default=None if main else argparse.SUPPRESS,
        help="the desk directory (default: your own desk, a copy of the demo desk at first)",
    )


#: the main options that take a value: what follows one is not a command
_VALUED_OPTIONS = ("--desk", "--lang", "--operator", "--record")


def _named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, if any: only its module is then imported (a script calling
    ``baogong import`` does not wait for every other command's imports)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUED_OPTIONS:
            skip = True
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def _help_of(module_name: str) -> str | None:
    """A command's ``HELP``, read from its module's source without importing the module (and
    everything it imports): ``baogong --help`` lists every command at the cost of reading a few
    files."""
    path = Path(__file__).parent / "commands" / f"{module_name}.py"
    try:
        tree = ast.parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if (isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "HELP" for t in node.targets)):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            return value if isinstance(value, str) else None
    return None


def build_parser(only: str | None = None, *, describe: bool = True) -> argparse.ArgumentParser:
    """The command line; with ``only``, that command alone is imported and configured, the others
    are only named (their help read with :func:`_help_of`, or not at all without ``describe``:
    the app's start does not list them)."""
    parser = argparse.ArgumentParser(
        prog="baogong",
        description="保供热线台 Emergency supply hotline desk. With no command, opens the desk.",
    )
    add_desk_argument(parser)
    parser.add_argument("--lang", choices=["zh", "en"], help="language of the app")
    parser.add_argument("--operator", help="operator name (default: your login name)")
    parser.add_argument("--record", metavar="FILE", help="record this session to FILE")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command, module_name in COMMANDS.items():
        if only is not None and command != only:
            continue
        if only is None:
            sub.add_parser(command, help=_help_of(module_name) if describe else None)
            continue
        module = _load(module_name)
        if module is None:
            continue
        command_parser = sub.add_parser(command, help=module.HELP, description=module.HELP)
        if not any(a.dest == "desk" for a in command_parser._actions):
            add_desk_argument(command_parser, main=False)
        module.configure(command_parser)
        command_parser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    parser = build_parser(_named_command(given),
                          describe=any(a in ("-h", "--help") for a in given))
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is not None:
        try:
            status: int = args.run(args)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            # the reader went away (`baogong ... | head`): not an error worth a traceback
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except Exception as exc:  # a bug: one line for the user, the traceback in a log file
            return internal_error(args.command, exc, argv)
        return status
    if getattr(args, "record", None):
        from tui.replay.recorder import record_from_args  # issue 7: record this session

        return record_from_args(args)
    from tui.launch import run_app  # Textual is imported only when the app starts

    return int(run_app(args))


def internal_error(command: str, exc: Exception, argv: Sequence[str] | None) -> int:
    """Write ``exc``'s traceback to a log file, say so in one line and return INTERNAL_ERROR."""
    from core.storage.atomic import create_atomic
    from tui.deskpath import user_log_dir

    stamp = datetime.now(UTC)
    details = (f"baogong {command}: internal error at {stamp.isoformat()}\n"
               f"arguments: {list(sys.argv[1:] if argv is None else argv)!r}\n"
               f"python: {sys.version.split()[0]}\n\n"
               + "".join(traceback.format_exception(exc)))
    name = f"error-{stamp:%Y%m%dT%H%M%S.%f}-{os.getpid()}.log"
    log: Path | None = None
    for directory in (user_log_dir(), Path(tempfile.gettempdir())):
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            candidate = directory / name
            # the arguments may name callers' files: readable by this user only, never overwritten
            create_atomic(candidate, details.encode("utf-8"), mode=0o600)
        except OSError:
            continue
        log = candidate
        break
    where = f"details in {log}" if log is not None else "no log file could be written"
    summary = str(exc).splitlines()[0] if str(exc) else ""
    print(f"baogong {command}: internal error ({type(exc).__name__}"
          f"{': ' + summary if summary else ''}); {where}", file=sys.stderr)
    return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
