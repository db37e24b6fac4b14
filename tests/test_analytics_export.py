"""export → import-data round trips losslessly (ids kept, idempotent), on both backends."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import pg_schema_url
from stint.model.types import StintError
from stint.store import bulk
from stint.tracker import Tracker


@pytest.fixture
def other(database_url: str, tmp_path: Path) -> Iterator[Tracker]:
    """A second, empty store on the same backend."""
    if database_url.startswith("sqlite"):
        t = Tracker.open(f"sqlite:///{tmp_path / 'other.db'}")
        yield t
        t.close()
        return
    urls = pg_schema_url()
    url = next(urls)
    t = Tracker.open(url)
    yield t
    t.close()
    next(urls, None)


def _fill(tracker: Tracker) -> None:
    session = tracker.start(goal="Export everything", project="exp", tags=["io", "ü-tag"])
    tracker.add_task(session.id, "write exporter", status="completed")
    tracker.add_decision(session.id, "stream rows, never load all")
    tracker.add_context(session.id, "see @src/stint/analytics/export.py")
    tracker.touch_file(session.id, "src/a.py", modified=True, added=12, removed=3)
    tracker.add_note(session.id, 'quotes " and, commas\nand newlines')
    tracker.end(session.id, outcome="achieved", notes="done")
    with tracker.store.write() as conn:
        bulk.insert_sessions(
            conn,
            tracker.org,
            [
                {
                    "started_at": datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
                    "cost_usd": 0.1 + 0.2,
                    "state": {"nested": [1, 2.5, None]},
                    "tags": ["old"],
                }
            ],
        )


def _export(tracker: Tracker, fmt: str, **options: object) -> str:
    out = io.StringIO()
    tracker.export(str(options.get("table", "all")), fmt, options.get("since"), out)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_round_trip_is_lossless_and_idempotent(tracker: Tracker, other: Tracker, fmt: str) -> None:
    _fill(tracker)
    first = _export(tracker, fmt)
    result = other.import_data(io.StringIO(first))
    assert result["inserted"] == result["read"] > 10
    assert result["tables"]["sessions"] == {"read": 2, "inserted": 2}
    assert _export(other, fmt) == first
    again = other.import_data(io.StringIO(first))
    assert again["inserted"] == 0, again
    assert _export(other, fmt) == first
    # Ids continue after the imported ones (PostgreSQL sequences were moved on).
    imported = other.sessions(limit=10)
    fresh = other.start(goal="after import")
    assert fresh.id > max(s.id for s in imported)
    assert other.get(1).tags == tracker.get(1).tags
    assert other.stats()["cost_usd"] == tracker.stats()["cost_usd"]


def test_json_shape_since_and_csv(tracker: Tracker) -> None:
    _fill(tracker)
    document = json.loads(_export(tracker, "json"))
    assert document["format"] == "stint-export" and document["version"] == 1
    assert [s["goal"] for s in document["tables"]["sessions"]] == ["Export everything", None]
    assert document["tables"]["sessions"][1]["started_at"] == "2025-01-02T03:04:05.678901+00:00"
    recent = json.loads(_export(tracker, "json", since=datetime(2026, 1, 1, tzinfo=UTC)))
    assert len(recent["tables"]["sessions"]) == 1
    assert {t["tag"] for t in recent["tables"]["session_tags"]} == {"io", "ü-tag"}
    rows = list(csv.DictReader(io.StringIO(_export(tracker, "csv", table="notes"))))
    assert rows[0]["content"] == 'quotes " and, commas\nand newlines'
    sessions = list(csv.DictReader(io.StringIO(_export(tracker, "csv", table="sessions"))))
    assert json.loads(sessions[1]["state"]) == {"nested": [1, 2.5, None]}


def test_export_and_import_errors(tracker: Tracker) -> None:
    with pytest.raises(StintError, match="csv holds one table"):
        _export(tracker, "csv")
    with pytest.raises(StintError, match="unknown table"):
        _export(tracker, "json", table="secrets")
    with pytest.raises(StintError, match="not a stint export"):
        tracker.import_data(io.StringIO('{"hello": 1}\n'))
