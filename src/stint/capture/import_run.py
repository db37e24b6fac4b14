"""One import's writes: parsed batches wait in an `ImportRun`, merged per agent session,
and are flushed — each session found, created or re-opened (`session_for`), its events
in one bulk write, the files' offsets saved after them in the same transaction.

The store (SQLAlchemy) is imported only where a run reads or writes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stint.capture.parsing import Parser, SessionBatch
from stint.capture.summary import ImportSummary
from stint.model.timeparse import utcnow
from stint.model.types import OPEN_STATUSES
from stint.store.offsets import Offset

if TYPE_CHECKING:
    from stint.sessions.service import Sessions

# Lines per write: memory stays bounded on huge imports, and a parallel import's writer
# starts storing while its workers parse the rest (smaller flushes measured no slower).
# Also the lines per chunk a file is cut into (`stint.capture.importer` reads it per run).
FLUSH_LINES = 10_000
# Lines that may wait while the files of one directory are read (see `ImportRun.enter`):
# the bound on a run's memory when a project's sessions are many.
GROUP_LINES = 8 * FLUSH_LINES


class ImportRun:
    """One import. Parsed batches wait here, merged per agent session (a session's main
    file and its subagent files become one write), until about `FLUSH_LINES` lines are
    pending; then each session gets one bulk write, and the offsets of the files read are
    saved in one transaction after their events — a crash in between only means lines
    are read again, and their keys are already stored."""

    def __init__(self, tracker: Sessions, summary: ImportSummary) -> None:
        self.tracker = tracker
        self.summary = summary
        self.batches: dict[tuple[str, str], SessionBatch] = {}
        self.offsets: dict[str, Offset] = {}
        self.lines = 0
        # Every file's stored offset, read in one query at the start of the run (None:
        # not read yet, each file then reads its own).
        self.stored: dict[str, Offset] | None = None
        self.group: Path | None = None  # the directory whose files are read (`enter`)

    def load_offsets(self) -> None:
        from stint.store import imports

        with self.tracker.store.read() as conn:
            self.stored = imports.all_offsets(conn, self.tracker.org)

    def offset_of(self, key: str) -> Offset:
        if self.stored is not None:
            return self.stored.get(key) or Offset()
        from stint.store import imports

        with self.tracker.store.read() as conn:
            return imports.get_offset(conn, self.tracker.org, key)

    def take(self, key: str, offset: Offset, parser: Parser, *, final: bool) -> None:
        self.add(key, offset, parser.take(final))

    def enter(self, path: Path) -> None:
        """`path` is read next. The files under one directory are flushed together (up to
        GROUP_LINES): Claude Code lists a project's main files before their sessions'
        subagent files, and a session whose subagent lines came in a later flush than
        its main file had them back-dated, which folds its states from all its events
        again. A flush that is due happens when the files leave the directory."""
        if self.group is not None and path.is_relative_to(self.group):
            return
        if self.lines >= FLUSH_LINES:
            self.flush()
        self.group = path.parent

    def add(self, key: str, offset: Offset, batches: list[SessionBatch]) -> None:
        """A file's batches (merged per agent session) and where its next read starts;
        a flush once about `FLUSH_LINES` lines wait (GROUP_LINES inside a directory
        `enter` named)."""
        self.merge(batches)
        self.offsets[key] = offset
        if self.lines >= (FLUSH_LINES if self.group is None else GROUP_LINES):
            self.flush()

    def merge(self, batches: Iterable[SessionBatch]) -> None:
        """Add `batches` to the waiting ones, one per agent session: a later batch of a
        session widens its time span, adds its events and fills in its fields."""
        for batch in batches:
            known = self.batches.get((batch.agent, batch.agent_session_id))
            if known is None:
                self.batches[(batch.agent, batch.agent_session_id)] = batch
            else:
                known.saw(batch.first_at)
                known.saw(batch.last_at)
                known.events.extend(batch.events)
                for name in ("cwd", "branch", "model", "version"):
                    setattr(known, name, getattr(batch, name) or getattr(known, name))

    def flush(self) -> None:
        """Sessions first (found in one read, created or re-opened where needed), then
        one write transaction for every session's events and fields and the offsets."""
        from stint.store import events as ev
        from stint.store import imports
        from stint.store import sessions as ss

        tracker, summary = self.tracker, self.summary
        batches = list(self.batches.values())
        unknown: dict[str, list[str]] = {}
        for batch in batches:
            if (batch.agent, batch.agent_session_id) not in summary.known:
                unknown.setdefault(batch.agent, []).append(batch.agent_session_id)
        if unknown:
            with tracker.store.read() as conn:
                for agent, ids in unknown.items():
                    rows = imports.agent_sessions(conn, tracker.org, agent, ids)
                    summary.known.update({(agent, sid): row for sid, row in rows.items()})
        writes = [(batch, *session_for(tracker, batch, summary)) for batch in batches]
        now = utcnow()
        if writes or self.offsets:
            with tracker.store.write() as conn:
                for batch, session_id, fields in writes:
                    if fields:
                        ss.update_session(
                            conn, tracker.org, session_id, {**fields, "updated_at": now}
                        )
                    events = [(event, event.occurred_at or now) for event in batch.events]
                    summary.events_stored += ev.append_many(
                        tracker.store, conn, tracker.org, session_id, events
                    )
                imports.set_offsets(tracker.store, conn, tracker.org, self.offsets, now)
        if self.stored is not None:
            self.stored.update(self.offsets)
        self.batches, self.offsets, self.lines = {}, {}, 0


def session_for(
    tracker: Sessions, batch: SessionBatch, summary: ImportSummary
) -> tuple[int, dict[str, Any]]:
    """The stint session of an agent session — created, or re-opened, or as it is — and
    the fields the batch changes on it. A closed session is re-opened only when a prompt
    comes after its end (the agent resumed it — the hooks' rule too); other lines (the
    tail of a transcript the hooks already ended, a late subagent file) just add their
    events. `summary.known` holds what this run knows of the session already."""
    from stint.store import imports

    agent = batch.agent
    found = summary.known.get((agent, batch.agent_session_id))
    ended = (
        found["ended_at"] if found is not None and found["status"] not in OPEN_STATUSES else None
    )
    resumed = ended is not None and any(
        e.type == "message" and e.occurred_at is not None and e.occurred_at > ended
        for e in batch.events
    )
    if found is None or resumed:
        attached = tracker.attach_id(
            agent=agent,
            agent_session_id=batch.agent_session_id,
            cwd=batch.cwd,
            model=batch.model,
            at=batch.first_at,
            source="import",
        )
        if found is None:
            summary.sessions_created += 1
        with tracker.store.read() as conn:  # not the whole session read back: its columns
            row: dict[str, Any] = imports.known_columns(conn, tracker.org, attached)
    else:
        row = found
    session_id = int(row["id"])
    if found is not None and session_id not in summary.touched:
        summary.sessions_updated += 1
    summary.touched.add(session_id)
    fields: dict[str, Any] = {}
    if batch.branch and batch.branch != row["branch"]:
        fields["branch"] = batch.branch
    if batch.model and batch.model != row["ai_model"]:
        fields["ai_model"] = batch.model
    if batch.version and not row["agent_version"]:
        fields["agent_version"] = batch.version
    summary.known[(agent, batch.agent_session_id)] = {**row, **fields}
    for event in batch.events:
        if event.type == "tokens":
            summary.count_tokens(event)
    return session_id, fields
