"""Where Claude Code keeps its transcripts, and which files under a root are ones.

`walk_transcripts` answers `transcript_files` over `os.scandir`, with each file's stat and
resolved path, for the re-import's quick path (`stint.capture.quick_import`): no `pathlib`
(a tenth of that command to import) and one stat per file."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # `typing` and `pathlib` cost the quick path milliseconds
    from collections.abc import Iterable
    from pathlib import Path

SUFFIX = ".jsonl"


def default_root_texts() -> list[str]:
    """`$CLAUDE_CONFIG_DIR` entries (comma-separated), else `~/.config/claude` and
    `~/.claude` — the directories ccusage reads too."""
    configured = os.environ.get("CLAUDE_CONFIG_DIR", "").strip()
    if configured:
        return [os.path.expanduser(p.strip()) for p in configured.split(",") if p.strip()]
    user = os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(user, ".config")
    return [os.path.join(xdg, "claude"), os.path.join(user, ".claude")]


def default_roots() -> list[Path]:
    """`default_root_texts` as paths."""
    from pathlib import Path

    return [Path(p) for p in default_root_texts()]


def transcript_files(roots: Iterable[Path]) -> list[Path]:
    """Every `*.jsonl` under each root's `projects/` (or the root itself when it is a
    projects dir or a file), subagent transcripts included; main files before their
    side directories, so a session exists before its subagents' lines arrive."""
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            found.add(root)
            continue
        base = root / "projects" if (root / "projects").is_dir() else root
        if base.is_dir():
            found.update(p for p in base.rglob(f"*{SUFFIX}") if p.is_file())
    return sorted(found, key=lambda p: (p.parent.as_posix(), p.name))


def walk_transcripts(roots: Iterable[str]) -> dict[str, tuple[str, os.stat_result]] | None:
    """The files `transcript_files` finds, unordered: each path as it names it → (its
    resolved path, its stat). None when a root is not written as `pathlib` would write it
    (`a/../b`, `a//b`, a trailing `/`): paths could then differ from `transcript_files`'.
    Like `rglob`, directories reached through a symbolic link are not entered."""
    found: dict[str, tuple[str, os.stat_result]] = {}
    for root in roots:
        if os.path.normpath(root) != root:
            return None
        if os.path.isfile(root):
            found[root] = (os.path.realpath(root), os.stat(root))
            continue
        projects = os.path.join(root, "projects")
        base = projects if os.path.isdir(projects) else root
        if os.path.isdir(base):
            _walk(base, os.path.realpath(base), found)
    return found


def _walk(directory: str, resolved: str, found: dict[str, tuple[str, os.stat_result]]) -> None:
    # `resolved` is `directory` resolved: below it, a name that is no link resolves to
    # itself, so only links cost a `realpath`.
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(SUFFIX) and entry.is_file():
                link = entry.is_symlink()
                where = os.path.realpath(entry.path) if link else os.path.join(resolved, entry.name)
                found[entry.path] = (where, entry.stat())
            elif entry.is_dir(follow_symlinks=False):
                _walk(entry.path, os.path.join(resolved, entry.name), found)
