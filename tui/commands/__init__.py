"""``baogong`` subcommands, one module each.

A command module defines ``HELP`` (one line), ``configure(parser)`` to add its arguments and
``run(args) -> int`` returning the exit status: 0 all good, 1 findings, 2 unusable input.
"""
