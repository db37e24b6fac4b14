"""Concurrent writers lose no update: 8 processes × 500 activities on one session."""

from __future__ import annotations

import subprocess
import sys

from stint.tracker import Tracker

WRITER = """
import sys
from stint.model.types import EventIn
from stint.tracker import Tracker

url, session_id, worker = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tracker = Tracker.open(url)
for i in range(500):
    tracker.record(session_id, EventIn("file_modified", file_path="shared.py",
                                       payload={"added": 1, "removed": 1}, key=f"{worker}-{i}"))
tracker.close()
"""


def test_eight_writers_lose_no_update(database_url: str) -> None:
    tracker = Tracker.open(database_url)
    session = tracker.start(project="p")
    workers = [
        subprocess.Popen([sys.executable, "-c", WRITER, database_url, str(session.id), str(n)])
        for n in range(8)
    ]
    assert [w.wait(timeout=300) for w in workers] == [0] * 8
    got = tracker.get(session.id)
    counters = (got.edit_lines_added, got.edit_lines_removed, got.loc_added, got.loc_removed)
    assert counters == (4000, 4000, 4000, 4000)
    files = tracker.files(session.id)
    assert [(f.path, f.times_modified, f.lines_added, f.lines_removed) for f in files] == [
        ("shared.py", 4000, 4000, 4000)
    ]
    assert len(tracker.timeline(session.id)) == 4001  # + session_started
    from stint.sessions.doctor import check

    assert check(tracker) == []
    tracker.close()
