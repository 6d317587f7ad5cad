"""A desk is a git repository: started, cloned and synced with the ``git`` command line.

Git is the replication engine (offline commits, fetch and push over SSH or a shared directory,
history); baogong adds only what git cannot know:

- ``.gitignore`` keeps derived and local state out of the replicated files: the case index
  (``.index/``), locks, drafts, temporaries and this replica's ``local.toml``
  (:mod:`core.replica.site`);
- ``.gitattributes`` sends case files to baogong's merge driver (``merge=baogong-case``), which
  merges them by their history (:mod:`core.replica.casemerge`); the driver's command is set in
  the repository's own ``.git/config`` (local to the replica, refreshed by every sync);
- :func:`sync` commits what changed (one commit, the operator as author), fetches, merges and
  pushes each remote.

A sync interrupted at any point (``kill -9``, a lost network) leaves a desk that opens and syncs
again: everything local is committed before anything is fetched; a merge left half done is
undone (``git merge --abort``) before the next one, which starts again from that commit; lock
files of a git killed under the sync lock are stale and removed. A merge git cannot finish (a
reference file two sites changed on the same lines) is undone too and reported with the files
to settle: the desk is never left with conflict markers.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.problems import DeskError, Problem
from core.reference import SITE_PATTERN
from core.replica.site import LOCAL_FILE, write_local
from core.storage.atomic import PRIVATE_FILE_MODE, exclusive_lock, write_atomic

if TYPE_CHECKING:
    from core.desk import Desk

BRANCH = "main"
DRIVER = "baogong-case"
GITIGNORE = f"""\
# 派生与本机文件 Derived and local state, never replicated (baogong sync)
/.index/
/.locks/
/.drafts/
/{LOCAL_FILE}
/ledgers/.lock
*.tmp
.merge_file_*
__pycache__/
"""
GITATTRIBUTES = f"""\
# 工单按历史合并 Case files merge by their history (baogong merge-case)
cases/**/*.toml merge={DRIVER}
# 两地时钟都可能生成同一上报任务 Report-up tasks both sites' clocks may raise
levels/reportups/*.toml merge={DRIVER}
# 两地时钟都可能标记同一逾期、登记同一日报 Allocation flags and report sendings of both sites
allocation/late/*.toml merge={DRIVER}
allocation/reports/*.toml merge={DRIVER}
"""
#: where the replica keeps when it last synced: inside ``.git``, so never replicated
LAST_SYNC_FILE = "baogong-last-sync"
SYNC_LOCK = Path(".locks") / "sync.lock"
#: how many times a push refused because another site pushed first is retried (fetch, merge)
PUSH_ATTEMPTS = 4


class GitError(DeskError):
    """A git command failed: the command and what git said, for the operator."""


@attrs.frozen
class RemoteResult:
    """What one remote's fetch, merge and push did."""

    remote: str
    fetched: bool
    merged: bool
    pushed: bool
    #: files git could not merge (the merge was undone; settle them and sync again)
    conflicts: tuple[str, ...] = ()
    error: str = ""


@attrs.frozen
class SyncResult:
    """What :func:`sync` did: the commit of local changes (None: nothing changed) and each
    remote's outcome."""

    committed: str | None
    changed_files: int
    remotes: tuple[RemoteResult, ...]
    when: datetime

    @property
    def ok(self) -> bool:
        return all(r.error == "" and not r.conflicts for r in self.remotes)


def _environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")
           or key in ("GIT_SSH_COMMAND", "GIT_SSH")}
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_MERGE_AUTOEDIT": "no"})
    env.update(extra or {})
    return env


def git(root: Path, *args: str, env: Mapping[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``git -C root ARGS``; :class:`GitError` when it fails and ``check``."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              env=_environment(env), check=False)
    except FileNotFoundError:
        raise GitError([Problem(root, None, "git is not installed: install it (apt-get install "
                                            "git) to replicate desks")]) from None
    if check and done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise GitError([Problem(root, None, f"git {' '.join(args[:2])} failed: "
                                            f"{said[-1] if said else done.returncode}")])
    return done


def author(operator: str, site: str) -> dict[str, str]:
    """The environment that makes ``operator`` (at ``site``) the author of a commit."""
    email = f"{operator}@{site.lower() or 'desk'}.baogong"
    return {"GIT_AUTHOR_NAME": operator, "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": operator, "GIT_COMMITTER_EMAIL": email}


def is_repository(root: Path) -> bool:
    return (root / ".git").is_dir()


def configure(root: Path, driver: str) -> None:
    """Write ``.gitignore`` and ``.gitattributes`` when they differ and register the merge
    driver ``driver`` (a shell command taking ``%O %A %B %P``) in the replica's config."""
    for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)):
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text.encode("utf-8"), mode=0o644)
    git(root, "config", f"merge.{DRIVER}.name", "baogong: case files merged by their history")
    git(root, "config", f"merge.{DRIVER}.driver", driver)
    git(root, "config", "core.quotepath", "false")


def make_repository(root: Path, *, driver: str, operator: str, site: str = "") -> str:
    """Make the desk at ``root`` a git repository with its first commit (the desk as it is,
    by ``operator``); returns the commit. An existing repository is configured again and its
    changes committed. ``site``, when given, becomes this replica's site code."""
    if not (root / "desk.toml").is_file():
        raise DeskError([Problem(root / "desk.toml", None, "not a desk: no desk.toml here")])
    if site:
        write_local(root, site)
    if not is_repository(root):
        git(root, "init", "-q", "-b", BRANCH)
    configure(root, driver)
    _commit(root, operator, site, "desk started" if not _has_commits(root) else "desk changes")
    return git(root, "rev-parse", "HEAD").stdout.strip()


def clone(url: str, directory: Path, *, site: str, driver: str) -> Path:
    """Make ``directory`` (missing or empty) another replica of the desk at ``url``, with
    ``site`` as its own site code (``local.toml``, never replicated)."""
    if not SITE_PATTERN.match(site):
        raise DeskError([Problem(directory, None, f"{site!r} is not a site code (2 to 6 "
                                                  "capital letters and digits, a letter first, "
                                                  "e.g. XC): nothing was cloned", "site")])
    if directory.exists() and any(directory.iterdir()):
        raise DeskError([Problem(directory, None, "is not an empty directory: a replica is "
                                                  "cloned into a new one (nothing was written)")])
    done = git(directory.parent if directory.parent.exists() else Path.cwd(), "clone", "-q",
               "--origin", "origin", "--branch", BRANCH, url, str(directory), check=False)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise GitError([Problem(directory, None, f"cannot clone {url}: "
                                                 f"{said[-1] if said else done.returncode}")])
    if not (directory / "desk.toml").is_file():
        shutil.rmtree(directory)
        raise DeskError([Problem(directory, None, f"{url} holds no desk (no desk.toml)")])
    taken = _site_in_use(directory, site)
    if taken:
        shutil.rmtree(directory)
        raise DeskError([Problem(directory, None, f"site code {site} is already used by "
                                                  f"{taken}: each replica needs its own "
                                                  "(nothing was written)", "site")])
    write_local(directory, site)
    configure(directory, driver)
    return directory


def _site_in_use(root: Path, site: str) -> str:
    """What shows ``site`` is another replica's already (the desk's home site, or its case
    files or ledger batches); empty when nothing does."""
    settings = (root / "desk.toml").read_text(encoding="utf-8", errors="replace")
    if f'site = "{site}"' in settings.splitlines():
        return "the desk's home site (desk.toml)"
    for kind in ("cases", "ledgers"):
        for _found in (root / kind).glob(f"[0-9]*/[0-9]*/[0-9]*/{site}-*.toml"):
            return f"the {kind} of another replica"
    return ""


def driver_command() -> str:
    """The merge driver's command line: this interpreter running
    :mod:`core.replica.mergedriver` from the baogong that set up the replica."""
    import core

    package_root = Path(core.__file__).resolve().parent.parent
    return (f"PYTHONPATH={shlex.quote(str(package_root))} {shlex.quote(sys.executable)} "
            f"-m core.replica.mergedriver %O %A %B %P")


def add_remote(root: Path, remote: str) -> str:
    """The name of ``remote``: itself when the replica has a remote of that name, else it is a
    URL or path, added as ``origin`` (or ``remote-N`` when there is one already)."""
    known = git(root, "remote").stdout.split()
    if remote in known:
        return remote
    for name, url in ((n, git(root, "remote", "get-url", n).stdout.strip()) for n in known):
        if url == remote:
            return name
    name = "origin" if "origin" not in known else f"remote-{len(known) + 1}"
    git(root, "remote", "add", name, remote)
    return name


def _has_commits(root: Path) -> bool:
    return git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode == 0


def _commit(root: Path, operator: str, site: str, message: str) -> tuple[str | None, int]:
    """Commit every new and changed file; the commit (None: nothing changed) and how many."""
    git(root, "add", "-A")
    names = git(root, "diff", "--cached", "--name-only", "-z").stdout.split("\0")
    changed = len([n for n in names if n])
    if not changed:
        return None, 0
    where = f" at {site}" if site else ""
    git(root, "commit", "-q", "--no-verify", "-m", f"{message}{where}: {changed} files by "
                                                   f"{operator}", env=author(operator, site))
    return git(root, "rev-parse", "HEAD").stdout.strip(), changed


def _recover(root: Path) -> None:
    """Undo what a killed sync left: git's stale lock files, its merge driver's copies and a
    merge left half done."""
    git_dir = root / ".git"
    for leftover in root.glob(".merge_file_*"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    for stale in (git_dir / "index.lock", git_dir / "HEAD.lock", git_dir / "ORIG_HEAD.lock",
                  git_dir / "MERGE_HEAD.lock", git_dir / "config.lock",
                  git_dir / "packed-refs.lock"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    for stale in (git_dir / "refs").rglob("*.lock"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    if (git_dir / "MERGE_HEAD").exists():
        git(root, "merge", "--abort", check=False)
        if (git_dir / "MERGE_HEAD").exists():
            git(root, "reset", "-q", "--merge", "HEAD")


def _remote_branch(root: Path, remote: str) -> str | None:
    ref = f"refs/remotes/{remote}/{BRANCH}"
    found = git(root, "rev-parse", "--verify", "-q", ref, check=False)
    return ref if found.returncode == 0 else None


def _merge(root: Path, ref: str, operator: str, site: str) -> tuple[bool, tuple[str, ...]]:
    """Merge ``ref`` into the desk; (merged, files left unmerged). A merge git cannot finish is
    undone, so the desk is as it was."""
    if git(root, "merge-base", "--is-ancestor", ref, "HEAD", check=False).returncode == 0:
        return False, ()
    where = f" at {site}" if site else ""
    done = git(root, "merge", "-q", "--no-edit", "-m", f"sync{where} by {operator}", ref,
               env=author(operator, site), check=False)
    if done.returncode == 0:
        return True, ()
    unmerged = git(root, "diff", "--name-only", "--diff-filter=U", "-z", check=False)
    conflicts = tuple(sorted({n for n in unmerged.stdout.split("\0") if n}))
    git(root, "merge", "--abort", check=False)
    if not conflicts:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise GitError([Problem(root, None, f"cannot merge {ref}: "
                                            f"{said[-1] if said else done.returncode}")])
    return False, conflicts


#: what holds every case lock for a block (:meth:`core.cases.store.CaseStore.every_lock`)
CaseLocks = Callable[[], contextlib.AbstractContextManager[object]]


def _sync_remote(root: Path, remote: str, operator: str, site: str,
                 case_locks: CaseLocks) -> RemoteResult:
    merged_any = False
    for _attempt in range(PUSH_ATTEMPTS):
        fetched = git(root, "fetch", "-q", remote, check=False)
        if fetched.returncode != 0:
            said = fetched.stderr.strip().splitlines()
            return RemoteResult(remote, False, merged_any, False,
                                error=f"cannot fetch: {said[-1] if said else ''}")
        ref = _remote_branch(root, remote)
        if ref is not None:
            with case_locks():  # the network is not waited on under them: only the merge
                merged, conflicts = _merge(root, ref, operator, site)
            merged_any = merged_any or merged
            if conflicts:
                return RemoteResult(remote, True, merged_any, False, conflicts)
            if git(root, "rev-parse", "HEAD").stdout == git(root, "rev-parse", ref).stdout:
                return RemoteResult(remote, True, merged_any, False)
        pushed = git(root, "push", "-q", remote, f"HEAD:refs/heads/{BRANCH}", check=False)
        if pushed.returncode == 0:
            return RemoteResult(remote, True, merged_any, True)
        if "rejected" not in pushed.stderr and "fetch first" not in pushed.stderr:
            said = pushed.stderr.strip().splitlines()
            return RemoteResult(remote, True, merged_any, False,
                                error=f"cannot push: {said[-1] if said else ''}")
    return RemoteResult(remote, True, merged_any, False,
                        error="other sites kept pushing first: sync again")


@contextlib.contextmanager
def _sync_lock(root: Path, mode: int) -> Iterator[None]:
    (root / SYNC_LOCK.parent).mkdir(exist_ok=True)
    with exclusive_lock(root / SYNC_LOCK, timeout=600.0, mode=mode):
        yield


def sync(root: Path, *, operator: str, site: str, driver: str, remotes: Sequence[str] = (),
         now: datetime, case_locks: CaseLocks = contextlib.nullcontext,
         mode: int = PRIVATE_FILE_MODE) -> SyncResult:
    """Commit the desk's changes, then fetch, merge and push each of ``remotes`` (all the
    repository's remotes when none are named).

    ``case_locks`` is held while files are committed and while each merge runs (not while git
    waits on the network), so an operator's save waits for them rather than racing git over
    the file."""
    if not is_repository(root):
        raise DeskError([Problem(root, None, "the desk is not a git repository: run "
                                             "baogong init --existing to make it one")])
    with _sync_lock(root, mode):
        _recover(root)
        configure(root, driver)
        names = list(remotes) or git(root, "remote").stdout.split()
        results: list[RemoteResult] = []
        with case_locks():
            committed, changed = _commit(root, operator, site, "desk changes")
        for remote in names:
            results.append(_sync_remote(root, remote, operator, site, case_locks))
        result = SyncResult(committed, changed, tuple(results), now)
        if result.ok:
            write_atomic(root / ".git" / LAST_SYNC_FILE,
                         f"{now.isoformat()}\n".encode(), mode=mode)
        return result


def sync_desk(desk: Desk, remote: str | None = None) -> SyncResult:
    """Sync ``desk`` (with ``remote``, a name or URL, else every remote) as the process's
    operator, holding every case lock while files are committed and merged."""
    from core.identity import os_account

    remotes = [add_remote(desk.root, remote)] if remote else []
    store = desk.case_store()  # its locks only: the index is not opened
    return sync(desk.root, operator=os_account(), site=desk.site, driver=driver_command(),
                remotes=remotes, now=store.now(), case_locks=store.every_lock,
                mode=desk.file_mode)


def last_sync(root: Path) -> datetime | None:
    """When this replica last synced without trouble (None: never, or not a repository)."""
    try:
        text = (root / ".git" / LAST_SYNC_FILE).read_text(encoding="utf-8").strip()
        return datetime.fromisoformat(text)
    except (OSError, ValueError):
        return None
