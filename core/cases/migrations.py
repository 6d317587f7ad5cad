"""Bringing old case files up to the current ``schema_version``.

Each migration takes the raw data of version ``n`` and returns version ``n + 1``; reading a file
applies them in turn, and the next write stores the current version. Files from a newer version of
baogong are refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.cases.case import SCHEMA_VERSION
from core.problems import Problem
from core.storage.tomlio import line_of, locate_lines

Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: version n -> function turning version n data into version n + 1
MIGRATIONS: dict[int, Migration] = {}


def migrate(
    data: dict[str, Any], path: Path, text: str, *, target: int = SCHEMA_VERSION
) -> tuple[dict[str, Any] | None, list[Problem]]:
    version = data.get("schema_version")
    if version == target and not isinstance(version, bool):
        return {k: v for k, v in data.items() if k != "schema_version"}, []
    where = line_of(locate_lines(text), ("schema_version",))
    if version is None:
        return None, [Problem(path, 1, "required field is missing", "schema_version")]
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        return None, [Problem(path, where, f"expected a whole number, got {version!r}",
                              "schema_version")]
    if version > target:
        return None, [Problem(path, where,
                              f"written by a newer baogong (schema {version}, this one reads "
                              f"up to {target}); upgrade baogong", "schema_version")]
    while version < target:
        step = MIGRATIONS.get(version)
        if step is None:
            return None, [Problem(path, where, f"no migration from schema {version}",
                                  "schema_version")]
        data = step(dict(data))
        version += 1
        data["schema_version"] = version
    return {k: v for k, v in data.items() if k != "schema_version"}, []
