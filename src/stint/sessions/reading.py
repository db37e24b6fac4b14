"""Reading sessions back: one org's sessions in one store, as `Session` records with
their live figures (duration, active time, score), plus their events, files, tasks and
records. The base of `stint.sessions.service.Sessions`; SQL stays in `stint.store`."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast

from stint.model.channels import NEITHER, ChannelEvent, Channels, channel_of, last_moment, split
from stint.model.config import Settings
from stint.model.filters import SessionFilter
from stint.model.health_line import summary_line
from stint.model.projection import Pulse, active_seconds
from stint.model.scoring import quality_indicators, score_session
from stint.model.timeparse import utcnow
from stint.model.types import (
    OPEN_STATUSES,
    Activity,
    FileTouch,
    NotFound,
    Project,
    Record,
    Session,
    StintError,
    Task,
)
from stint.sessions.detail import SessionDetail
from stint.store import channel_pulse
from stint.store.refs import NO_SESSIONS

if TYPE_CHECKING:
    from stint.store import Store

# No SQLAlchemy here: the reads go through the store's `reads` (stint.store.reads on a
# Store, stint.store.lite's sqlite3 on the read commands' path), and the reads only a
# Store serves import their queries where they are used.
Conn = Any  # a SQLAlchemy Connection, or a sqlite3 one on the lite path


class Reads(Protocol):
    """What a store's `reads` offers (both modules define these functions)."""

    def session_row(self, conn: Conn, org_id: str, session_id: int) -> dict[str, Any]: ...
    def newest_row(self, conn: Conn, org_id: str) -> dict[str, Any] | None: ...
    def tags_of(self, conn: Conn, session_ids: Sequence[int]) -> dict[int, list[str]]: ...
    def open_sessions(self, conn: Conn, org_id: str) -> list[dict[str, Any]]: ...
    def resolve(
        self, conn: Conn, org_id: str, ref: str | int, current: Callable[[], int | None]
    ) -> int: ...
    def list_rows(
        self, conn: Conn, org_id: str, where: SessionFilter, limit: int, before_id: int | None
    ) -> list[dict[str, Any]]: ...
    def moments(self, conn: Conn, session_id: int) -> list[tuple[datetime, str]]: ...
    def channel_events(self, conn: Conn, session_id: int) -> list[ChannelEvent]: ...
    def activities_of(
        self, conn: Conn, session_id: int, limit: int | None = None, newest_first: bool = False
    ) -> list[Activity]: ...
    def files_of(
        self, conn: Conn, session_id: int, limit: int | None = None
    ) -> list[FileTouch]: ...
    def file_edit_count(self, conn: Conn, org_id: str, session_id: int) -> int: ...
    def tasks_of(self, conn: Conn, session_id: int) -> list[Task]: ...
    def health_summaries(
        self, conn: Conn, org_id: str, session_ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]: ...
    def records_of(self, conn: Conn, table: str, session_id: int) -> list[Record]: ...
    def commits_of(self, conn: Conn, session_id: int) -> list[dict[str, Any]]: ...
    def stale_open_sessions(self, conn: Conn, org_id: str, idle_before: datetime) -> list[int]: ...
    def unseen_active(
        self, conn: Conn, org_id: str, idle_before: datetime
    ) -> list[tuple[int, datetime | None, bool]]: ...
    def recently_active(
        self, conn: Conn, org_id: str, since: datetime
    ) -> list[tuple[int, datetime | None]]: ...
    def latest_event(self, conn: Conn, session_id: int) -> ChannelEvent | None: ...


def stored_channels(row: dict[str, Any], duration: float) -> Channels | None:
    """The split a closed session's end stored, or None (open, or ended before 0015)."""
    if row["status"] in OPEN_STATUSES or row.get("person_seconds") is None:
        return None
    person = float(row["person_seconds"] or 0.0)
    agent = float(row["agent_seconds"] or 0.0)
    both = float(row["both_seconds"] or 0.0)
    idle = max(0.0, duration - person - agent - both)
    return Channels(person, agent, both, idle, row.get("channels_basis") or "events")


class SessionReader:
    """Sessions of one org in one store, read back."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        org_id: str | None = None,
        *,
        user_id: int | None = None,
        only_user: int | None = None,
    ) -> None:
        self.store = store
        self.reads = cast(Reads, store.reads)
        self.settings = settings
        self.org = org_id or settings.org_id
        # Team mode: `user_id` is who acts (sessions started get it); `only_user`, when set
        # (a member or viewer), is the one person whose sessions this reader sees. Every
        # session reference and list goes through `_resolve_in`, `_session` and `sessions`
        # below, so no face can forget it; another's session is NotFound, as if absent.
        self.user_id = user_id
        self.only_user = only_user
        store.pulse_seconds = settings.pulse_seconds

    def _visible(self, conn: Conn, session_id: int) -> int:
        if self.only_user is not None and not self._owned(conn, session_id):
            raise NotFound(f"no session with id {session_id}")
        return session_id

    def _session(
        self, conn: Conn, session_id: int, now: datetime | None = None, channels: bool = True
    ) -> Session:
        row = self.reads.session_row(conn, self.org, session_id)
        return self._session_of_row(conn, row, now, channels)

    def _session_at(self, conn: Conn, ref: str | int, cwd: str | None = None) -> Session:
        """The session `ref` names, resolved once: `last` is found and read in one
        statement; any other reference is resolved, then read (and the reader's scoping
        checked on the row read, which `_visible` would read a second time)."""
        if isinstance(ref, str) and ref.strip() == "last":
            row = self.reads.newest_row(conn, self.org)
            if row is None:
                raise NotFound(NO_SESSIONS)
        else:
            found = self.reads.resolve(conn, self.org, ref, lambda: self._current_id(conn, cwd))
            row = self.reads.session_row(conn, self.org, found)
        return self._session_of_row(conn, row)

    def _session_of_row(
        self,
        conn: Conn,
        row: dict[str, Any],
        now: datetime | None = None,
        channels: bool = True,
    ) -> Session:
        session_id = int(row["id"])
        if self.only_user is not None and row["user_id"] != self.only_user:
            raise NotFound(f"no session with id {session_id}")
        tags = self.reads.tags_of(conn, [session_id])[session_id]
        now = now or utcnow()
        session = self._build(conn, row, tags, now)
        if session.channels is None and channels:
            split = self._channels_from_events(conn, session, now)
            session = dataclasses.replace(session, channels=split)
        return session

    def _channels_from_events(self, conn: Conn, session: Session, now: datetime) -> Channels:
        """The split of one session's time from its events, up to its end, its pause or now."""
        row = session.row
        until = row["ended_at"] or (row["paused_at"] if row["status"] == "paused" else now)
        pulse = self.settings.pulse_seconds
        kept = channel_pulse.from_row(row) if row["pulse_seconds"] == pulse else None
        last = row["pulse_last_at"]
        if kept is not None and row["ended_at"] is None and last is not None and last <= until:
            # The state the projection keeps as events arrive (migration 0017): one row.
            return kept.channels(until, pulse, session.duration_seconds)
        events = [e for e in self.reads.channel_events(conn, row["id"]) if e.at <= until]
        return split(events, pulse, until, session.duration_seconds)

    def _build(self, conn: Conn, row: dict[str, Any], tags: list[str], now: datetime) -> Session:
        project = row.pop("project_name", None)
        duration = self._duration(row, now)
        if row["status"] in OPEN_STATUSES:
            until = row["paused_at"] if row["status"] == "paused" else now
            active = self._open_active(conn, row, until)
        else:
            active = float(row["active_seconds"] or 0.0)
        if row["productivity_score"] is not None and row["status"] not in OPEN_STATUSES:
            score, breakdown = row["productivity_score"], row["score_breakdown"]
        elif row["started_at"] is not None:
            figures = {**row, "duration_minutes": duration / 60}
            computed = score_session(figures, self.settings.score_weights)
            score, breakdown = computed.value, computed.breakdown
        else:
            score, breakdown = None, None
        return Session(
            row, project, tags, duration, active, score, breakdown, stored_channels(row, duration)
        )

    def as_of_now(self, sessions: Sequence[Session]) -> list[Session]:
        """`sessions` (as a list builds them) with the figures that run on with the clock,
        an open session's duration, active time and score, as of now; ended ones as they
        are. Lets a face keep sessions it read while the data version holds. An open
        session's split by channel is left out, as in a list."""
        now = utcnow()
        pulse = self.settings.pulse_seconds
        # Only an open row kept with another pulse (or from before 0007) reads its events.
        reads = any(
            s.is_open and (s.row["pulse_seconds"] != pulse or s.row["pulse_last_at"] is None)
            for s in sessions
        )
        held: Any = self.store.read() if reads else contextlib.nullcontext(None)
        with held as conn:
            return [
                self._build(conn, {**s.row, "project_name": s.project}, s.tags, now)
                if s.is_open
                else s
                for s in sessions
            ]

    def _open_active(self, conn: Conn, row: dict[str, Any], until: datetime) -> float:
        """Active time of an open session from the pulse state its row keeps (O(1)); from
        every event only for a row kept with another pulse or from before migration 0007."""
        pulse = self.settings.pulse_seconds
        if row["pulse_seconds"] == pulse and row["pulse_last_at"] is not None:
            state = Pulse(
                float(row["pulse_active_seconds"] or 0.0),
                row["pulse_last_at"],
                bool(row["pulse_paused"]),
            )
            return state.until(until, pulse)
        return active_seconds(self.reads.moments(conn, row["id"]), pulse, until)

    def live(
        self,
        session: Session,
        files: Sequence[FileTouch] | None = None,
        *,
        reuse_seconds: float = 0.0,
    ) -> Session:
        """`session` with its code figures as of now when it is open in a git work tree:
        lines since the start commit (committed, uncommitted and untracked, as `end` counts
        them), files and commits, and the score that follows. Cached by work-tree state;
        `files`: all of the session's files, when already read; `reuse_seconds`: a
        measurement of the work tree begun that recently will do (the dashboard's card,
        which would otherwise run `git status` for every page)."""
        if not session.is_open or not session.repo_root:
            return session
        # Deferred: git, threads and futures load only for an open session in a work tree
        # (not for the analytics, nor a re-import's quick check, which read the same reader).
        from stint.sessions import livegit, recent_run, single_flight

        home, root, start = str(self.settings.home), session.repo_root, session.start_commit
        key = ("livegit", home, root, start)
        figures = (
            recent_run.share(key, lambda: livegit.measure(home, root, start), reuse_seconds)
            if reuse_seconds > 0
            else single_flight.share(key, lambda: livegit.measure(home, root, start))
        )
        if figures is None:
            return session
        # `end` counts a file once whether the agent edited it, git changed it, or both.
        if files is None:
            files = self.files(session.id)
        edited = {f.path for f in files if f.times_modified > 0}
        row = {
            **session.row,
            "loc_added": figures["lines_added"],
            "loc_removed": figures["lines_removed"],
            "git_lines_added": figures["lines_added"],
            "git_lines_removed": figures["lines_removed"],
            "commits_made": figures["commits"],
            "binary_files_changed": figures["binary_files"],
            "files_modified": len(edited | set(figures["paths"])),
        }
        score = score_session(
            {**row, "duration_minutes": session.duration_seconds / 60}, self.settings.score_weights
        )
        return Session(
            row,
            session.project,
            session.tags,
            session.duration_seconds,
            session.active_seconds,
            score.value,
            score.breakdown,
            session.channels,
        )

    @staticmethod
    def _duration(row: dict[str, Any], now: datetime) -> float:
        """Wall time from start to end (or now), less paused time."""
        started = row["started_at"]
        if started is None:
            return 0.0
        end = row["ended_at"] or now
        paused = float(row["paused_seconds"] or 0.0)
        if row["status"] == "paused" and row["paused_at"] is not None:
            paused += max(0.0, (now - row["paused_at"]).total_seconds())
        return float(max(0.0, (end - started).total_seconds() - paused))

    def _current_id(self, conn: Conn, cwd: str | None = None) -> int | None:
        """The open session to act on: the one whose directory holds `cwd`, else the one
        with the most recent activity."""
        candidates = self._open_sessions(conn)
        if not candidates:
            return None
        if cwd and len(candidates) > 1:
            found = self._holding(conn, candidates, cwd)
            if found is not None:
                return found
        return int(candidates[0]["id"])

    def _holding(self, conn: Conn, candidates: list[dict[str, Any]], cwd: str) -> int | None:
        """The most recently active of `candidates` whose repository or directory holds
        `cwd`."""
        where = os.path.realpath(cwd)
        for candidate in candidates:  # each with its directories (`reads.open_sessions`)
            for root in (candidate["repo_root"], candidate["cwd"]):
                if root and (where == root or where.startswith(root.rstrip("/") + "/")):
                    return int(candidate["id"])
        return None

    def stale_ids(self, now: datetime) -> list[int]:
        """Active sessions idle longer than the timeout (what the sweep ends): no event
        for the timeout, or only events that are neither the person's nor the agent's."""
        idle_before = now - timedelta(seconds=self.settings.timeout_seconds)
        with self.store.read() as conn:
            # The idle and the recently active in one statement (every read command asks).
            unseen = self.reads.unseen_active(conn, self.org, idle_before)
            stale = [session_id for session_id, _, idle in unseen if idle]
            recent = [(session_id, started) for session_id, started, idle in unseen if not idle]
            return stale + self._waiting(conn, idle_before, recent)

    def _waiting(
        self,
        conn: Conn,
        idle_before: datetime,
        recent: Sequence[tuple[int, datetime | None]] | None = None,
    ) -> list[int]:
        """Active sessions with a recent event in which neither channel moved since
        `idle_before`: the latest event is nobody's (an agent waiting on a permission
        prompt sends notifications, not work) and so is everything back to `idle_before`.
        One indexed row per recent session in the usual case (its latest is someone's).
        `recent`: the recently active sessions, when already read."""
        if recent is None:
            recent = self.reads.recently_active(conn, self.org, idle_before)
        found = []
        for session_id, started_at in recent:
            latest = self.reads.latest_event(conn, session_id)
            if latest is None:
                continue
            if (
                channel_of(latest.type, latest.source, latest.ai_involved, latest.payload)
                != NEITHER
            ):
                continue
            moved = last_moment(self.reads.channel_events(conn, session_id)) or started_at
            if moved is not None and moved < idle_before:
                found.append(session_id)
        return found

    def open_session_in(self, cwd: str) -> Session | None:
        """The open session whose repository or directory holds `cwd` (no fallback to
        sessions elsewhere, unlike `current`)."""
        with self.store.read() as conn:
            found = self._holding(conn, self._open_sessions(conn), cwd)
            return None if found is None else self._session(conn, found)

    def _open_sessions(self, conn: Conn) -> list[dict[str, Any]]:
        found = self.reads.open_sessions(conn, self.org)
        if self.only_user is None:
            return found
        # Each row says whose it is: no second read per open session to check.
        return [
            row
            for row in found
            if row["user_id"] is not None and int(row["user_id"]) == self.only_user
        ]

    def _owned(self, conn: Conn, session_id: int) -> bool:
        owner = self.reads.session_row(conn, self.org, session_id).get("user_id")
        return owner is not None and int(owner) == self.only_user

    def _resolve_in(self, conn: Conn, ref: str | int, cwd: str | None = None) -> int:
        found = self.reads.resolve(conn, self.org, ref, lambda: self._current_id(conn, cwd))
        return self._visible(conn, found)

    def resolve(self, ref: str | int = "current", cwd: str | None = None) -> int:
        with self.store.read() as conn:
            return self._resolve_in(conn, ref, cwd)

    def current(self, cwd: str | None = None, *, channels: bool = True) -> Session | None:
        """The open session (of `cwd`'s project when given). `channels=False` leaves an
        open session's split by channel out (None): it reads every event of the session,
        and the dashboard's live card does not show it."""
        with self.store.read() as conn:
            session_id = self._current_id(conn, cwd)
            if session_id is None:
                return None
            return self._session(conn, session_id, channels=channels)

    def card(self, cwd: str | None = None, top: int = 3) -> tuple[Session, list[FileTouch]] | None:
        """What `stint status` shows, from one read transaction: the open session as of
        now (`live`) and its `top` most touched files; None when no session is open. All
        its files are read when `live` measures a work tree (it needs them anyway)."""
        with self.store.read() as conn:
            session_id = self._current_id(conn, cwd)
            if session_id is None:
                return None
            session = self._session(conn, session_id)
            in_tree = session.is_open and bool(session.repo_root)
            files = self.reads.files_of(conn, session_id, None if in_tree else top)
        return self.live(session, files if in_tree else None), files[:top]

    def get(self, ref: str | int = "current", cwd: str | None = None) -> Session:
        with self.store.read() as conn:
            return self._session_at(conn, ref, cwd)

    def detail(
        self, ref: str | int = "last", cwd: str | None = None, *, commits: bool = False
    ) -> SessionDetail:
        """Everything `stint show` prints of a session, in one read transaction: the
        reference resolved and scoped once (each of `files`, `tasks`… resolves it again),
        then one statement per part. `commits`: read its commits too (`show --json`)."""
        with self.store.read() as conn:
            session = self._session_at(conn, ref, cwd)
            sid = session.id
            files = self.reads.files_of(conn, sid)
            detail = SessionDetail(
                session,
                files,
                self.reads.activities_of(conn, sid, 5, newest_first=True),
                # The edits `file_edits` counts in SQL: the sum over the files just read.
                self._indicators(session, sum(f.times_modified for f in files)),
                self.reads.health_summaries(conn, self.org, [sid]).get(sid),
                self.reads.tasks_of(conn, sid),
                self.reads.records_of(conn, "decisions", sid),
                self.reads.records_of(conn, "context_items", sid),
                self.reads.commits_of(conn, sid) if commits else None,
            )
        return detail

    def sessions(
        self,
        where: SessionFilter | None = None,
        limit: int = 20,
        before_id: int | None = None,
    ) -> list[Session]:
        if limit < 1:
            raise StintError("limit must be at least 1")
        now = utcnow()
        where = where or SessionFilter()
        if self.only_user is not None:
            where = dataclasses.replace(where, user_id=self.only_user)
        with self.store.read() as conn:
            rows = self.reads.list_rows(conn, self.org, where, limit, before_id)
            tags = self.reads.tags_of(conn, [row["id"] for row in rows])
            return [self._build(conn, row, tags[row["id"]], now) for row in rows]

    def timeline(self, ref: str | int = "current", limit: int | None = None) -> list[Activity]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return self.reads.activities_of(conn, session_id, limit)

    def recent_activities(self, ref: str | int, limit: int = 5) -> list[Activity]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return self.reads.activities_of(conn, session_id, limit, newest_first=True)

    def files(self, ref: str | int = "current", limit: int | None = None) -> list[FileTouch]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return self.reads.files_of(conn, session_id, limit)

    def tasks(self, ref: str | int = "current") -> list[Task]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return self.reads.tasks_of(conn, session_id)

    def decisions(self, ref: str | int = "current") -> list[Record]:
        return self._records("decisions", ref)

    def context_items(self, ref: str | int = "current") -> list[Record]:
        return self._records("context_items", ref)

    def _records(self, table: str, ref: str | int) -> list[Record]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return self.reads.records_of(conn, table, session_id)

    def commits(self, ref: str | int = "current") -> list[dict[str, Any]]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return self.reads.commits_of(conn, session_id)

    def file_edits(self, session_id: int) -> int:
        with self.store.read() as conn:
            return self.reads.file_edit_count(conn, self.org, session_id)

    def indicators(self, session: Session) -> dict[str, dict[str, Any]]:
        """The quality indicators of a session (completion, focus, churn, decisions/hour)."""
        return self._indicators(session, self.file_edits(session.id))

    @staticmethod
    def _indicators(session: Session, file_edits: int) -> dict[str, dict[str, Any]]:
        figures = {
            **session.row,
            "duration_minutes": session.duration_seconds / 60,
            "file_edits": file_edits,
        }
        return quality_indicators(figures)

    def projects(self) -> list[Project]:
        from stint.store import records as rec

        with self.store.read() as conn:
            return rec.list_projects(conn, self.org)

    def health_summaries(self, session_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Session id → its stored health summary (for lists and comparisons)."""
        with self.store.read() as conn:
            return self.reads.health_summaries(conn, self.org, session_ids)

    def health_line(self, session_id: int) -> str | None:
        """The stored health as one line ("complexity +3 over 4 files; …"), or None."""
        return summary_line(self.health_summaries([session_id]).get(session_id))

    def event_time(self, key: str) -> datetime | None:
        """When the event stored under idempotency `key` happened (None: never stored)."""
        from stint.store import events as ev

        with self.store.read() as conn:
            return ev.time_of(conn, self.org, key)

    def find_agent_session(self, agent: str, agent_session_id: str) -> Session | None:
        """The newest stint session of an agent's session (open or not), or None."""
        from stint.store import sessions as ss

        with self.store.read() as conn:
            found = ss.find_by_agent_session(conn, self.org, agent, agent_session_id)
            return None if found is None else self._session(conn, int(found["id"]))

    def data_version(self) -> Hashable:
        """A token that is equal to an earlier one only if nothing was committed to the
        store in between (one cheap query): lets a face keep figures it computed."""
        return self.store.data_version()

    def dashboard_rows(
        self, since: datetime, tag_since: datetime, *, by_minute: bool = False
    ) -> tuple[list[dict[str, Any]], list[tuple[str, int]], list[tuple[str, int]]]:
        """The overview page's rows in one read: hourly totals since `since`, the top
        tags and models since `tag_since`."""
        from stint.store import dashboard as db

        with self.store.read() as conn:
            hours = db.hourly_totals(conn, self.org, since, by_minute=by_minute)
            tags = db.top_tags(conn, self.org, tag_since)
            models = db.top_models(conn, self.org, tag_since)
        return hours, tags, models

    def tokens_by_model(self, session_id: int) -> list[dict[str, Any]]:
        from stint.store import dashboard as db

        with self.store.read() as conn:
            return db.tokens_by_model(conn, self.org, session_id)

    def filter_choices(self) -> dict[str, list[str]]:
        """The projects, tags, models… the session list can be filtered by."""
        from stint.store import dashboard as db

        with self.store.read() as conn:
            return db.choices(conn, self.org)
