"""The text of the session views as lines of plain strings: the status card, the summary
of `stint show` and `end`, the rows of `stint list`. Both faces draw from these: the
click path puts them in Rich panels and tables (`stint.cli.render`), the plain path draws
the same boxes itself (`stint.plain.boxes`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from stint.model.scoring import score_label
from stint.model.timeparse import human_duration, local_text, utcnow
from stint.model.types import Activity, FileTouch, Session
from stint.model.units import money, plural
from stint.plain.columns import Col


def json_text(data: Any) -> str:
    """What `--json` prints (`stint.cli.common.emit_json`)."""
    return json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n"


def score_text(session: Session) -> str:
    if session.score is None:
        return "—"
    return f"{session.score:.0f}/100 ({score_label(session.score)})"


def _lines(session: Session) -> str:
    net = session.net_loc
    return f"+{session.loc_added} / -{session.loc_removed} (net {'+' if net > 0 else ''}{net})"


def header_lines(session: Session) -> list[str]:
    elapsed = (
        human_duration((utcnow() - session.started_at).total_seconds())
        if session.started_at
        else "—"
    )
    lines = [
        f"Project: {session.project or '—'}   Kind: {session.kind}",
        f"Started: {local_text(session.started_at)} ({elapsed} ago)"
        if session.is_open
        else f"Started: {local_text(session.started_at)}   Ended: {local_text(session.ended_at)}",
        f"Duration: {human_duration(session.duration_seconds)}"
        f" (active {human_duration(session.active_seconds)})",
    ]
    if session.channels is not None:
        lines.append(f"Time: {session.channels.line()}")
    # A model is not an agent: `stint start --model X` names no agent.
    who = "   ".join(
        f"{label}: {value}"
        for label, value in (("Agent", session.agent), ("Model", session.ai_model))
        if value
    )
    if who:
        lines.append(who)
    if session.branch or session.repo_root:
        lines.append(f"Git: {session.branch or 'detached'} @ {(session.start_commit or '—')[:10]}")
    return lines


def metric_lines(session: Session) -> list[str]:
    lines = [
        f"Tasks: {session.tasks_completed}/{session.tasks_created} completed "
        f"({session.tasks_in_progress} in progress, {session.tasks_todo} todo)",
        f"Context: {plural(session.context_items_added, 'item')}   "
        f"Decisions: {session.decisions_made}",
        f"Code: {_lines(session)} in {plural(session.files_modified, 'file')}"
        + (f", {plural(session.commits_made, 'commit')}" if session.commits_made else ""),
    ]
    if session.message_count or session.tool_call_count or session.commands_executed:
        lines.append(
            f"Messages: {session.message_count}   Tool calls: {session.tool_call_count}"
            f"   Commands: {session.commands_executed}"
        )
    tokens = session.input_tokens + session.output_tokens
    if tokens or session.cost_usd:
        cache = session.cache_creation_tokens + session.cache_read_tokens
        lines.append(f"Tokens: {tokens:,} (+{cache:,} cache)   Cost: {money(session.cost_usd)}")
    return lines


def status_lines(session: Session, files: Sequence[FileTouch]) -> list[str]:
    """The body of the status card (`stint status`)."""
    body = [*header_lines(session), ""]
    hint = 'not set — use: stint goal "<text>"'
    body.append(f"Goal: {session.goal or hint}")
    body += ["", *metric_lines(session), f"Score so far: {score_text(session)}"]
    if files:
        body.append("Most touched: " + ", ".join(f.path for f in files[:3]))
    body.append(f"Tags: {', '.join(session.tags) or 'none'}")
    return body


def status_title(session: Session) -> str:
    return f"Session {session.ref} — {session.status.upper()}"


def _file_line(f: FileTouch) -> str:
    added = f.git_lines_added if f.git_lines_added is not None else f.lines_added
    removed = f.git_lines_removed if f.git_lines_removed is not None else f.lines_removed
    extra = " binary" if f.is_binary else ""
    if f.renamed_from:
        extra += f" (renamed from {f.renamed_from})"
    return (
        f"  • {f.path} ({f.times_modified}× modified, {f.times_mentioned}× @mentioned, "
        f"+{added}/-{removed}){extra}"
    )


def summary_lines(
    session: Session,
    files: Sequence[FileTouch],
    recent: Sequence[Activity],
    indicators: dict[str, dict[str, Any]],
    health: str | None = None,
) -> list[str]:
    """The body of the end-of-session summary (also `stint show`); `health` is the
    code-health line."""
    body = [
        *header_lines(session),
        f"Status: {session.status}" + (f" ({session.end_reason})" if session.end_reason else ""),
        "",
    ]
    body.append(f"Goal: {session.goal or 'no goal set'}")
    if session.outcome:
        body.append(f"Outcome: {session.outcome}")
    body += ["", f"Productivity score: {score_text(session)}"]
    if session.score_breakdown:
        body.append("  " + "  ".join(f"{k} {v:g}" for k, v in session.score_breakdown.items()))
    body += ["", *metric_lines(session), ""]
    if health:
        body += [f"Code health: {health}", ""]
    for indicator in indicators.values():
        value = indicator["value"]
        shown = "—" if value is None else f"{value:g}{indicator['unit']}"
        body.append(f"{indicator['label']}: {shown} [{indicator['status']}]")
    body += ["", f"Files worked on: {session.files_modified}"]
    body += [_file_line(f) for f in files[:5]]
    body += ["", "Recent activity:"]
    body += [
        f"  {local_text(a.occurred_at, with_date=False)} - {a.description or a.type}"
        for a in recent[:5]
    ]
    body += ["", f"Tags: {', '.join(session.tags) or 'none'}", f"Notes: {session.notes or 'none'}"]
    return body


def summary_title(session: Session) -> str:
    return f"Session summary — {session.ref}"


def summary_subtitle(session: Session) -> str:
    return f"stint timeline {session.number}"


def cost_text(per: dict[str, float | None]) -> str:
    """The cost-per-outcome line of `stint show`."""
    return (
        f"Cost per outcome: {money(per['per_completed_task'])}/task, "
        f"{money(per['per_commit'])}/commit, {money(per['per_100_net_lines'])}/100 net lines, "
        f"{money(per['per_achieved_goal'])}/achieved goal"
    )


# `stint list`: when narrow, tags, then score, lines, tasks and project give way; the goal
# wraps; numbers and times are never cut.
LIST_COLUMNS = (
    Col("#", justify="right"),
    Col("started"),
    Col("project", drop=2, wrap=True),
    Col("status"),
    Col("active", justify="right"),
    Col("score", drop=5, justify="right"),
    Col("tasks", drop=3, justify="right"),
    Col("lines", drop=4, justify="right"),
    Col("goal", wrap=True),
    Col("tags", drop=6, wrap=True),
)


def list_rows(sessions: Sequence[Session]) -> list[list[str]]:
    """The cells of `stint list`, one row per session, under LIST_COLUMNS."""
    return [
        [
            str(s.number),
            local_text(s.started_at),
            s.project or "—",
            s.status,
            human_duration(s.active_seconds),
            "—" if s.score is None else f"{s.score:.0f}",
            f"{s.tasks_completed}/{s.tasks_created}",
            f"+{s.loc_added:,}/-{s.loc_removed:,}",
            (s.goal or "")[:80],
            ", ".join(s.tags),
        ]
        for s in sessions
    ]
