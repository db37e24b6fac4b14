"""A re-import with nothing new, answered without the Tracker: when every transcript file
is, by stat alone, as the last import left it (`stint.capture.summary.unchanged`), and the
store is one the quick reader serves (SQLite, nothing to drain or sweep), the summary is
"all unchanged" and nothing is written — what the full import would find and print, at a
fraction of its start-up (SQLAlchemy and the price table are never loaded).

`stint import claude-code [PATH]... [--json]` comes here from `stint.entry` before Click
and the plugins are loaded (`main`); whatever this path cannot answer goes on to the CLI."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from stint.capture import spool
from stint.capture.claude_files import default_roots, transcript_files
from stint.capture.summary import ImportSummary, report_lines, unchanged
from stint.sessions.quick import open_reader
from stint.store.lite import LiteStore, import_stats

AGENT_NAMES = ("claude-code", "claude_code")  # as `stint import` accepts them


def main(args: list[str]) -> int | None:
    """`stint import claude-code` with `args` after the agent's name: the exit code when
    nothing was new and the summary is printed, else None (the CLI runs the import, and
    also answers anything this does not parse: `--help`, a missing path, an option)."""
    as_json = "--json" in args
    paths = [arg for arg in args if arg != "--json"]
    if any(arg.startswith("-") or not os.path.exists(arg) for arg in paths):
        return None
    try:
        summary = nothing_new(None, [Path(arg) for arg in paths] or None)
    except Exception:  # a bad config, an unreadable store: the CLI says what it is
        return None
    if summary is None:
        return None
    if as_json:
        print(json.dumps(summary, indent=2, default=str, ensure_ascii=False))
        return 0
    lines, warnings = report_lines(summary)
    print("\n".join(lines))
    for warning in warnings:
        print(warning, file=sys.stderr)
    return 0


class _Known:
    """The stored figures `unchanged` compares (a stand-in for `imports.Offset`)."""

    def __init__(self, offset: int, inode: int | None, mtime_ns: int | None) -> None:
        self.offset, self.inode, self.mtime_ns = offset, inode, mtime_ns


def nothing_new(url: str | None, roots: Iterable[Path] | None) -> dict[str, Any] | None:
    """The summary of a Claude Code re-import that would read nothing, or None when the
    full import must run (a file new, grown, touched or replaced; a store it cannot read
    here; a `prices.toml` the full import would read and could refuse)."""
    files = transcript_files(default_roots() if roots is None else roots)
    if not files:
        return None
    reader = open_reader(url, pending=spool.has_pending)
    if reader is None:
        return None
    try:
        if (reader.settings.home / "prices.toml").exists():
            return None
        store = reader.store
        assert isinstance(store, LiteStore)
        with store.read() as conn:
            known = import_stats(conn, reader.org)
        for path in files:
            stat = path.stat()
            stored = known.get(str(path.resolve()))
            if stored is None or not unchanged(
                _Known(*stored), stat.st_size, stat.st_ino, stat.st_mtime_ns
            ):
                return None
    except OSError:  # a file gone since it was listed: the full import says so
        return None
    finally:
        reader.close()
    return ImportSummary(files_skipped=len(files)).to_dict()
