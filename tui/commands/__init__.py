"""``baogong`` subcommands, one module each.

A command module defines ``HELP`` (one line), ``configure(parser)`` to add its arguments and
``run(args) -> int`` returning the exit status: 0 all good, 1 findings, 2 unusable input.
"""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """An argument's ``YYYY-MM-DD`` (argparse reports anything else as a usage error)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
