"""The overview's rows after the query changes made for speed: the same figures on both
backends (top models without the sessions of no model, hourly totals as aware UTC hours)."""

from __future__ import annotations

from datetime import UTC, timedelta

from stint.model.timeparse import utcnow
from stint.tracker import Tracker


def test_top_models_and_hourly_totals(tracker: Tracker) -> None:
    now = utcnow()
    chosen = ["opus", "opus", "sonnet", None]
    for n, model in enumerate(chosen):
        at = now - timedelta(hours=n + 1)
        session = tracker.start(goal=f"g{n}", project=f"p{n}", model=model, at=at)
        tracker.end(session.id, at=at + timedelta(minutes=30))
    old = tracker.start(goal="old", project="px", model="haiku", at=now - timedelta(days=60))
    tracker.end(old.id, at=now - timedelta(days=60) + timedelta(minutes=5))
    since = now - timedelta(days=90)
    hours, _tags, models = tracker.dashboard_rows(since, now - timedelta(days=30))
    assert models == [("opus", 2), ("sonnet", 1)]
    assert sum(int(row["sessions"]) for row in hours) == 5
    for row in hours:
        assert row["hour"].tzinfo is not None and row["hour"].utcoffset() == timedelta(0)
        assert row["hour"].minute == 0 and row["hour"] <= now.astimezone(UTC)
    assert set(hours[0]) == {"hour", "sessions", "cost", "tokens", "active", "tasks", "lines"}
    minutes, _, _ = tracker.dashboard_rows(since, since, by_minute=True)
    assert sum(int(row["sessions"]) for row in minutes) == 5
