"""Periods and time zones: what "week" means, and the UTC offsets of a zone over a range.

Periods are calendar periods in the user's local zone:
`today`; `week` (the calendar week, from Monday 00:00 local, to now); `month` (from the 1st);
`Nd` (the last N days, today included); `all`; `YYYY-MM-DD..YYYY-MM-DD` (both days
inclusive); `YYYY-MM-DD` (one day). A period is the half-open UTC range [start, end).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stint.model.types import StintError

_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
_DAYS = re.compile(r"^(\d{1,4})d$")
PERIOD_HELP = (
    "today, week (calendar week from Monday, local time), month (calendar month), "
    "Nd (last N days), all, YYYY-MM-DD, or YYYY-MM-DD..YYYY-MM-DD (inclusive)"
)


@dataclass(frozen=True)
class Period:
    """A named UTC range; `start`/`end` None mean unbounded."""

    label: str
    start: datetime | None
    end: datetime | None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "label": self.label,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


def local_zone(name: str | None = None) -> tzinfo:
    """The zone `name` (IANA), else $TZ, else the system's /etc/localtime, else the fixed
    offset the system reports now."""
    candidate = name or os.environ.get("TZ") or _system_zone_name()
    if candidate:
        try:
            return ZoneInfo(candidate.lstrip(":"))
        except (ZoneInfoNotFoundError, ValueError):
            if name:
                raise StintError(f"unknown time zone {name!r} (use an IANA name)") from None
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def _system_zone_name() -> str | None:
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
    except OSError:
        return None
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def parse_period(text: str | None, zone: tzinfo, now: datetime | None = None) -> Period:
    """Turn a period name into a UTC range, in `zone`'s calendar."""
    label = (text or "all").strip().lower()
    now = now or datetime.now(UTC)
    today = now.astimezone(zone).date()
    if label == "all":
        return Period("all", None, None)
    if label == "today":
        return Period(label, _midnight(today, zone), now)
    if label == "week":
        monday = today - timedelta(days=today.weekday())
        return Period(label, _midnight(monday, zone), now)
    if label == "month":
        return Period(label, _midnight(today.replace(day=1), zone), now)
    days = _DAYS.match(label)
    if days:
        count = int(days[1])
        if count < 1:
            raise StintError("a period of days needs at least 1 day")
        return Period(label, _midnight(today - timedelta(days=count - 1), zone), now)
    match = _RANGE.match(label)
    first_text, last_text = (match[1], match[2]) if match else (label, label)
    try:
        first, last = date.fromisoformat(first_text), date.fromisoformat(last_text)
    except ValueError:
        raise StintError(f"unknown period {text!r}: use {PERIOD_HELP}") from None
    if last < first:
        raise StintError(f"period {text!r} ends before it starts")
    return Period(label, _midnight(first, zone), _midnight(last + timedelta(days=1), zone))


def _offset(zone: tzinfo, moment: datetime) -> int:
    delta = moment.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def offset_segments(
    zone: tzinfo, start: datetime | None, end: datetime | None
) -> list[tuple[datetime | None, int]]:
    """The zone's UTC offsets over [start, end]: [(None, offset), (change_at, offset), …].

    Found by probing every 6 hours and bisecting to the second where the offset changes;
    cheap (a decade is ~15k probes) and needs no access to the zone's transition table.
    """
    if start is None or end is None or end <= start:
        moment = start or end or datetime.now(UTC)
        return [(None, _offset(zone, moment))]
    segments: list[tuple[datetime | None, int]] = [(None, _offset(zone, start))]
    step = timedelta(hours=6)
    cursor = start
    while cursor < end:
        nxt = min(cursor + step, end)
        if _offset(zone, nxt) != segments[-1][1]:
            low, high = cursor, nxt
            while (high - low) > timedelta(seconds=1):
                mid = low + (high - low) / 2
                if _offset(zone, mid) == segments[-1][1]:
                    low = mid
                else:
                    high = mid
            change = high.replace(microsecond=0)
            if _offset(zone, change) == segments[-1][1]:
                change += timedelta(seconds=1)
            segments.append((change, _offset(zone, change)))
        cursor = nxt
    return segments
