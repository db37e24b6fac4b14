"""Storing sessions an importer has already parsed, for formats that are not JSON lines
(a plugin's Markdown log, a tree of JSON files): the same session rules as the transcript
import (`import_run.session_for`: created, re-opened on a later prompt, fields updated),
one write transaction, and each event under its key, so importing a file again stores
nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from stint.capture.import_run import ImportRun
from stint.capture.importer import ImportSummary, end_stale_sessions
from stint.capture.parsing import SessionBatch
from stint.sessions.service import Sessions


def import_batches(
    sessions: Sessions, batches: Iterable[SessionBatch], summary: ImportSummary | None = None
) -> ImportSummary:
    """Store `batches` (merged per agent session) and end the stale sessions among them.
    `summary` carries the importer's own counts (files read, lines) when it has them."""
    summary = summary if summary is not None else ImportSummary()
    run = ImportRun(sessions, summary)
    run.merge(batches)  # as a transcript import merges them, all in one flush
    run.flush()
    end_stale_sessions(sessions, summary.touched)
    return summary
