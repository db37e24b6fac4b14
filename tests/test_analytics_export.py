"""export → import-data round trips losslessly (ids kept, idempotent), on both backends,
the OTLP receiver's metric points included."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import AggregationTemporality

import test_capture_otlp
from conftest import pg_schema_url, run_stint
from stint.cli.analytics import TABLES
from stint.model.types import StintError
from stint.store import bulk
from stint.store.transfer import EXPORT_TABLES
from stint.tracker import Tracker
from test_capture_otlp import (
    EXPECTED_TOTALS,
    SID,
    SID2,
    Collector,
    body_of,
    export_claude_metrics,
)


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


# Its fixture: an OTLP/HTTP endpoint on loopback keeping what the SDK sends.
collector = test_capture_otlp.collector


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


def _receive_metrics(tracker: Tracker, collector: Collector, temporality: Any) -> list[bytes]:
    """Claude-Code-shaped counters exported by the OpenTelemetry SDK, through the receiver;
    the request bodies as sent."""
    collector.requests.clear()
    export_claude_metrics(collector, temporality)
    sent = collector.bodies("/v1/metrics")
    for captured in sent:
        tracker.receive_otlp("metrics", body_of(captured), captured.content_type)
    return [body_of(c) for c in sent]


def _totals(tracker: Tracker) -> dict[str, dict[str, float]]:
    """Each Claude session's metric totals, found by its agent session id (as the
    receiver finds it)."""
    found = {sid: tracker.find_agent_session("claude_code", sid) for sid in (SID, SID2)}
    return {sid: tracker.metric_totals(s.id) for sid, s in found.items() if s is not None}


@pytest.mark.parametrize(
    "temporality", [AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE]
)
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_telemetry_metrics_round_trip(
    tracker: Tracker, other: Tracker, collector: Collector, fmt: str, temporality: Any
) -> None:
    sent = _receive_metrics(tracker, collector, temporality)
    totals = _totals(tracker)
    assert totals[SID] == pytest.approx(EXPECTED_TOTALS) and totals[SID2] == {"commits": 3}
    points = json.loads(_export(tracker, "json", table="telemetry_metrics"))
    stored = len(points["tables"]["telemetry_metrics"])
    assert stored > len(EXPECTED_TOTALS)

    first = _export(tracker, fmt)
    result = other.import_data(io.StringIO(first))
    assert result["tables"]["telemetry_metrics"] == {"read": stored, "inserted": stored}
    assert _export(other, fmt) == first
    assert _totals(other) == totals
    again = other.import_data(io.StringIO(first))
    assert again["tables"]["telemetry_metrics"] == {"read": stored, "inserted": 0}
    assert _export(other, fmt) == first

    # The imported points are the receiver's own: the same requests re-sent to the new
    # store reach the imported sessions and add nothing; a later export of the same
    # counters (new intervals, or new cumulative streams) adds to them, with fresh ids.
    for body in sent:
        other.receive_otlp("metrics", body, "application/x-protobuf")
    assert _totals(other) == totals
    _receive_metrics(other, collector, temporality)
    later = _totals(other)
    assert later.keys() == totals.keys()
    for sid, figures in totals.items():
        assert later[sid] == pytest.approx({k: 2 * v for k, v in figures.items()}), sid


def test_telemetry_metrics_by_table_and_org(
    tracker: Tracker, collector: Collector, database_url: str
) -> None:
    _receive_metrics(tracker, collector, AggregationTemporality.DELTA)
    points = json.loads(_export(tracker, "json", table="telemetry_metrics"))
    rows = list(csv.DictReader(io.StringIO(_export(tracker, "csv", table="telemetry_metrics"))))
    assert [int(r["id"]) for r in rows] == [p["id"] for p in points["tables"]["telemetry_metrics"]]
    assert "org_id" not in rows[0]
    assert {r["total"] for r in rows} >= {"lines_added", "commits", "cost_usd"}
    # `stint export --table telemetry_metrics`, the same rows
    cli = run_stint(
        "export", "--format", "csv", "--table", "telemetry_metrics",
        env={"STINT_DATABASE_URL": database_url},
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert list(csv.DictReader(io.StringIO(cli.stdout))) == rows
    # Another org of the same store exports none of them.
    beta = tracker.team.create_org("Beta")
    theirs = Tracker(tracker.store, tracker.settings, beta["id"])
    assert json.loads(_export(theirs, "json", table="telemetry_metrics"))["tables"] == {
        "telemetry_metrics": []
    }


def test_the_cli_offers_every_exported_table() -> None:
    assert ("all", *EXPORT_TABLES) == TABLES
