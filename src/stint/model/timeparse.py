"""Times in and out: parse `--at` values, format durations as "1h 30m".

Stored times are UTC-aware; what people type and read is local time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RELATIVE = re.compile(
    r"^\s*(?P<sign>[-+])?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>s|sec|secs|m|min|mins|h|hr|hrs|hours?|d|days?)"
    r"(?:\s+ago)?\s*$",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^\s*(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class TimeParseError(ValueError):
    """A time the user typed could not be understood."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as local time (what a person typed); aware ones are converted."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """Parse ISO 8601, `HH:MM` (today, local; yesterday if that is in the future) or relative
    (`-90m`, `90m`, `2h ago`, `1.5h`) into a UTC datetime. Relative values point to the past."""
    now = now or utcnow()
    if not text or not text.strip():
        raise TimeParseError("empty time")
    if text.strip().lower() == "now":
        return now
    match = _RELATIVE.match(text)
    if match:
        if match["sign"] == "+":
            raise TimeParseError(f"{text!r} is in the future")
        unit = match["unit"].lower()[0]
        return now - timedelta(seconds=float(match["n"]) * _UNIT_SECONDS[unit])
    match = _CLOCK.match(text)
    if match:
        hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise TimeParseError(f"not a clock time: {text!r}")
        local_now = now.astimezone()
        moment = local_now.replace(hour=hour, minute=minute, second=second, microsecond=0)
        if moment > local_now:
            moment -= timedelta(days=1)
        return moment.astimezone(UTC)
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        raise TimeParseError(
            f"cannot read time {text!r}: use ISO 8601, HH:MM, or relative like -90m or '2h ago'"
        ) from None


def human_duration(seconds: float | None) -> str:
    """90 -> "1m", 5400 -> "1h 30m", 0 -> "0m"; days are shown as hours."""
    if seconds is None:
        return "—"
    total_minutes = int(max(0.0, seconds) // 60)
    hours, minutes = divmod(total_minutes, 60)
    if hours and minutes:
        return f"{hours}h {minutes}m"
    if hours:
        return f"{hours}h"
    if total_minutes == 0 and 0 < seconds < 60:
        return f"{int(seconds)}s"
    return f"{minutes}m"


def local_text(moment: datetime | None, with_date: bool = True) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone()
    return local.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")
