"""A write the database refused only because another writer held what it needed answers
503 with Retry-After, and the same request sent again is stored (on real PostgreSQL: a
session row held by another transaction, and the server's connections given a lock
timeout of 200 ms so the wait ends in PostgreSQL's lock-timeout error, 55P03)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from stint.tracker import Tracker
from stint.web import create_app


def _batch(keys: list[str]) -> dict[str, object]:
    events = [{"type": "message", "key": key} for key in keys]
    return {"sessions": [{"agent": "claude_code", "agent_session_id": "busy", "events": events}]}


def test_a_write_that_waited_too_long_on_another_writer_is_a_503_to_resend(pg_url: str) -> None:
    url = pg_url + "%20-clock_timeout%3D200"
    tracker = Tracker.open(url)
    holder = create_engine(pg_url)
    try:
        with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
            first = client.post("/api/v1/ingest", json=_batch(["k1"]))
            assert first.status_code == 200, first.text
            session_id = first.json()["session_ids"][0]
            with holder.begin() as conn:
                conn.execute(
                    text("SELECT id FROM sessions WHERE id = :i FOR UPDATE"), {"i": session_id}
                )
                busy = client.post("/api/v1/ingest", json=_batch(["k2", "k3"]))
            assert busy.status_code == 503, busy.text
            assert busy.headers["retry-after"] == "1"
            assert "send it again" in busy.json()["detail"]
            again = client.post("/api/v1/ingest", json=_batch(["k2", "k3"]))
            assert again.status_code == 200 and again.json()["stored"] == 2
        assert tracker.get(session_id).message_count == 3
    finally:
        holder.dispose()
        tracker.close()
