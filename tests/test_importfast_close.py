"""Ending a session from the states its row keeps: an import's stale sessions end with
the active time and channel split that reading all their events back gives, without
reading them; the write path's column-at-a-time parameters equal the row-at-a-time ones;
the cheaper redaction pre-checks still mask what they must."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from stint.model import redaction
from stint.model.channels import split
from stint.model.projection import active_seconds
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.sessions import lifecycle
from stint.store import event_reads, pulse_state, schema
from stint.store import events as ev
from stint.store.prepared import prepare
from stint.tracker import Tracker

START = utcnow().replace(microsecond=0) - timedelta(hours=6)


def _stale_session(t: Tracker) -> int:
    session = t.attach(agent="claude_code", agent_session_id="close-1", at=START)
    kinds: list[tuple[str, str, bool, dict[str, Any]]] = [
        ("message", "hook", False, {"role": "user"}),
        ("tool_call", "hook", True, {"tool": "Bash"}),
        ("tokens", "import", True, {"model": "m", "input_tokens": 3}),
        ("notification", "hook", False, {}),
    ]
    with t.store.write() as conn:
        events = [
            (EventIn(kind, None, kind, source, ai, payload=payload), START + timedelta(seconds=s))
            for s, (kind, source, ai, payload) in zip(range(10, 4000, 37), kinds * 40, strict=False)
        ]
        # the latest event is the agent's: the end (its last activity) is the latest event
        last = EventIn("tool_call", None, "Bash", "hook", True, payload={"tool": "Bash"})
        events.append((last, START + timedelta(seconds=4100)))
        ev.append_many(t.store, conn, t.org, session.id, events)
    return int(session.id)


def test_a_stale_session_ends_with_the_figures_its_events_give(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _stale_session(tracker)

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("the end read every event back")

    monkeypatch.setattr(ev, "moments", unread)  # the end
    monkeypatch.setattr(pulse_state, "moments", unread)  # the projection
    assert lifecycle.time_out_many(tracker, [session_id]) == 1
    monkeypatch.undo()
    ended = tracker.get(session_id)
    assert ended.status == "timeout"
    pulse = tracker.settings.pulse_seconds
    with tracker.store.read() as conn:
        moments = ev.moments(conn, session_id)
        channel_events = event_reads.channel_events(conn, session_id)
        row = (
            conn.execute(select(schema.sessions).where(schema.sessions.c.id == session_id))
            .mappings()
            .one()
        )
    end_at = row["ended_at"]
    assert end_at == max(e.at for e in channel_events if e.type != "notification")
    assert row["active_seconds"] == pytest.approx(active_seconds(moments, pulse, end_at))
    duration = (end_at - row["started_at"]).total_seconds()
    expected = split(channel_events, pulse, end_at, duration)
    assert row["person_seconds"] == pytest.approx(expected.person)
    assert row["agent_seconds"] == pytest.approx(expected.agent)
    assert row["both_seconds"] == pytest.approx(expected.both)
    assert row["active_seconds"] > 0 and row["both_seconds"] > 0


def test_column_at_a_time_parameters_equal_row_at_a_time(tracker: Tracker) -> None:
    rows = [
        ev.activity_row(
            tracker.org,
            1,
            EventIn(
                "command_executed",
                None,
                f"Ran: deploy --token abcd{i}efgh",
                "import",
                True,
                payload={"command": f"export API_KEY=zzzz{i}yyyy", "n": i, "password": "pw"},
                key=f"k{i}",
            ),
            START + timedelta(seconds=i),
        )
        for i in range(50)
    ]
    with tracker.store.write() as conn:
        prepared = prepare(conn, ev._plain_insert(True), tuple(rows[0]))
        many = prepared.many_params(rows)
    assert many == [prepared.params(row) for row in rows]
    assert "abcd0efgh" not in str(many) and "zzzz0yyyy" not in str(many)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("claude-sonnet-4-5-20250929: 25,565 tokens", False),
        ("run --password hunter22 now", True),
        ("-pwd abcdef", True),
        ("tokens used: 12; token=abcdefgh", True),
        ("see the token-count: 1234", True),
    ],
)
def test_pre_checks_keep_what_every_pattern_masks(text: str, masked: bool) -> None:
    every = text
    for pattern, replacement in redaction._patterns():
        every = pattern.sub(replacement, every)
    assert redaction.redact(text) == every
    assert (redaction.MASK in every) is masked
