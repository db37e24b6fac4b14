"""Each table's columns the bare-sqlite3 reads select, in `stint.store.schema`'s order,
with how a value comes back: "datetime" (aware UTC), "bool", "json", or "" (as stored).
Written from schema.py (`python -m stint.store.lite_columns` prints it anew);
tests/test_clispeed_lite.py checks the two agree."""

from __future__ import annotations

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "session_health": (
        ("session_id", ""),
        ("org_id", ""),
        ("status", ""),
        ("reason", ""),
        ("threshold", ""),
        ("files_measured", ""),
        ("files_skipped", ""),
        ("skipped", "json"),
        ("ccn_before", ""),
        ("ccn_after", ""),
        ("ccn_delta", ""),
        ("nloc_before", ""),
        ("nloc_after", ""),
        ("functions_before", ""),
        ("functions_after", ""),
        ("mean_ccn_before", ""),
        ("mean_ccn_after", ""),
        ("complex_added", ""),
        ("complex_removed", ""),
        ("measured_at", "datetime"),
    ),
    "sessions": (
        ("id", ""),
        ("uuid", ""),
        ("org_id", ""),
        ("number", ""),
        ("project_id", ""),
        ("component_id", ""),
        ("user_id", ""),
        ("machine_id", ""),
        ("template_id", ""),
        ("previous_session_id", ""),
        ("kind", ""),
        ("name", ""),
        ("goal", ""),
        ("success_indicators", "json"),
        ("completion_indicators", "json"),
        ("constraints", "json"),
        ("procedure_notes", ""),
        ("state", "json"),
        ("status", ""),
        ("open_key", ""),
        ("outcome", ""),
        ("successfully_completed", "bool"),
        ("end_reason", ""),
        ("agent", ""),
        ("agent_version", ""),
        ("agent_session_id", ""),
        ("ai_model", ""),
        ("ai_provider", ""),
        ("environment", ""),
        ("mcp_connection_id", ""),
        ("cwd", ""),
        ("scheduled_at", "datetime"),
        ("scheduled_duration_minutes", ""),
        ("started_at", "datetime"),
        ("ended_at", "datetime"),
        ("last_activity_at", "datetime"),
        ("seen_at", "datetime"),
        ("paused_at", "datetime"),
        ("paused_seconds", ""),
        ("active_seconds", ""),
        ("pulse_active_seconds", ""),
        ("pulse_last_at", "datetime"),
        ("pulse_paused", "bool"),
        ("pulse_seconds", ""),
        ("person_seconds", ""),
        ("agent_seconds", ""),
        ("both_seconds", ""),
        ("channels_basis", ""),
        ("chan_person_last", ""),
        ("chan_person_run", ""),
        ("chan_person_active", ""),
        ("chan_agent_last", ""),
        ("chan_agent_run", ""),
        ("chan_agent_active", ""),
        ("chan_both", ""),
        ("chan_paused", "bool"),
        ("repo_root", ""),
        ("branch", ""),
        ("start_commit", ""),
        ("end_commit", ""),
        ("commits_made", ""),
        ("tasks_created", ""),
        ("tasks_completed", ""),
        ("tasks_in_progress", ""),
        ("tasks_todo", ""),
        ("context_items_added", ""),
        ("decisions_made", ""),
        ("message_count", ""),
        ("tool_call_count", ""),
        ("tool_failures", ""),
        ("commands_executed", ""),
        ("memories_used", ""),
        ("notes_count", ""),
        ("interactions_count", ""),
        ("artifacts_count", ""),
        ("subagents_started", ""),
        ("files_mentioned", ""),
        ("edit_lines_added", ""),
        ("edit_lines_removed", ""),
        ("input_tokens", ""),
        ("output_tokens", ""),
        ("cache_creation_tokens", ""),
        ("cache_read_tokens", ""),
        ("git_lines_added", ""),
        ("git_lines_removed", ""),
        ("loc_added", ""),
        ("loc_removed", ""),
        ("files_modified", ""),
        ("binary_files_changed", ""),
        ("cost_usd", ""),
        ("productivity_score", ""),
        ("score_breakdown", "json"),
        ("notes", ""),
        ("summary", ""),
        ("learnings", ""),
        ("success_rating", ""),
        ("completion_percentage", ""),
        ("needs_followup", "bool"),
        ("followup_notes", ""),
        ("next_session_suggestion", ""),
        ("evaluation", "json"),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
    ),
    "session_tags": (
        ("session_id", ""),
        ("tag", ""),
        ("org_id", ""),
    ),
    "activities": (
        ("id", ""),
        ("org_id", ""),
        ("session_id", ""),
        ("type", ""),
        ("description", ""),
        ("occurred_at", "datetime"),
        ("source", ""),
        ("ai_involved", "bool"),
        ("file_path", ""),
        ("task_id", ""),
        ("decision_id", ""),
        ("context_id", ""),
        ("payload", "json"),
        ("idem_key", ""),
    ),
    "session_files": (
        ("session_id", ""),
        ("path", ""),
        ("org_id", ""),
        ("times_modified", ""),
        ("lines_added", ""),
        ("lines_removed", ""),
        ("times_mentioned", ""),
        ("git_lines_added", ""),
        ("git_lines_removed", ""),
        ("git_change", ""),
        ("renamed_from", ""),
        ("is_binary", "bool"),
        ("first_touched_at", "datetime"),
        ("last_touched_at", "datetime"),
    ),
    "tasks": (
        ("id", ""),
        ("org_id", ""),
        ("session_id", ""),
        ("project_id", ""),
        ("external_id", ""),
        ("number", ""),
        ("title", ""),
        ("status", ""),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
        ("completed_at", "datetime"),
    ),
    "decisions": (
        ("id", ""),
        ("org_id", ""),
        ("session_id", ""),
        ("text", ""),
        ("rationale", ""),
        ("created_at", "datetime"),
    ),
    "context_items": (
        ("id", ""),
        ("org_id", ""),
        ("session_id", ""),
        ("text", ""),
        ("mentions", "json"),
        ("created_at", "datetime"),
    ),
    "commits": (
        ("session_id", ""),
        ("sha", ""),
        ("org_id", ""),
        ("subject", ""),
        ("author", ""),
        ("committed_at", "datetime"),
        ("lines_added", ""),
        ("lines_removed", ""),
    ),
}


def _written() -> str:
    """This file's COLUMNS as schema.py gives them (`python -m stint.store.lite_columns`
    prints the dict to paste here after a schema change)."""
    from sqlalchemy import Boolean
    from sqlalchemy.types import JSON

    from stint.store import schema
    from stint.store.columns import UTCDateTime

    def kind(column: object) -> str:
        found = getattr(column, "type", None)
        if isinstance(found, UTCDateTime):
            return "datetime"
        if isinstance(found, Boolean):
            return "bool"
        if isinstance(found, JSON) or isinstance(getattr(found, "impl", None), JSON):
            return "json"
        return ""

    lines = ["COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {"]
    for name in COLUMNS:
        lines.append(f'    "{name}": (')
        lines += [f'        ("{c.name}", "{kind(c)}"),' for c in getattr(schema, name).c]
        lines.append("    ),")
    return "\n".join([*lines, "}"])


if __name__ == "__main__":
    print(_written())
