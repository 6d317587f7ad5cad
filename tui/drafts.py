"""Drafts of calls being logged (草稿): a dropped connection loses nothing.

While an operator fills the intake form, its fields are written (atomically) to
``<desk>/.drafts/<operator>/<draft id>.json`` a moment after every change. Saving the case or
discarding the call deletes the draft; the next time that operator starts the app, any draft
left behind is offered back. A draft file that cannot be read is reported and left alone: it is
never written over, since every new call gets a new file name.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from core.problems import Problem
from core.storage.atomic import PRIVATE_FILE_MODE, write_atomic
from core.storage.deskfiles import make_desk_directories, read_or_problem

DRAFTS_DIR = ".drafts"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@attrs.define
class Draft:
    id: str
    fields: dict[str, Any] = attrs.Factory(dict)
    saved: datetime | None = None
    started: datetime | None = None


def new_draft_id() -> str:
    return uuid.uuid4().hex[:12]


class DraftStore:
    def __init__(self, desk_root: Path, operator: str, *, mode: int = PRIVATE_FILE_MODE) -> None:
        safe = _SAFE.sub("_", operator) or "operator"
        self.desk_root = desk_root
        self.directory = desk_root / DRAFTS_DIR / safe
        #: the desk's file mode: on a shared desk ``.drafts/`` must stay open to every operator
        self.mode = mode

    def path(self, draft: Draft) -> Path:
        return self.directory / f"{draft.id}.json"

    def save(self, draft: Draft, now: datetime) -> None:
        draft.saved = now
        make_desk_directories(self.desk_root, self.directory, mode=self.mode)
        data = {
            "id": draft.id,
            "saved": now.isoformat(),
            "started": draft.started.isoformat() if draft.started else None,
            "fields": draft.fields,
        }
        write_atomic(self.path(draft), json.dumps(data, ensure_ascii=False, indent=1).encode(),
                     mode=self.mode)

    def discard(self, draft: Draft) -> None:
        self.path(draft).unlink(missing_ok=True)

    def load_all(self) -> tuple[list[Draft], list[Problem]]:
        """The readable drafts, oldest first, and a problem for each unreadable one."""
        drafts: list[Draft] = []
        problems: list[Problem] = []
        if not self.directory.is_dir():
            return drafts, problems
        for path in sorted(self.directory.glob("*.json")):
            raw, problem = read_or_problem(path)
            if raw is None:
                problems.extend([problem] if problem else [])
                continue
            try:
                data = json.loads(raw.decode("utf-8"))
                draft = Draft(
                    id=path.stem,
                    fields=dict(data["fields"]),
                    saved=datetime.fromisoformat(data["saved"]) if data.get("saved") else None,
                    started=(datetime.fromisoformat(data["started"])
                             if data.get("started") else None),
                )
            except (ValueError, KeyError, TypeError, RecursionError) as exc:
                problems.append(Problem(path, None, f"cannot read the draft: {exc}"))
                continue
            drafts.append(draft)
        drafts.sort(key=lambda d: d.saved.isoformat() if d.saved else "")
        return drafts, problems
