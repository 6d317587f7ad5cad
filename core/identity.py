"""Who is acting (身份): the operating system says, not the caller.

- **The operator** a change is attributed to (``created_by``, a history entry's ``operator``, a
  ledger batch's ``operator``) is the account of the process's real uid,
  ``pwd.getpwuid(os.getuid())``. ``LOGNAME``, ``USER`` and a name passed on the command line are
  set by whoever starts the process, so they are never believed.
- **A training desk** (``desk.toml``: ``training = true``) is the one exception: there a name the
  caller gives (``baogong --operator``, the ``operator=``, ``supervisor=`` and ``signed_by=``
  arguments of :mod:`core`) is taken as given, so a class can play every role from one account.
  The app shows 培训 TRAINING in its header line on such a desk. Anywhere else a name other than
  the process's own account is refused with :class:`NotTheOperator`.
- **Supervisors** (值班长) are the accounts listed in ``supervisors`` and the members of the OS
  group ``supervisor_group`` (its member list in ``/etc/group`` and the accounts whose primary
  group it is). A supervisor's action (a manual level, a period sign-off, an approval) is refused
  with :class:`NotASupervisor` for anyone else.

Every part of :mod:`core` asks this module, and only this module, who is acting.
"""

from __future__ import annotations

import grp
import os
import pwd
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.desk import Desk


class NotTheOperator(PermissionError):
    """A name other than the process's own account was given on a desk that is not for
    training."""


class NotASupervisor(PermissionError):
    """Only the desk's supervisors (值班长) may do this."""


def os_account() -> str:
    """The login name of the process's real uid (``uidNNNN`` if the system has no name for it)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def acting_name(desk: Desk, claimed: str | None = None) -> str:
    """The name an action of this process is recorded under.

    ``claimed`` (a name the caller passes) is accepted only when it is the process's own
    account, or on a training desk; otherwise :class:`NotTheOperator`.
    """
    account = os_account()
    if claimed is None or claimed == "" or claimed == account:
        return account
    if desk.settings.training:
        return claimed
    raise NotTheOperator(
        f"this process runs as {account!r} and cannot act as {claimed!r}: names are taken from "
        f"the system account; only a training desk (desk.toml: training = true) accepts another"
    )


def group_exists(group: str) -> bool:
    try:
        grp.getgrnam(group)
    except KeyError:
        return False
    return True


def group_members(group: str) -> frozenset[str]:
    """The accounts in the OS group ``group``: its listed members and those whose primary group
    it is; empty if there is no such group."""
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return frozenset()
    members = set(entry.gr_mem)
    members.update(p.pw_name for p in pwd.getpwall() if p.pw_gid == entry.gr_gid)
    return frozenset(members)


def supervisors(desk: Desk) -> tuple[str, ...]:
    """Every supervisor of ``desk``: the listed accounts, then the group's members, sorted."""
    listed = tuple(desk.settings.supervisors)
    group = desk.settings.supervisor_group
    from_group = sorted(group_members(group) - set(listed)) if group else []
    return (*listed, *from_group)


def is_member(name: str, group: str) -> bool:
    """Whether the account ``name`` is in the OS group ``group`` (listed, or as its primary
    group)."""
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return False
    if name in entry.gr_mem:
        return True
    try:
        return pwd.getpwnam(name).pw_gid == entry.gr_gid
    except KeyError:
        return False


def is_supervisor(desk: Desk, name: str) -> bool:
    if name in desk.settings.supervisors:
        return True
    group = desk.settings.supervisor_group
    return bool(group) and is_member(name, group)


def describe_supervisors(desk: Desk) -> str:
    """Who the supervisors are, for a message: the listed accounts and the group."""
    parts = list(desk.settings.supervisors)
    if desk.settings.supervisor_group:
        parts.append(f"group {desk.settings.supervisor_group}")
    return ", ".join(parts) or "none"


def require_supervisor(desk: Desk, claimed: str | None = None) -> str:
    """The supervisor acting (see :func:`acting_name`); :class:`NotASupervisor` if they are not
    one of the desk's supervisors, :class:`NotTheOperator` if ``claimed`` is someone else."""
    name = acting_name(desk, claimed)
    if not is_supervisor(desk, name):
        raise NotASupervisor(
            f"{name!r} is not a supervisor of this desk (supervisors: "
            f"{describe_supervisors(desk)}); only a supervisor may do this"
        )
    return name
