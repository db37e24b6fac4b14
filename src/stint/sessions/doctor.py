"""`stint doctor`: rebuild every counter from the event log and compare with the stored,
incrementally maintained ones (the same merge rule, `stint.model.projection`, drives both)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from stint.model.channels import channel_pulse_of
from stint.model.projection import counter_deltas, file_deltas
from stint.sessions import channels
from stint.sessions.service import Sessions
from stint.store import channel_pulse, event_reads, rebuild
from stint.store import events as ev


@dataclass(frozen=True)
class Mismatch:
    session_id: int
    field: str
    stored: Any
    expected: Any
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "field": self.field,
            "path": self.path,
            "stored": self.stored,
            "expected": self.expected,
        }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a or 0) - float(b or 0)) < 1e-6
    return bool(a == b)


def check(tracker: Sessions, fix: bool = False) -> list[Mismatch]:
    """Every difference between the stored projection and a fresh fold of the log."""
    counters: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    files: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with tracker.store.read() as conn:
        for session_id, event_type, file_path, payload, _at in ev.stream_events(conn, tracker.org):
            for name, delta in counter_deltas(event_type, payload or {}).items():
                counters[session_id][name] += delta
            for change in file_deltas(event_type, file_path, payload or {}):
                tally = files[(session_id, change.path)]
                tally["times_modified"] += change.modified
                tally["lines_added"] += change.added
                tally["lines_removed"] += change.removed
                tally["times_mentioned"] += change.mentioned
        stored = rebuild.stored_counters(conn, tracker.org)
        stored_files = rebuild.stored_files(conn, tracker.org)

    # A file counts as modified when edits touched it or git saw it change.
    modified_paths: dict[int, set[str]] = defaultdict(set)
    for (session_id, path), tally in files.items():
        if tally["times_modified"] > 0:
            modified_paths[session_id].add(path)
    for (session_id, path), tally in stored_files.items():
        if tally["git_change"]:
            modified_paths[session_id].add(path)

    found: list[Mismatch] = []
    fixes: dict[int, dict[str, Any]] = defaultdict(dict)
    for session_id, row in stored.items():
        folded = counters.get(session_id, {})
        expected = {name: folded.get(name, 0) for name in rebuild.COUNTERS}
        expected["loc_added"] = (
            row["git_lines_added"]
            if row["git_lines_added"] is not None
            else expected["edit_lines_added"]
        )
        expected["loc_removed"] = (
            row["git_lines_removed"]
            if row["git_lines_removed"] is not None
            else expected["edit_lines_removed"]
        )
        expected["files_modified"] = len(modified_paths.get(session_id, ()))
        for name, value in expected.items():
            if not _same(row[name], value):
                found.append(Mismatch(session_id, name, row[name], value))
                fixes[session_id][name] = value
    file_fixes = []
    for key, tally in stored_files.items():
        folded_tally = files.get(key, {})
        for name in rebuild.FILE_TALLIES:
            if not _same(tally[name], folded_tally.get(name, 0)):
                found.append(Mismatch(key[0], name, tally[name], folded_tally.get(name, 0), key[1]))
                file_fixes.append((key, name, folded_tally.get(name, 0)))
    found += _channels(tracker, fixes)
    found += _channel_states(tracker, fixes)
    if fix and found:
        with tracker.store.write() as conn:
            for session_id, values in fixes.items():
                rebuild.write_counters(conn, session_id, values)
            for (session_id, path), name, value in file_fixes:
                rebuild.write_file(conn, session_id, path, {name: value})
    return found


def _channels(tracker: Sessions, fixes: dict[int, dict[str, Any]]) -> list[Mismatch]:
    """Ended sessions whose stored split by channel differs from their events' (or was
    never stored: ended before migration 0015); the fix goes into `fixes`."""
    found = []
    with tracker.store.read() as conn:
        for session_id, row in rebuild.stored_channels(conn, tracker.org).items():
            end_at = row["ended_at"]
            duration = max(
                0.0,
                (end_at - row["started_at"]).total_seconds() - float(row["paused_seconds"] or 0),
            )
            split = channels.at_end(
                conn, tracker.org, session_id, tracker.settings.pulse_seconds, end_at, duration
            )
            expected = channels.columns(split)
            for name in rebuild.CHANNELS:
                if row[name] is None or not _same(row[name], expected[name]):
                    found.append(Mismatch(session_id, name, row[name], expected[name]))
                    fixes[session_id].update(expected)
    return found


def _channel_states(tracker: Sessions, fixes: dict[int, dict[str, Any]]) -> list[Mismatch]:
    """Sessions whose channel state, kept as events arrived (migration 0017), differs from
    the fold of all their events; the fix stores the fold."""
    found = []
    pulse = tracker.settings.pulse_seconds
    with tracker.store.read() as conn:
        for session_id, row in rebuild.kept_channel_states(conn, tracker.org, pulse).items():
            folded = channel_pulse_of(event_reads.channel_events(conn, session_id), pulse)
            expected = {
                name: folded_value
                for name, folded_value in zip(
                    channel_pulse.COLUMNS, channel_pulse.params(folded).values(), strict=True
                )
            }
            for name, value in expected.items():
                if not _same(getattr(row, name), value):
                    found.append(Mismatch(session_id, name, getattr(row, name), value))
                    fixes[session_id].update(expected)
    return found
