"""A re-import with nothing new, answered without the Tracker: when every transcript file
is, by stat alone, as the last import left it (`stint.capture.import_report.unchanged`),
and the store is one this path can read (SQLite at the current schema, no hook events to
drain, no session due for the inactivity sweep), the summary is "all unchanged" and
nothing is written — what the full import would find and print, at a fraction of its
start-up.

`stint import claude-code [PATH]... [--json]` comes here from `stint.entry` before Click
and the plugins are loaded (`main`); whatever this path cannot answer goes on to the CLI.
The common case imports the standard library's `os`, `sqlite3` and `datetime` and a few
stdlib-only modules of stint: no `typing`, `pathlib`, `json` or `dataclasses`, none of the
model's types, no settings dataclass (tests/test_reimport2_quick.py lists what it must not
import). A config file, a setting in the environment or a session active of late takes
the longer way of the settings and the session reader."""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import UTC, datetime, timedelta

from stint.capture import spool
from stint.capture.claude_files import default_root_texts, walk_transcripts
from stint.capture.import_report import report_lines, unchanged, unchanged_summary
from stint.model.setting_defaults import ENV, ORG_ID, STORE_FILE, TIMEOUT_MINUTES
from stint.store.bare import (
    IMPORT_STATS_SQL,
    SCHEMA_REVISION,
    STORE_CHECK_SQL,
    UNSEEN_ACTIVE_SQL,
    bind_moment,
    sqlite_path,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from typing import Any

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
        summary = nothing_new(None, paths or None)
    except Exception:  # a bad config, an unreadable store: the CLI says what it is
        return None
    if summary is None:
        return None
    if as_json:
        import json  # deferred: only the JSON form needs it

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


class _Where:
    """What the check needs of the settings: the home, the store, the org, the timeout."""

    def __init__(self, home: str, url: str, org: str, timeout_seconds: float) -> None:
        self.home, self.url, self.org, self.timeout_seconds = home, url, org, timeout_seconds


def nothing_new(url: str | None, roots: Iterable[str | Path] | None) -> dict[str, Any] | None:
    """The summary of a Claude Code re-import that would read nothing, or None when the
    full import must run (a file new, grown, touched or replaced; a store it cannot read
    here; a `prices.toml` the full import would read and could refuse; a session due)."""
    texts = default_root_texts() if roots is None else [os.fspath(root) for root in roots]
    found = _transcripts(texts)
    if not found:
        return None
    where = _settings(url)
    if os.path.exists(os.path.join(where.home, "prices.toml")):
        return None
    conn = _connect(where)
    if conn is None:
        return None
    try:
        if spool.has_pending(where.home) or _sweep_due(conn, where, url):
            return None
        known = {
            path: _Known(int(offset), inode, mtime)
            for path, offset, inode, mtime in conn.execute(IMPORT_STATS_SQL, (where.org,))
        }
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    for resolved, stat in found.values():
        stored = known.get(resolved)
        if stored is None or not unchanged(stored, stat.st_size, stat.st_ino, stat.st_mtime_ns):
            return None
    return unchanged_summary(len(found))


def _transcripts(roots: list[str]) -> dict[str, tuple[str, os.stat_result]] | None:
    """Each transcript file → (its resolved path, its stat); None when one is gone since
    it was listed (the full import says so)."""
    try:
        found = walk_transcripts(roots)
        if found is None:  # roots pathlib would write otherwise: its answer, the slow way
            from pathlib import Path

            from stint.capture.claude_files import transcript_files

            files = transcript_files(Path(root) for root in roots)
            found = {str(path): (str(path.resolve()), path.stat()) for path in files}
    except OSError:
        return None
    return found


def _settings(url: str | None) -> _Where:
    """The settings the check needs: the defaults when no config file and no variable
    says otherwise, else `load_settings`' (which may refuse a bad value: the CLI says)."""
    home = spool.home_dir()
    configured = os.path.exists(os.path.join(home, "config.toml"))
    if not configured and not any(os.environ.get(name) for name in ENV):
        store = url or f"sqlite:///{os.path.join(home, STORE_FILE)}"
        return _Where(home, store, ORG_ID, TIMEOUT_MINUTES * 60)
    from stint.model.config import load_settings  # deferred: its dataclass costs

    settings = load_settings(None, database_url=url)
    return _Where(
        str(settings.home), settings.database_url, settings.org_id, settings.timeout_seconds
    )


def _connect(where: _Where) -> sqlite3.Connection | None:
    """A read-only connection to the store, or None when it is not SQLite, not there, not
    at the current schema, or has not the org (`stint.store.lite.open_lite`'s rule)."""
    path = sqlite_path(where.url)
    if path is None or not os.path.isfile(path):
        return None
    # An URI's own characters escaped by hand: `urllib` would cost milliseconds.
    uri = os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    try:
        conn = sqlite3.connect(f"file:{uri}?mode=ro", uri=True, timeout=60, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        revision, org = conn.execute(STORE_CHECK_SQL, (where.org,)).fetchone()
    except sqlite3.Error:
        revision = org = None
    if revision != SCHEMA_REVISION or not org:
        conn.close()
        return None
    return conn


def _sweep_due(conn: sqlite3.Connection, where: _Where, url: str | None) -> bool:
    """Whether the inactivity sweep would end a session (the full import would write):
    the reader's first statement, and the reader itself only for sessions active of late
    (whether they wait on nobody needs their events and the channel rule)."""
    idle_before = bind_moment(datetime.now(UTC) - timedelta(seconds=where.timeout_seconds))
    rows = conn.execute(UNSEEN_ACTIVE_SQL, (idle_before, where.org, idle_before)).fetchall()
    if not rows:
        return False
    if any(idle for _, _, idle in rows):
        return True
    from stint.sessions.quick import open_reader  # deferred: the reader's channel rule

    reader = open_reader(url, pending=spool.has_pending)
    if reader is None:
        return True
    reader.close()
    return False
