"""The JSON API under /api/v1: sessions and what they hold, ingest and health. Every route
is a thin call into the Tracker; errors become problem objects (see `problems`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from stint import __version__
from stint.model.timeparse import parse_when
from stint.model.types import Session
from stint.tracker import SessionFilter
from stint.web import admin_api, analytics_api, health_api, sync
from stint.web.deps import TrackerDep
from stint.web.ingest import ingest_batch
from stint.web.ingest_schemas import IngestBatch, IngestResult
from stint.web.schemas import (
    ActivityOut,
    CommitOut,
    CurrentOut,
    FileOut,
    Health,
    Problem,
    RecordIn,
    RecordOut,
    SessionCreate,
    SessionEnd,
    SessionOut,
    SessionPage,
    SessionPatch,
    TaskIn,
    TaskOut,
    TaskPatch,
)

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Bad input"},
    404: {"model": Problem, "description": "Not found"},
    409: {"model": Problem, "description": "Conflicts with the current state"},
}
router = APIRouter(prefix="/api/v1", responses=_ERRORS)
# A session: 12, #12, a uuid prefix, last or current.
Ref = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        description="A session: `12`, `#12`, a uuid prefix, `last` or `current`",
    ),
]
TaskRef = Annotated[
    str, Path(min_length=1, max_length=64, description="The task's id, as `id` in a task")
]
# Cursors are session ids; bounded so every backend can compare them.
Cursor = Annotated[int | None, Query(ge=1, le=2**62, description="`next_cursor` of a page")]


def session_out(session: Session) -> dict[str, Any]:
    return {**session.to_dict(), "ref": session.ref}


def session_filter(
    project: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    model: str | None = None,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
) -> SessionFilter:
    """The CLI's `list` filters; `since`/`until` take ISO times or relative ones (-7d)."""
    return SessionFilter(
        project=project or None,
        tag=tag or None,
        status=status or None,
        kind=kind or None,
        model=model or None,
        since=parse_when(since) if since else None,
        until=parse_when(until) if until else None,
        search=search or None,
    )


@router.get("/health", response_model=Health, tags=["meta"])
def health(tracker: TrackerDep) -> dict[str, Any]:
    """Liveness and which database the server uses."""
    return {
        "status": "ok",
        "version": __version__,
        "database": tracker.store.engine.dialect.name,
        "open_sessions": len(tracker.sessions(SessionFilter(status="active"), limit=100)),
    }


@router.get("/sessions", response_model=SessionPage, tags=["sessions"])
def list_sessions(
    tracker: TrackerDep,
    project: Annotated[str | None, Query(max_length=200, description="Project name")] = None,
    tag: Annotated[str | None, Query(max_length=100, description="Sessions with this tag")] = None,
    status: Annotated[
        str | None, Query(max_length=20, description="`active`, `paused`, `ended`, `timeout`, …")
    ] = None,
    kind: Annotated[
        str | None, Query(max_length=50, description="`coding`, `conversation`, …")
    ] = None,
    model: Annotated[str | None, Query(max_length=100, description="AI model name")] = None,
    since: Annotated[
        str | None, Query(max_length=64, description="Started at or after: ISO time or `-7d`")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=64, description="Started before: ISO time or `-1d`")
    ] = None,
    search: Annotated[
        str | None, Query(max_length=200, description="Text in the goal, name or notes")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Sessions per page")] = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Sessions, newest first, with the CLI's filters; page with `cursor`."""
    where = session_filter(project, tag, status, kind, model, since, until, search)
    found = tracker.sessions(where, limit=limit + 1, before_id=cursor)
    page = found[:limit]
    return {
        "items": [session_out(s) for s in page],
        "next_cursor": page[-1].id if len(found) > limit else None,
    }


@router.post("/sessions", response_model=SessionOut, status_code=201, tags=["sessions"])
def create_session(tracker: TrackerDep, body: SessionCreate) -> dict[str, Any]:
    """Start a session (409 when one is already open for the same project and agent)."""
    options = body.model_dump()
    return session_out(tracker.start(source="api", **options))


@router.get("/current", response_model=CurrentOut, tags=["sessions"])
def current(tracker: TrackerDep) -> dict[str, Any]:
    """The open session (null when none) and its latest activities: the live card."""
    session = tracker.current()
    if session is None:
        return {"session": None, "recent_activities": []}
    session = tracker.live(session)  # the code changed so far, as the status panel shows it
    recent = tracker.recent_activities(session.id, 5)
    return {"session": session_out(session), "recent_activities": [a.to_dict() for a in recent]}


@router.get("/sessions/{ref}", response_model=SessionOut, tags=["sessions"])
def get_session(tracker: TrackerDep, ref: Ref) -> dict[str, Any]:
    """One session: REF is an id number (#12 or 12), a uuid prefix, `last` or `current`."""
    return health_api.with_health(tracker, session_out(tracker.get(ref)))


@router.post("/sessions/{ref}/end", response_model=SessionOut, tags=["sessions"])
def end_session(tracker: TrackerDep, ref: Ref, body: SessionEnd | None = None) -> dict[str, Any]:
    """End a session (409 when it has already ended)."""
    body = body or SessionEnd.model_validate({})
    ended = tracker.end(
        ref,
        at=body.at,
        notes=body.notes,
        outcome=body.outcome,
        source="api",
        rating=body.rating,
        summary=body.summary,
        learnings=body.learnings,
        completion=body.completion,
    )
    return health_api.with_health(tracker, session_out(ended))


@router.post("/sessions/{ref}/pause", response_model=SessionOut, tags=["sessions"])
def pause_session(tracker: TrackerDep, ref: Ref) -> dict[str, Any]:
    """Pause the session: the time until it resumes is not active time."""
    return session_out(tracker.pause(ref))


@router.post("/sessions/{ref}/resume", response_model=SessionOut, tags=["sessions"])
def resume_session(tracker: TrackerDep, ref: Ref) -> dict[str, Any]:
    """Resume a paused session."""
    return session_out(tracker.resume(ref))


@router.patch("/sessions/{ref}", response_model=SessionOut, tags=["sessions"])
def patch_session(tracker: TrackerDep, ref: Ref, body: SessionPatch) -> dict[str, Any]:
    """Change goal, name, outcome, rating, summary or learnings; replace the tags; append
    a note."""
    session_id = tracker.resolve(ref)
    changes = body.model_dump(exclude_unset=True, exclude={"tags", "notes", "goal"})
    changes = {k: v for k, v in changes.items() if v is not None}
    if body.goal is not None:
        tracker.set_goal(session_id, body.goal)
    if changes:
        tracker.update(session_id, **changes)
    if body.tags is not None:
        wanted = [t.strip().lstrip("#") for t in body.tags if t.strip().lstrip("#")]
        have = tracker.get(session_id).tags
        drop = [t for t in have if t not in wanted]
        add = [t for t in wanted if t not in have]
        if drop:
            tracker.tag(session_id, drop, remove=True)
        if add:
            tracker.tag(session_id, add)
    if body.notes is not None and body.notes.strip():
        tracker.add_note(session_id, body.notes.strip())
    return session_out(tracker.get(session_id))


@router.delete("/sessions/{ref}", status_code=204, response_class=Response, tags=["sessions"])
def delete_session(tracker: TrackerDep, ref: Ref) -> Response:
    """Delete a session and everything recorded in it."""
    tracker.forget(tracker.resolve(ref))
    return Response(status_code=204)


@router.get("/sessions/{ref}/activities", response_model=list[ActivityOut], tags=["records"])
def activities(
    tracker: TrackerDep,
    ref: Ref,
    type: Annotated[
        list[str] | None,
        Query(max_length=50, description="Only these activity types (repeat the parameter)"),
    ] = None,
    limit: Annotated[
        int | None, Query(ge=1, le=100_000, description="At most this many, oldest first")
    ] = None,
) -> list[dict[str, Any]]:
    """The session's activity timeline in order, optionally only some types."""
    found = tracker.timeline(tracker.resolve(ref), limit=None if type else limit)
    if type:
        found = [a for a in found if a.type in type][:limit]
    return [a.to_dict() for a in found]


@router.get("/sessions/{ref}/files", response_model=list[FileOut], tags=["records"])
def files(tracker: TrackerDep, ref: Ref) -> list[dict[str, Any]]:
    """Files the session touched, with edits and git line counts per file."""
    return [f.to_dict() for f in tracker.files(tracker.resolve(ref))]


@router.get("/sessions/{ref}/commits", response_model=list[CommitOut], tags=["records"])
def commits(tracker: TrackerDep, ref: Ref) -> list[dict[str, Any]]:
    """Commits made during the session (since its start commit)."""
    return tracker.commits(tracker.resolve(ref))


@router.get("/sessions/{ref}/tasks", response_model=list[TaskOut], tags=["records"])
def tasks(tracker: TrackerDep, ref: Ref) -> list[dict[str, Any]]:
    """The session's tasks in the order they were added."""
    return [t.to_dict() for t in tracker.tasks(tracker.resolve(ref))]


@router.post("/sessions/{ref}/tasks", response_model=TaskOut, status_code=201, tags=["records"])
def add_task(tracker: TrackerDep, ref: Ref, body: TaskIn) -> dict[str, Any]:
    """Add a task to the session."""
    task = tracker.add_task(
        tracker.resolve(ref),
        body.title,
        status=body.status,
        external_id=body.external_id,
        source="api",
    )
    return task.to_dict()


@router.patch("/sessions/{ref}/tasks/{task_ref}", response_model=TaskOut, tags=["records"])
def set_task_status(
    tracker: TrackerDep, ref: Ref, task_ref: TaskRef, body: TaskPatch
) -> dict[str, Any]:
    """Set a task's status: `todo`, `in_progress` or `completed`."""
    task = tracker.set_task_status(tracker.resolve(ref), task_ref, body.status, source="api")
    return task.to_dict()


@router.get("/sessions/{ref}/decisions", response_model=list[RecordOut], tags=["records"])
def decisions(tracker: TrackerDep, ref: Ref) -> list[dict[str, Any]]:
    """The session's decisions, oldest first."""
    return [d.to_dict() for d in tracker.decisions(tracker.resolve(ref))]


@router.post(
    "/sessions/{ref}/decisions", response_model=RecordOut, status_code=201, tags=["records"]
)
def add_decision(tracker: TrackerDep, ref: Ref, body: RecordIn) -> dict[str, Any]:
    """Record a decision (with an optional rationale)."""
    record = tracker.add_decision(
        tracker.resolve(ref), body.text, rationale=body.rationale, source="api"
    )
    return record.to_dict()


@router.get("/sessions/{ref}/context", response_model=list[RecordOut], tags=["records"])
def context(tracker: TrackerDep, ref: Ref) -> list[dict[str, Any]]:
    """The session's context items, oldest first."""
    return [c.to_dict() for c in tracker.context_items(tracker.resolve(ref))]


@router.post("/sessions/{ref}/context", response_model=RecordOut, status_code=201, tags=["records"])
def add_context(tracker: TrackerDep, ref: Ref, body: RecordIn) -> dict[str, Any]:
    """Add a context item (something the agent or person should keep in mind)."""
    return tracker.add_context(tracker.resolve(ref), body.text, source="api").to_dict()


@router.post(
    "/ingest",
    response_model=IngestResult,
    tags=["capture"],
)
def ingest(tracker: TrackerDep, body: IngestBatch) -> dict[str, Any]:
    """Store captured events from another machine, idempotently (see `stint.web.ingest`)."""
    return ingest_batch(tracker, body)


router.include_router(analytics_api.router)
router.include_router(sync.router)
router.include_router(admin_api.router)
router.include_router(health_api.router)
