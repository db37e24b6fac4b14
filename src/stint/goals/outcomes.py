"""Progress, goal evaluation (stored in `sessions.evaluation` and `outcome`) and the
post-session summary of a goal-oriented session."""

from __future__ import annotations

from collections import Counter
from typing import Any

from stint.goals import evaluator
from stint.goals import indicators as goals
from stint.goals.kinds import get_kind
from stint.model.timeparse import human_duration
from stint.model.units import plural
from stint.sessions.service import Sessions


def progress(tracker: Sessions, ref: str | int) -> dict[str, Any]:
    session = tracker.get(ref)
    return goals.progress(goals.gather(tracker, session))


def evaluate(
    tracker: Sessions, ref: str | int, *, llm: bool | None = None, keep_outcome: bool = False
) -> dict[str, Any]:
    """Evaluate the session's goal and store the result. `llm`: True asks the configured
    LLM (falling back, and saying so, when there is none or it fails), False never asks,
    None asks when one is configured. `keep_outcome` keeps an outcome already set."""
    from stint.goals import llm_eval  # deferred: urllib.request (http.client, ssl) only to evaluate

    session = tracker.get(ref)
    facts = goals.gather(tracker, session)
    result = evaluator.evaluate(facts)
    if llm is not False:
        try:
            config = llm_eval.load_config(tracker.settings.home)
        except llm_eval.EvaluatorError as exc:
            config = None
            if llm:
                result["fallback"] = f"LLM evaluator misconfigured ({exc}); deterministic result"
        if config is not None:
            result = llm_eval.judge(config, facts, result)
        elif llm and "fallback" not in result:
            result["fallback"] = (
                "no LLM evaluator configured (set STINT_LLM_URL and STINT_LLM_MODEL); "
                "the deterministic result stands"
            )
    changes: dict[str, Any] = {"evaluation": result}
    if result["outcome"] is not None and not (keep_outcome and session.outcome):
        changes["outcome"] = result["outcome"]
    if result["completion_percentage"] is not None:
        changes["completion_percentage"] = result["completion_percentage"]
    tracker.update(session.id, **changes)
    return result


def summary(tracker: Sessions, ref: str | int) -> dict[str, Any]:
    """What the session accomplished, for an app or a person (seed 004's post-session
    summary): counters for its kind, interactions by type, artifacts, notes, subjects,
    indicator progress, outcome and follow-ups, plus the same as text."""
    session = tracker.get(ref)
    facts = goals.gather(tracker, session)
    report = goals.progress(facts)
    data = session.to_dict()
    kind = get_kind(session.kind)
    counters = {name: data.get(name) for name in kind.counters}
    by_type = Counter(i["type"] for i in facts.interactions)
    themes = Counter(t for i in facts.interactions for t in (i.get("themes") or []))
    artifacts = facts.artifacts
    result = {
        "ref": session.ref,
        "id": session.id,
        "kind": session.kind,
        "name": session.name,
        "status": session.status,
        "intention": session.goal,
        "outcome": session.outcome,
        "duration_seconds": round(session.duration_seconds),
        "active_seconds": round(session.active_seconds),
        "counters": counters,
        "interactions": dict(by_type),
        "artifacts": {
            "total": len(artifacts),
            "approved": sum(1 for a in artifacts if a["is_approved"]),
            "by_type": dict(Counter(a["type"] for a in artifacts)),
        },
        "notes": {
            "total": len(facts.notes),
            "important": sum(1 for n in facts.notes if n["is_important"]),
            "requires_followup": sum(1 for n in facts.notes if n["requires_followup"]),
        },
        "subjects": facts.subjects,
        "themes": [name for name, _ in themes.most_common(5)],
        "progress": report,
        "evaluation": session.evaluation,
        "needs_followup": session.needs_followup,
        "followup_notes": session.followup_notes,
        "next_session_suggestion": session.next_session_suggestion,
    }
    result["text"] = _text(result)
    return result


def _text(s: dict[str, Any]) -> str:
    met = [
        i["indicator"]
        for i in s["progress"]["success_indicators"] + s["progress"]["completion_indicators"]
        if i["met"]
    ]
    lines = [
        f"Session {s['ref']} ({s['kind']}, {s['status']}): {human_duration(s['duration_seconds'])}",
        f"Goal: {s['intention'] or '—'}",
        f"Covered: {plural(len(s['subjects']), 'subject')}, "
        f"{plural(sum(s['interactions'].values()), 'interaction')}, "
        f"{plural(s['artifacts']['total'], 'artifact')} ({s['artifacts']['approved']} approved)",
    ]
    if met:
        lines.append("Met: " + "; ".join(met))
    if s["themes"]:
        lines.append("Themes: " + ", ".join(s["themes"]))
    if s["outcome"]:
        lines.append(f"Outcome: {s['outcome']}")
    if s["next_session_suggestion"]:
        lines.append(f"Next: {s['next_session_suggestion']}")
    return "\n".join(lines)


def goal_view(tracker: Sessions, ref: str | int) -> dict[str, Any] | None:
    """The goal section of `stint show`, or None for a session without goal data."""
    session = tracker.get(ref)
    if not session.has_goal_data:
        return None
    facts = goals.gather(tracker, session)
    return {
        "intention": session.goal,
        "constraints": session.constraints or [],
        "scheduled_at": session.scheduled_at.isoformat() if session.scheduled_at else None,
        "scheduled_duration_minutes": session.scheduled_duration_minutes,
        "progress": goals.progress(facts),
        "interactions_count": len(facts.interactions),
        "artifacts": [
            {"id": a["id"], "type": a["type"], "name": a["name"], "approved": a["is_approved"]}
            for a in facts.artifacts
        ],
        "subjects": facts.subjects,
        "evaluation": session.evaluation,
    }
