"""`stint statusline`: one line for Claude Code's `statusLine` setting. Standard library
only. The stint side (session number, active time, the person's and the agent's time, where
its repository is) comes from
`statusline.json`, a cache the drain writes; the lines come from git since the session's
start commit (`stint.sessions.livegit`, itself cached), else from Claude Code's input, as do cost
and model."""

from __future__ import annotations

import json
import os
import sys
import time

from stint.capture import spool
from stint.model.units import money

# `typing` costs milliseconds on a path with the hook's budget; mypy reads this flag.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

CACHE_FILE = "statusline.json"
MAX_INPUT = 1024 * 1024


def main(stdin: IO[bytes]) -> int:
    try:
        data = json.loads(stdin.read(MAX_INPUT) or b"null")
    except (ValueError, RecursionError):
        data = None
    info = data if isinstance(data, dict) else {}
    home = spool.home_dir()
    cache = load_cache(home)
    sys.stdout.write(render(info, cache, time.time(), live_code(home, info, cache)) + "\n")
    sys.stdout.flush()
    return 0


def load_cache(home: str) -> dict[str, Any]:
    try:
        with open(os.path.join(home, CACHE_FILE), encoding="utf-8") as cached:
            cache = json.load(cached)
    except (OSError, ValueError):
        return {}
    return cache if isinstance(cache, dict) else {}


def _entry(info: dict[str, Any], cache: dict[str, Any]) -> dict[str, Any] | None:
    sessions = cache.get("sessions")
    entry = sessions.get(str(info.get("session_id"))) if isinstance(sessions, dict) else None
    return entry if isinstance(entry, dict) else None


def live_code(home: str, info: dict[str, Any], cache: dict[str, Any]) -> dict[str, Any] | None:
    """The open session's code change since its start commit, as `stint status` shows it
    (one `git status` when nothing changed since the last measurement); None without a
    repository."""
    entry = _entry(info, cache)
    if entry is None or entry.get("status") not in ("active", "paused"):
        return None
    root, start = entry.get("repo_root"), entry.get("start_commit")
    if not isinstance(root, str) or not (start is None or isinstance(start, str)):
        return None
    from stint.sessions.livegit import measure

    return measure(home, root, start)


def render(
    info: dict[str, Any], cache: dict[str, Any], now: float, code: dict[str, Any] | None = None
) -> str:
    """The line; `code` (from `live_code`) wins over Claude Code's own tally of its edits."""
    parts = ["stint"]
    entry = _entry(info, cache)
    if isinstance(entry, dict):
        parts[0] = f"stint #{entry.get('number', '?')}"
        seconds = _active(entry, cache, now)
        if seconds is not None:
            parts.append(human(seconds) + (" (paused)" if entry.get("status") == "paused" else ""))
        person, agent = entry.get("person_seconds"), entry.get("agent_seconds")
        if isinstance(person, int | float) and isinstance(agent, int | float):
            # As of the last drain: which channel the time since belongs to is unknown.
            parts.append(f"you {human(person)} · agent {human(agent)}")
    cost = _dig(info, "cost", "total_cost_usd")
    if isinstance(cost, int | float) and not isinstance(cost, bool):
        parts.append(money(cost))
    if code is not None:
        added, removed = code.get("lines_added"), code.get("lines_removed")
    else:
        added = _dig(info, "cost", "total_lines_added")
        removed = _dig(info, "cost", "total_lines_removed")
    if isinstance(added, int) or isinstance(removed, int):
        parts.append(f"+{_count(added)} −{_count(removed)}")
    model = _dig(info, "model", "display_name") or _dig(info, "model", "id")
    if isinstance(model, str) and model.strip():
        parts.append(model.strip()[:40])
    return " · ".join(parts)


def _active(entry: dict[str, Any], cache: dict[str, Any], now: float) -> float | None:
    """Active seconds at the last drain, plus the time since while the session is active
    and that time is no longer than the pulse (a longer gap would count as idle)."""
    seconds = entry.get("active_seconds")
    if not isinstance(seconds, int | float):
        return None
    as_of = entry.get("as_of")
    pulse = cache.get("pulse_seconds", 900)
    if entry.get("status") == "active" and isinstance(as_of, int | float):
        since = now - as_of
        if isinstance(pulse, int | float) and 0 < since <= pulse:
            seconds += since
    return float(seconds)


def _dig(data: dict[str, Any], *path: str) -> Any:
    value: Any = data
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def human(seconds: float) -> str:
    """ "1h 05m", "12m", "40s" — the same shape as `stint.model.timeparse.human_duration`."""
    total = int(seconds)
    hours, minutes = divmod(total // 60, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m" if minutes else f"{total}s"
