"""Where Claude Code keeps its transcripts, and which files under a root are ones."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def default_roots() -> list[Path]:
    """`$CLAUDE_CONFIG_DIR` entries (comma-separated), else `~/.config/claude` and
    `~/.claude` — the directories ccusage reads too."""
    configured = os.environ.get("CLAUDE_CONFIG_DIR", "").strip()
    if configured:
        return [Path(p.strip()).expanduser() for p in configured.split(",") if p.strip()]
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [xdg / "claude", Path.home() / ".claude"]


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
            found.update(p for p in base.rglob("*.jsonl") if p.is_file())
    return sorted(found, key=lambda p: (p.parent.as_posix(), p.name))
