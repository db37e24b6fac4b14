"""The code changed so far in an open session, measured as `end` will measure it (committed,
staged, unstaged and untracked, since the start commit, through `stint.sessions.gitstats`), for
`stint status`, the status line and the dashboard's live card.

Standard library only and no `typing`: the status line calls this. The figure is cached in
STINT_HOME/livegit.json under a fingerprint of the work tree — HEAD, the index file's stat
and every path `git status` lists with its stat — so a repeated status costs one
`git status`, and the diff (and the import of gitstats) runs again only when something
changed.
"""

from __future__ import annotations

import json
import os
import time

from stint.sessions.gitrun import git

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CACHE_FILE = "livegit.json"
_CACHE_LIMIT = 32  # work trees remembered; the oldest go first
_FIELDS = {"1": 8, "u": 10, "2": 9}  # space-separated fields before the path, per entry kind


def _stat(path: str) -> str:
    try:
        found = os.lstat(path)
    except OSError:
        return "-"
    return f"{found.st_mtime_ns}:{found.st_size}:{found.st_ino}"


def _index_path(root: str) -> str:
    """The index file of the work tree at `root` (a linked worktree's `.git` is a file)."""
    dot_git = os.path.join(root, ".git")
    if os.path.isfile(dot_git):
        try:
            with open(dot_git, encoding="utf-8") as pointer:
                line = pointer.readline().strip()
        except OSError:
            return os.path.join(dot_git, "index")
        if line.startswith("gitdir:"):
            return os.path.join(root, line[len("gitdir:") :].strip(), "index")
    return os.path.join(dot_git, "index")


def fingerprint(root: str) -> str | None:
    """A string that changes whenever what `diff_since` would report can have changed: HEAD,
    the index, and the content (by stat) of every changed or untracked path. None when
    `root` is not a work tree or git fails."""
    out = git(
        root,
        *("status", "--porcelain=v2", "--branch", "-z"),
        *("--untracked-files=all", "--no-renames"),
    )
    if out is None:
        return None
    parts = [os.fsdecode(out), _stat(_index_path(root))]
    tokens = out.split(b"\0")
    skip = False
    for token in tokens:
        if skip or not token:
            skip = False
            continue
        kind = token[:1].decode("ascii", "replace")
        if kind == "?":
            path = token[2:]
        elif kind in _FIELDS:
            fields = token.split(b" ", _FIELDS[kind])
            if len(fields) <= _FIELDS[kind]:
                continue
            path, skip = fields[-1], kind == "2"  # a rename's old path follows
        else:
            continue  # headers (`# branch.oid …`) are already in the raw output
        parts.append(_stat(os.path.join(root, os.fsdecode(path))))
    return "\0".join(parts)


def _load(home: str) -> dict[str, Any]:
    try:
        with open(os.path.join(home, CACHE_FILE), encoding="utf-8") as cached:
            data = json.load(cached)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(home: str, cache: dict[str, Any]) -> None:
    newest = sorted(cache.items(), key=lambda item: -float(item[1].get("as_of") or 0))
    path = os.path.join(home, CACHE_FILE)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(home, exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(dict(newest[:_CACHE_LIMIT]), out)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs the next call a diff


def measure(home: str, root: str | None, start_commit: str | None) -> dict[str, Any] | None:
    """Lines added / removed, changed paths and commits in the work tree at `root` since
    `start_commit`, exactly as `stint.sessions.gitstats.diff_since` counts them; None when `root` is
    not a work tree. Cached in `home` until the work tree's fingerprint changes."""
    if not root or not os.path.isdir(root):
        return None
    key = fingerprint(root)
    if key is None:
        return None
    slot = f"{root}\0{start_commit or ''}"
    cache = _load(home)
    hit = cache.get(slot)
    if isinstance(hit, dict) and hit.get("key") == key and isinstance(hit.get("figures"), dict):
        return dict(hit["figures"])
    from stint.sessions.gitstats import diff_since  # deferred: the status line hits the cache

    # The tree may change during the diff; the figure is then newer than `key`, and the next
    # call sees a different fingerprint and measures again, so nothing stale is served.
    stats = diff_since(root, start_commit)
    figures = {
        "lines_added": stats.lines_added,
        "lines_removed": stats.lines_removed,
        "paths": [change.path for change in stats.files],
        "commits": len(stats.commits),
        "binary_files": stats.binary_files,
        "end_commit": stats.end_commit,
    }
    cache = {k: v for k, v in cache.items() if isinstance(v, dict)}
    cache[slot] = {"key": key, "figures": figures, "as_of": time.time()}
    _save(home, cache)
    return figures
