"""One OTLP request may name several agent sessions; its events go in one transaction,
each session's row locked as its turn comes. Two requests naming the same two sessions in
opposite orders must lock them in one order (by id), or each holds one row and waits for
the other's: PostgreSQL fails one of them. The first request is held after its first
session for longer than the deadlock timeout (1 s) while the second arrives. Built from
the real Claude Code logs export (tests/fixtures/otlp, see its README)."""

from __future__ import annotations

import copy
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from stint.capture import otlp_receiver
from stint.tracker import Tracker

FIXTURE = Path(__file__).parent / "fixtures" / "otlp" / "claude_code_2.1.294_logs.json"
HELD = 1.5  # seconds: longer than PostgreSQL's default deadlock_timeout


def _records_of(session: str, tag: str) -> list[dict[str, Any]]:
    records = json.loads(FIXTURE.read_text())["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    out = []
    for record in copy.deepcopy(records):
        for attribute in record["attributes"]:
            if attribute["key"] == "session.id":
                attribute["value"] = {"stringValue": session}
            elif attribute["key"] in ("request_id", "prompt.id"):
                attribute["value"] = {"stringValue": f"{tag}-{attribute['value']['stringValue']}"}
        out.append(record)
    return out


def _body(sessions: list[str], tag: str) -> bytes:
    document = json.loads(FIXTURE.read_text())
    records = [r for session in sessions for r in _records_of(session, f"{tag}-{session}")]
    document["resourceLogs"][0]["scopeLogs"][0]["logRecords"] = records
    return json.dumps(document).encode()


def test_two_requests_naming_two_sessions_in_opposite_orders_both_succeed(
    pg_url: str, monkeypatch: Any
) -> None:
    first, second = Tracker.open(pg_url), Tracker.open(pg_url)
    try:
        first.receive_otlp("logs", _body(["sess-a", "sess-b"], "seed"), "application/json")
        held = threading.Event()
        real_append = otlp_receiver.ev.append_many

        def append_then_hold(*args: Any, **kwargs: Any) -> int:
            stored = real_append(*args, **kwargs)
            if threading.current_thread().name.startswith("first") and not held.is_set():
                held.set()
                time.sleep(HELD)
            return stored

        monkeypatch.setattr(otlp_receiver.ev, "append_many", append_then_hold)

        def forward() -> int:
            body = _body(["sess-a", "sess-b"], "one")
            return first.receive_otlp("logs", body, "application/json").stored

        def backward() -> int:
            assert held.wait(10)
            body = _body(["sess-b", "sess-a"], "two")
            return second.receive_otlp("logs", body, "application/json").stored

        with (
            ThreadPoolExecutor(1, thread_name_prefix="first") as one,
            ThreadPoolExecutor(1, thread_name_prefix="second") as other,
        ):
            a, b = one.submit(forward), other.submit(backward)
            assert a.result(30) > 0 and b.result(30) > 0
        for name in ("sess-a", "sess-b"):
            assert first.find_agent_session("claude_code", name) is not None
    finally:
        first.close()
        second.close()
