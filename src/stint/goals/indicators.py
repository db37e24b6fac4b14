"""Indicators, progress and the deterministic goal evaluator.

An indicator is either free text ("Storyteller recalls specific moments") or a structured
check over the session's own data, one line of the form `METRIC [OP VALUE]`:

    artifacts[type=scene_capture] >= 3      artifacts[scene_capture,approved] >= 2
    interactions >= 10                      interactions[type=command] >= 1
    tasks.completed >= tasks.created        lines.net > 0
    tests_passed                            commits >= 1
    notes[important] == 0                   duration_minutes <= 30

(an indicator may also be a mapping `{"text": "...", "check": "..."}`: a label with a
check). Free text is `unknown` here; the LLM evaluator (`stint.goals.llm_eval`) can judge it.
Everything in this module is a pure function of `Facts`; `gather` builds them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stint.goals import records as goalops
from stint.model.types import Session
from stint.sessions.service import Sessions
from stint.store.schema import COUNTER_COLUMNS

_CHECK = re.compile(
    r"^\s*(?P<metric>[a-z_][a-z0-9_.]*)(?:\[(?P<filters>[^\]]*)\])?"
    r"\s*(?:(?P<op>>=|<=|==|!=|>|<|=)\s*"
    r"(?P<rhs>[a-z0-9_.\-]+(?:\[[^\]]*\])?|'[^']*'|\"[^\"]*\"))?\s*$",
    re.IGNORECASE,
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
# Row lists a filter in brackets can select from, and the flags each understands.
_FLAGS = {
    "artifacts": {
        "approved": ("is_approved", True),
        "provisional": ("is_provisional", True),
        "included": ("included_in_synthesis", True),
    },
    "notes": {"important": ("is_important", True), "followup": ("requires_followup", True)},
    "subjects": {"primary": ("is_primary", True)},
    "interactions": {},
}
_SIMPLE_NAMES = frozenset(
    {
        *("tasks", "tasks.created", "tasks.completed", "tasks.in_progress", "tasks.todo"),
        *("lines.added", "lines.removed", "lines.net", "commits", "commands"),
        *("tests_run", "tests_passed", "tests_failed", "results.ok", "results.failed"),
        *("last_result_ok", "messages", "tool_calls", "decisions", "context_items"),
        *("duration_seconds", "duration_minutes", "active_minutes"),
    }
)
# Numeric session columns a check may name as they are (`memories_used >= 1`).
_ROW_NUMBERS = frozenset(
    (
        *COUNTER_COLUMNS,
        "commits_made",
        "files_modified",
        "loc_added",
        "loc_removed",
        "cost_usd",
        "binary_files_changed",
        "success_rating",
        "completion_percentage",
        "scheduled_duration_minutes",
    )
)
_FIELD_ALIASES = {"coverage": "coverage_level", "by": "noted_by", "subject": "subject_key"}


@dataclass
class Facts:
    """What a session's indicators are checked against."""

    row: dict[str, Any]
    duration_seconds: float
    active_seconds: float
    interactions: list[dict[str, Any]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    subjects: list[dict[str, Any]] = field(default_factory=list)

    def tests(self) -> tuple[int, bool | None]:
        """(test runs, whether the last one passed): a test command and the result after it."""
        runs, passed = 0, None
        pending = False
        for item in self.interactions:
            payload = item.get("payload") or {}
            if item["type"] == "command" and payload.get("is_test"):
                runs += 1
                pending = True
                if "success" in payload:  # a command recorded with its own exit status
                    passed, pending = bool(payload["success"]), False
            elif item["type"] == "result" and pending:
                passed, pending = _succeeded(payload), False
        return runs, passed

    def results(self) -> tuple[int, int, bool | None]:
        """(results that succeeded, results that failed, whether the last one succeeded)."""
        ok = failed = 0
        last: bool | None = None
        for item in self.interactions:
            if item["type"] in ("result", "tool_result"):
                outcome = _succeeded(item.get("payload") or {})
                if outcome is True:
                    ok += 1
                elif outcome is False:
                    failed += 1
                last = outcome if outcome is not None else last
        return ok, failed, last


def _succeeded(payload: Mapping[str, Any]) -> bool | None:
    if "success" in payload and payload["success"] is not None:
        return bool(payload["success"])
    if payload.get("exit_code") is not None:
        return int(payload["exit_code"]) == 0
    return None


def gather(tracker: Sessions, session: Session) -> Facts:
    return Facts(
        row=dict(session.row),
        duration_seconds=session.duration_seconds,
        active_seconds=session.active_seconds,
        interactions=goalops.interactions(tracker, session.id),
        artifacts=goalops.artifacts(tracker, session.id),
        notes=goalops.notes(tracker, session.id),
        subjects=goalops.subjects(tracker, session.id),
    )


# ----------------------------------------------------------------- metrics


def _filtered(rows: Sequence[Mapping[str, Any]], table: str, filters: str) -> int:
    flags = _FLAGS[table]
    wanted: list[tuple[str, Any]] = []
    for part in (p.strip() for p in filters.split(",") if p.strip()):
        if "=" in part:
            name, text = (x.strip() for x in part.split("=", 1))
            wanted.append((_FIELD_ALIASES.get(name, name), text))
        elif part in flags:
            wanted.append(flags[part])
        elif part.startswith("!") and part[1:] in flags:
            column, flag = flags[part[1:]]
            wanted.append((column, not flag))
        else:  # a bare word is the type: artifacts[scene_capture]
            wanted.append(("coverage_level" if table == "subjects" else "type", part))
    for column, _ in wanted:
        if rows and column not in rows[0]:
            raise KeyError(f"{table} have no field {column!r}")
    return sum(
        1
        for row in rows
        if all(
            (bool(row.get(column)) == value)
            if isinstance(value, bool)
            else (str(row.get(column)) == value)
            for column, value in wanted
        )
    )


def metric(facts: Facts, name: str, filters: str | None = None) -> Any:
    """The value of one metric; KeyError when there is no such metric."""
    name = name.lower()
    row = facts.row
    if name in _FLAGS:
        rows = getattr(facts, name)
        return _filtered(rows, name, filters) if filters else len(rows)
    if filters:
        raise KeyError(f"{name} takes no [filter]")
    runs, passed = facts.tests()
    ok, failed, last_ok = facts.results()
    simple: dict[str, Callable[[], Any]] = {
        "tasks": lambda: row["tasks_created"],
        "tasks.created": lambda: row["tasks_created"],
        "tasks.completed": lambda: row["tasks_completed"],
        "tasks.in_progress": lambda: row["tasks_in_progress"],
        "tasks.todo": lambda: row["tasks_todo"],
        "lines.added": lambda: row["loc_added"],
        "lines.removed": lambda: row["loc_removed"],
        "lines.net": lambda: int(row["loc_added"]) - int(row["loc_removed"]),
        "commits": lambda: row["commits_made"],
        "tests_run": lambda: runs,
        "tests_passed": lambda: passed,
        "tests_failed": lambda: None if passed is None else not passed,
        "results.ok": lambda: ok,
        "results.failed": lambda: failed,
        "last_result_ok": lambda: last_ok,
        "commands": lambda: sum(1 for i in facts.interactions if i["type"] == "command"),
        "messages": lambda: row["message_count"],
        "tool_calls": lambda: row["tool_call_count"],
        "decisions": lambda: row["decisions_made"],
        "context_items": lambda: row["context_items_added"],
        "duration_seconds": lambda: round(facts.duration_seconds),
        "duration_minutes": lambda: round(facts.duration_seconds / 60, 1),
        "active_minutes": lambda: round(facts.active_seconds / 60, 1),
    }
    if name in simple:
        return simple[name]()
    if name.startswith("state."):
        state = row.get("state") or {}
        if name[6:] not in state:
            raise KeyError(name)
        return state[name[6:]]
    if name not in _ROW_NUMBERS:
        raise KeyError(name)
    return row.get(name)


def _value(facts: Facts, text: str) -> Any:
    """The right-hand side: a number, true/false, a quoted text, a metric, or else the
    bare word itself (`state.step == done`)."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        pass
    match = re.fullmatch(r"([a-z_][a-z0-9_.]*)(?:\[([^\]]*)\])?", lowered)
    if match is None or not _known(match[1]):
        return text
    return metric(facts, match[1], match[2])


# -------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Indicator:
    text: str
    check: str | None  # None: free text


def parse_indicator(item: Any) -> Indicator:
    """A stored indicator (text or {"text", "check"}) as text plus its check, if any."""
    if isinstance(item, Mapping):
        text = str(item.get("text") or item.get("check") or "")
        check = item.get("check")
        return Indicator(text, str(check) if check else None)
    text = str(item)
    match = _CHECK.match(text)
    if match is None or not _known(match["metric"]):
        return Indicator(text, None)
    return Indicator(text, text.strip())


def _known(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered in _FLAGS
        or lowered in _SIMPLE_NAMES
        or lowered in _ROW_NUMBERS
        or lowered.startswith("state.")
    )


def check(facts: Facts, expression: str) -> dict[str, Any]:
    """Evaluate one structured check: met True / False, or None with the reason."""
    match = _CHECK.match(expression)
    if match is None:
        return {"met": None, "value": None, "detail": "not a check"}
    try:
        left = metric(facts, match["metric"], match["filters"])
        if match["op"] is None:
            if left is None:
                return {"met": None, "value": None, "detail": "no data yet"}
            return {"met": bool(left), "value": left, "detail": f"{match['metric']} = {left}"}
        right = _value(facts, match["rhs"])
    except KeyError as exc:
        return {"met": None, "value": None, "detail": f"unknown metric {exc.args[0]}"}
    if left is None or right is None:
        return {"met": None, "value": left, "detail": "no data yet"}
    try:
        met = bool(_OPS[match["op"]](left, right))
    except TypeError:
        return {"met": None, "value": left, "detail": f"cannot compare {left!r} with {right!r}"}
    return {"met": met, "value": left, "detail": f"{left} {match['op']} {right}"}


def _judge(
    facts: Facts, items: Sequence[Any] | None, judgments: Mapping[str, Any]
) -> list[dict[str, Any]]:
    results = []
    for item in items or []:
        indicator = parse_indicator(item)
        if indicator.check is not None:
            outcome = check(facts, indicator.check)
            source = "check"
        elif indicator.text in judgments:
            judged = judgments[indicator.text]
            outcome = {"met": judged.get("met"), "value": None, "detail": judged.get("reason")}
            source = "llm"
        else:
            outcome = {"met": None, "value": None, "detail": "free text"}
            source = "none"
        met = outcome["met"]
        results.append(
            {
                "indicator": indicator.text,
                "check": indicator.check,
                "met": met,
                "status": "unknown" if met is None else ("met" if met else "not_met"),
                "value": outcome["value"],
                "detail": outcome["detail"],
                "judged_by": source if met is not None else None,
            }
        )
    return results


def progress(facts: Facts, use_llm_judgments: bool = True) -> dict[str, Any]:
    """Each indicator met / not met / unknown, and whether the session can complete (every
    completion indicator met; unknown ones block)."""
    row = facts.row
    evaluation = row.get("evaluation") or {}
    judgments = evaluation.get("judgments") or {} if use_llm_judgments else {}
    success = _judge(facts, row.get("success_indicators"), judgments)
    completion = _judge(facts, row.get("completion_indicators"), judgments)
    return {
        "session_id": row["id"],
        "ref": f"#{row['number']}",
        "status": row["status"],
        "intention": row.get("goal"),
        "duration_seconds": round(facts.duration_seconds),
        "active_seconds": round(facts.active_seconds),
        "interactions_count": len(facts.interactions),
        "artifacts_count": len(facts.artifacts),
        "success_indicators": success,
        "completion_indicators": completion,
        "can_complete": all(c["met"] is True for c in completion),
    }
