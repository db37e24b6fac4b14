"""Code health of a session: how complex the files it changed were at its start commit and
are at its end, measured with lizard (cyclomatic complexity, NLOC, functions; many languages).

Only the changed files are read, so a large repository costs what the change costs: the
"before" text comes from one `git cat-file --batch` over `start:path` (no checkout), the
"after" text from the work tree (or from the end commit when the end is in the past).
Binary, vendored, generated, unknown-language and unparsable files are skipped and counted,
never fatal. `measure` never raises: a failure becomes a `Health` that says why it was not
measured.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from stint.model.config import Settings
from stint.model.health_line import summary_line as summary_line  # re-exported
from stint.sessions import gitrun, gitstats
from stint.sessions.gitstats import DiffStats, FileChange
from stint.sessions.health_cache import FigureCache, key, object_id
from stint.sessions.health_files import (
    DEFAULT_THRESHOLD,
    MAX_BYTES,
    FileHealth,
    measure_file,
    skip_reason,
    skipped,
)
from stint.store import health as store_health

__all__ = ["DEFAULT_THRESHOLD", "FileHealth", "Health", "measure", "skip_reason"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    status: str  # "measured" or "not_measured"
    reason: str | None
    threshold: int
    files: list[FileHealth] = field(default_factory=list)

    @property
    def measured(self) -> list[FileHealth]:
        return [f for f in self.files if f.status == "measured"]

    def summary(self) -> dict[str, Any]:
        """The session's figures: totals over the measured files."""
        measured = self.measured

        def total(side: str, name: str) -> int:
            return sum(getattr(getattr(f, side), name) for f in measured if getattr(f, side))

        skipped = Counter(f.skip_reason or "other" for f in self.files if f.status == "skipped")
        before_fns, after_fns = total("before", "functions"), total("after", "functions")
        before_ccn, after_ccn = total("before", "ccn"), total("after", "ccn")
        return {
            "status": self.status,
            "reason": self.reason,
            "threshold": self.threshold,
            "files_measured": len(measured),
            "files_skipped": sum(skipped.values()),
            "skipped": dict(sorted(skipped.items())),
            "ccn_before": before_ccn,
            "ccn_after": after_ccn,
            "ccn_delta": after_ccn - before_ccn,
            "nloc_before": total("before", "nloc"),
            "nloc_after": total("after", "nloc"),
            "functions_before": before_fns,
            "functions_after": after_fns,
            "mean_ccn_before": round(before_ccn / before_fns, 3) if before_fns else None,
            "mean_ccn_after": round(after_ccn / after_fns, 3) if after_fns else None,
            "complex_added": sum(len(f.complex_added) for f in measured),
            "complex_removed": sum(len(f.complex_removed) for f in measured),
        }


def not_measured(reason: str, threshold: int = DEFAULT_THRESHOLD) -> Health:
    return Health("not_measured", reason, threshold)


def _read_blobs(root: str, specs: Sequence[str]) -> dict[str, tuple[bytes, str]]:
    """`rev:path` → the blob's bytes and object id, for those that exist, in one git
    process."""
    wanted = [s for s in specs if "\n" not in s]
    if not wanted:
        return {}
    out = gitrun.git(root, "cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode())
    blobs: dict[str, tuple[bytes, str]] = {}
    pos = 0
    for spec in wanted:
        if out is None or pos >= len(out):
            break
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
            size = int(header[2])
            blobs[spec] = (out[pos : pos + size], header[0].decode("ascii", "replace"))
            pos += size + 1
    return blobs


def _work_tree_bytes(root: str, path: str) -> tuple[bytes, str | None] | None:
    full = os.path.join(root, path)
    try:
        if os.path.islink(full) or os.path.getsize(full) > MAX_BYTES:
            return b"\0", None  # a link or a huge file: treated as not code
        with open(full, "rb") as handle:
            return handle.read(), None
    except OSError:
        return None


def measure(
    root: str,
    start_commit: str | None,
    changes: Sequence[FileChange],
    *,
    end_commit: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    cache_home: Path | None = None,
) -> Health:
    """Health of `changes` (what `gitstats.diff_since` found) between `start_commit` and the
    work tree at `root`, or `end_commit` when given (an end in the past); figures are cached
    under `cache_home` when given. Never raises."""
    try:
        cache = FigureCache(cache_home)
        found = _measure(root, start_commit, changes, end_commit, threshold, cache)
        cache.save()
        return found
    except Exception as exc:  # never make `stint end` fail for a figure
        log.warning("health: not measured: %r", exc)
        return not_measured(f"error: {exc}"[:200], threshold)


def _measure(
    root: str,
    start_commit: str | None,
    changes: Sequence[FileChange],
    end_commit: str | None,
    threshold: int,
    cache: FigureCache,
) -> Health:
    if not start_commit:
        return not_measured("no start commit", threshold)
    base = gitrun.git(root, "rev-parse", "--verify", "--quiet", f"{start_commit}^{{commit}}")
    if base is None:
        return not_measured("no start commit", threshold)
    start = base.decode().strip()
    specs: list[str] = []
    for c in changes:
        if c.change not in ("added", "untracked"):
            specs.append(f"{start}:{c.renamed_from or c.path}")
        if end_commit and c.change != "deleted":
            specs.append(f"{end_commit}:{c.path}")
    blobs = _read_blobs(root, specs)
    Side = tuple[bytes, str | None] | None
    sides: list[tuple[FileChange, Side, Side]] = []
    for c in changes:
        before: Side = blobs.get(f"{start}:{c.renamed_from or c.path}")
        after: Side
        if c.change == "deleted":
            after = None
        elif end_commit:
            after = blobs.get(f"{end_commit}:{c.path}")
        else:
            after = _work_tree_bytes(root, c.path)
        sides.append((c, before, after))
    cache.load(
        key(side[1] or object_id(side[0]), c.path, threshold)
        for c, before, after in sides
        if skipped(c, before[0] if before else None, after[0] if after else None) is None
        for side in (before, after)
        if side is not None
    )
    files = [measure_file(c, before, after, threshold, cache) for c, before, after in sides]
    return Health("measured", None, threshold, files)


def at_end(
    settings: Settings, row: dict[str, Any], git: DiffStats | None, until: datetime | None
) -> Health | None:
    """The health `finish` stores for a session ending now: None when it is turned off."""
    if not settings.health:
        return None
    threshold = settings.health_threshold
    if git is None:
        return not_measured("no git repository", threshold)
    return measure(
        row["repo_root"],
        row["start_commit"],
        git.files,
        end_commit=git.end_commit if until is not None else None,
        threshold=threshold,
        cache_home=settings.home,
    )


def store(conn: Connection, org_id: str, session_id: int, health: Health, at: datetime) -> None:
    """Store `health` in the end's transaction, under a savepoint: a failure here is logged
    and loses the figures, never the end."""
    savepoint = conn.begin_nested()
    try:
        store_health.replace(
            conn, org_id, session_id, health.summary(), [f.row() for f in health.files], at
        )
    except Exception as exc:  # never make `stint end` fail for a figure
        savepoint.rollback()
        log.warning("health: not stored for session %s: %r", session_id, exc)
    else:
        savepoint.commit()


def now(settings: Settings, row: dict[str, Any]) -> Health:
    """Health on demand (`stint health`): an open session against its work tree as it is
    now; an ended one from its start to its end commit (its uncommitted changes at the end
    are gone from git's view, so only what it committed counts)."""
    threshold = settings.health_threshold
    root = row["repo_root"]
    if not root or not os.path.isdir(root):
        return not_measured("no git repository", threshold)
    is_open = row["ended_at"] is None
    end = None if is_open else row["end_commit"]
    if not is_open and not end:
        return not_measured("no end commit", threshold)
    if not row["start_commit"]:
        return not_measured("no start commit", threshold)
    changes = gitstats.changes_between(root, row["start_commit"], end)
    if changes is None:
        return not_measured("no start commit", threshold)
    return measure(
        root,
        row["start_commit"],
        changes,
        end_commit=end,
        threshold=threshold,
        cache_home=settings.home,
    )
