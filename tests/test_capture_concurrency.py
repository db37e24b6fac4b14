"""16 hook processes × 1,000 calls at once: every record spooled once, drained into exact
counters. Each process loops over the fast path in-process (a subprocess per call would
take minutes); a few true `stint hook` processes run alongside."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import STINT
from stint.tracker import Tracker

PROCESSES, CALLS = 16, 1000
DRIVER = """
import io, sys
from stint.capture.fastpath import hook
proc = sys.argv[1]
for i in range(int(sys.argv[2])):
    body = ('{"session_id": "s%s", "cwd": "/nonexistent", "hook_event_name": "PostToolUse",'
            ' "tool_name": "Grep", "tool_use_id": "t%s-%d", "duration_ms": 1}' % (proc, proc, i))
    hook(["claude-code"], io.BytesIO(body.encode()))
"""


@pytest.mark.slow
def test_16_processes_times_1000_hook_calls(stint_home: Path) -> None:
    started = time.monotonic()
    drivers = [
        subprocess.Popen([sys.executable, "-c", DRIVER, str(n), str(CALLS)])
        for n in range(PROCESSES)
    ]
    extra = {
        "session_id": "s-real",
        "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "ls"},
    }
    real = [
        subprocess.Popen([STINT, "hook", "claude-code"], stdin=subprocess.PIPE) for _ in range(4)
    ]
    for n, process in enumerate(real):
        assert process.stdin is not None
        process.stdin.write(json.dumps({**extra, "tool_use_id": f"real-{n}"}).encode())
        process.stdin.close()
    assert all(p.wait(timeout=120) == 0 for p in drivers + real)
    spooled_in = time.monotonic() - started

    tracker = Tracker.open()
    assert tracker.drain() == {"applied": PROCESSES * CALLS + 4, "dead": 0}
    sessions = {s.agent_session_id: s for s in tracker.sessions(limit=100)}
    assert len(sessions) == PROCESSES + 1
    for n in range(PROCESSES):
        session = sessions[f"s{n}"]
        assert session.tool_call_count == CALLS and session.tool_failures == 0
        assert len(tracker.timeline(session.id)) == CALLS + 1  # + session_started
    assert sessions["s-real"].tool_call_count == 4 and sessions["s-real"].commands_executed == 4
    assert sum(s.tool_call_count for s in sessions.values()) == PROCESSES * CALLS + 4
    print(
        f"spooled in {spooled_in:.1f}s, drained in {time.monotonic() - started - spooled_in:.1f}s"
    )
