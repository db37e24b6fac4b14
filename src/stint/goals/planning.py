"""Starting goal-oriented sessions: the goal keywords of `Tracker.start`, templates
(defaults for new sessions), chains of scheduled sessions, starting a scheduled one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from stint.goals.kinds import validate_state
from stint.goals.records import fit, link_subject
from stint.model.timeparse import as_utc, utcnow
from stint.model.types import Conflict, Session, StintError
from stint.sessions import lifecycle, opening
from stint.sessions.service import Sessions
from stint.store import goals as gs

# Goal fields `Tracker.start` takes besides the core options, and the column they fill.
GOAL_OPTIONS = {
    "success_indicators": "success_indicators",
    "completion_indicators": "completion_indicators",
    "constraints": "constraints",
    "procedure_notes": "procedure_notes",
    "scheduled_at": "scheduled_at",
    "scheduled_duration_minutes": "scheduled_duration_minutes",
    "previous_session": "previous_session_id",
}

# ------------------------------------------------------------------ starting


def start(tracker: Sessions, options: dict[str, Any]) -> Session:
    """`Tracker.start` with the goal keywords: intention (the goal), indicators,
    constraints, procedure notes, scheduling, a template's defaults, subjects, state."""
    options = dict(options)
    intention = options.pop("intention", None)
    if intention is not None and options.get("goal") not in (None, intention):
        raise StintError("give the goal or the intention, not both")
    template_name = options.pop("template", None)
    subjects = options.pop("subjects", None) or []
    state = options.pop("state", None)
    fields: dict[str, Any] = dict(options.pop("fields", None) or {})
    goal_values = {
        column: options.pop(name) for name, column in GOAL_OPTIONS.items() if name in options
    }
    if template_name:
        template = get_template(tracker, template_name)
        fields["template_id"] = template["id"]
        intention = intention or options.get("goal") or template["default_intention"]
        defaults = {
            "success_indicators": template["default_success_indicators"],
            "completion_indicators": template["default_completion_indicators"],
            "constraints": template["default_constraints"],
            "procedure_notes": template["default_procedure_notes"],
            "scheduled_duration_minutes": template["default_duration_minutes"],
        }
        for column, value in defaults.items():
            if goal_values.get(column) is None and value is not None:
                goal_values[column] = value
        if template["kind"] and "kind" not in options:
            options["kind"] = template["kind"]
        options["tags"] = [*(template["default_tags"] or []), *options.get("tags", ())]
        if state is None and template["default_state"]:
            state = template["default_state"]
    if intention is not None:
        options["goal"] = intention
    for column in ("success_indicators", "completion_indicators", "constraints"):
        if column in goal_values and goal_values[column] is not None:
            goal_values[column] = _string_list(goal_values[column], column)
    previous = goal_values.pop("previous_session_id", None)
    if previous is not None:
        goal_values["previous_session_id"] = tracker.resolve(previous)
    scheduled_at = goal_values.get("scheduled_at")
    if scheduled_at is not None:
        goal_values["scheduled_at"] = as_utc(scheduled_at)
        if "status" not in options and goal_values["scheduled_at"] > utcnow():
            options["status"] = "scheduled"
    duration = goal_values.get("scheduled_duration_minutes")
    if duration is not None and (not isinstance(duration, int) or duration <= 0):
        raise StintError("scheduled duration must be a positive whole number of minutes")
    if state is not None:
        fields["state"] = validate_state(options.get("kind", "coding"), state)
    fields.update(goal_values)
    if options.get("status", "active") not in ("active", "scheduled"):
        raise StintError("a session starts active or scheduled")
    session = opening.start(tracker, fields=fields, **options)
    for subject in subjects:
        if isinstance(subject, Mapping):
            link_subject(tracker, session.id, **dict(subject))
        else:
            link_subject(tracker, session.id, str(subject))
    return tracker.get(session.id) if subjects else session


def _string_list(value: Any, name: str) -> list[Any]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise StintError(f"{name} must be a list")
    return [item if isinstance(item, Mapping) else str(item) for item in value]


# ----------------------------------------------------------------- templates


def add_template(
    tracker: Sessions,
    name: str,
    *,
    description: str | None = None,
    kind: str | None = None,
    intention: str | None = None,
    success_indicators: Sequence[Any] = (),
    completion_indicators: Sequence[Any] = (),
    constraints: Sequence[str] = (),
    procedure_notes: str | None = None,
    duration_minutes: int | None = None,
    tags: Sequence[str] = (),
    state: Mapping[str, Any] | None = None,
    suggested_for: Sequence[str] = (),
    replace: bool = False,
) -> dict[str, Any]:
    """Save a template: the defaults a new session takes with `template=NAME`."""
    if not name.strip():
        raise StintError("the template name is empty")
    if duration_minutes is not None and duration_minutes <= 0:
        raise StintError("the duration must be a positive number of minutes")
    if kind and state:
        validate_state(kind, state)
    fit(gs.TP, {"name": name.strip(), "kind": kind})
    now = utcnow()
    values = {
        "description": description,
        "kind": kind,
        "default_intention": intention,
        "default_success_indicators": _string_list(success_indicators, "success indicators"),
        "default_completion_indicators": _string_list(
            completion_indicators, "completion indicators"
        ),
        "default_constraints": [str(c) for c in constraints],
        "default_procedure_notes": procedure_notes,
        "default_duration_minutes": duration_minutes,
        "default_tags": [t.strip().lstrip("#") for t in tags if t.strip()],
        "default_state": dict(state) if state else None,
        "suggested_for": list(suggested_for),
        "is_active": True,
        "updated_at": now,
    }
    with tracker.store.write() as conn:
        try:
            gs.insert_template(
                conn, tracker.org, {"name": name.strip(), "created_at": now, **values}
            )
        except Conflict:
            if not replace:
                raise
            gs.update_template(conn, tracker.org, name.strip(), values)
        return gs.template_by_name(conn, tracker.org, name.strip())


def get_template(tracker: Sessions, name: str) -> dict[str, Any]:
    with tracker.store.read() as conn:
        return gs.template_by_name(conn, tracker.org, name)


def templates(tracker: Sessions) -> list[dict[str, Any]]:
    with tracker.store.read() as conn:
        return gs.templates_of(conn, tracker.org)


def coverage_plan(count: int) -> list[str]:
    """Coverage levels for a chain of sessions on one subject (seed 004)."""
    if count < 1:
        raise StintError("plan at least one session")
    if count == 1:
        return ["deep_dive"]
    if count == 2:
        return ["introduction", "completion"]
    return ["introduction", *["exploration"] * (count - 3), "deep_dive", "completion"]


def plan(
    tracker: Sessions,
    template: str,
    *,
    count: int = 3,
    first_at: datetime,
    every: timedelta = timedelta(days=7),
    subject: str | None = None,
    project: str | None = None,
    name: str | None = None,
    source: str = "cli",
) -> list[Session]:
    """A chain of scheduled sessions from a template, each linked to the previous one and,
    with a subject, covering it from introduction to completion."""
    levels = coverage_plan(count)
    planned: list[Session] = []
    previous: int | None = None
    for index, level in enumerate(levels):
        label = f"{name or template} ({index + 1}/{count})"
        session = start(
            tracker,
            {
                "template": template,
                "project": project,
                "name": label[:200],
                "scheduled_at": as_utc(first_at) + every * index,
                "status": "scheduled",
                "previous_session": previous,
                "source": source,
            },
        )
        if subject:
            link_subject(tracker, session.id, subject, primary=True, coverage=level)
        previous = session.id
        planned.append(tracker.get(session.id))
    return planned


def begin(tracker: Sessions, ref: str | int, at: datetime | None = None) -> Session:
    """Start a scheduled session now (or `at`)."""
    return lifecycle.activate(tracker, tracker.resolve(ref), as_utc(at) if at else utcnow())
