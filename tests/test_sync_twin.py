"""A laptop's push of a Claude session the server already holds from its own telemetry
receiver fills that session instead of adding a second one (issue 12: telemetry, hooks,
import and sync of one Claude session merge without double counting)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from stint.model.types import EventIn
from stint.store import schema
from stint.tracker import Tracker

AT = "2026-03-02T10:00:00+00:00"
MACHINE = {"uuid": "00000000-0000-4000-8000-0000000000aa", "name": "ada-laptop"}


def _bundle(uuid: str) -> dict[str, Any]:
    return {
        "session": {
            "uuid": uuid,
            "agent": "claude_code",
            "agent_session_id": "S-twin",
            "status": "ended",
            "started_at": AT,
            "ended_at": "2026-03-02T11:00:00+00:00",
            "created_at": AT,
            "updated_at": AT,
            "input_tokens": 100,
            "output_tokens": 20,
            "cost_usd": 0.5,
        },
        "project": "alpha",
        "activities": [
            {
                "type": "tokens",
                "occurred_at": AT,
                "source": "import",
                "ai_involved": True,
                "idem_key": "claude_code:S-twin:usage:msg_1:req_1",
                "payload": {"model": "claude-sonnet-4-5", "input_tokens": 100},
            }
        ],
        "token_usage": [
            {
                "model": "claude-sonnet-4-5",
                "input_tokens": 100,
                "output_tokens": 20,
                "cost_usd": 0.5,
            }
        ],
    }


def _sessions(tracker: Tracker) -> list[dict[str, Any]]:
    S = schema.sessions
    with tracker.store.read() as conn:
        rows = conn.execute(
            select(S.c.id, S.c.uuid, S.c.machine_id, S.c.open_key).where(
                S.c.org_id == tracker.org, S.c.agent_session_id == "S-twin"
            )
        )
        return [dict(row._mapping) for row in rows]


def test_a_push_fills_the_session_telemetry_made(tracker: Tracker) -> None:
    made = tracker.attach(agent="claude_code", agent_session_id="S-twin", source="otlp")
    tracker.record_bulk(
        made.id,
        [EventIn("tokens", key="claude_code:S-twin:api_request:req_1", payload={"model": "m"})],
    )
    result = tracker.receive_sync(None, MACHINE, [_bundle("laptop-uuid-1")])
    assert (result["sessions_created"], result["sessions_updated"]) == (0, 1)
    (row,) = _sessions(tracker)
    assert (row["id"], row["uuid"], row["open_key"]) == (made.id, "laptop-uuid-1", None)
    assert row["machine_id"] is not None
    session = tracker.get(made.id)
    assert (session.row["input_tokens"], session.row["output_tokens"]) == (100, 20)
    with tracker.store.read() as conn:
        usage = conn.execute(
            select(schema.token_usage.c.input_tokens).where(
                schema.token_usage.c.session_id == made.id
            )
        ).all()
    assert [tuple(u) for u in usage] == [(100,)]
    # Pushed again: the session is found by its (now the laptop's) uuid, nothing doubles.
    again = tracker.receive_sync(None, MACHINE, [_bundle("laptop-uuid-1")])
    assert (again["sessions_updated"], again["activities_stored"]) == (1, 0)
    assert len(_sessions(tracker)) == 1


def test_a_session_another_laptop_pushed_is_not_taken_over(tracker: Tracker) -> None:
    tracker.receive_sync(None, MACHINE, [_bundle("laptop-uuid-1")])
    other = {**MACHINE, "uuid": "00000000-0000-4000-8000-0000000000bb"}
    tracker.receive_sync(None, other, [_bundle("laptop-uuid-2")])
    assert sorted(r["uuid"] for r in _sessions(tracker)) == ["laptop-uuid-1", "laptop-uuid-2"]
